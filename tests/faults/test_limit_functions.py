"""The pure pieces behind the hostile-site crawls: page caps, a paper's hosts and sizes, the promise book."""

from __future__ import annotations

import datetime as dt

from scrapy import Request

from crawler.limits import PageCaps, cap_page, paper_limits
from crawler.promises import Promises
from crawler.registry import Layout, Paper
from schema.records import ArticleRef, PageRecord, PageRef

DAY = dt.date(2025, 5, 1)


def _paper(**options: object) -> Paper:
    layouts = (
        Layout("founder-pc", "http://EPaper.example.cn/rb/"),
        Layout("founder-pc", "https://new.example.cn/"),
    )
    return Paper("p", "报", layouts, options=options)


def test_paper_hosts_are_its_base_url_hosts_plus_allowed_hosts() -> None:
    assert paper_limits(_paper()).allowed_hosts == {"epaper.example.cn", "new.example.cn"}
    limits = paper_limits(_paper(allowed_hosts=["IMG.example.cn"], max_response_mb=1.5))
    assert "img.example.cn" in limits.allowed_hosts
    assert limits.max_response_bytes == 1536 * 1024
    assert paper_limits(_paper()).max_response_bytes is None


def test_cap_page_cuts_lists_and_drops_oversized_polygons() -> None:
    record = PageRecord(
        url="http://e/p1",
        edition_date=DAY,
        number="01",
        name="要闻",
        pages=[PageRef(f"{i:02d}", "", f"http://e/p{i}") for i in range(1, 8)],
        articles=[ArticleRef(f"http://e/a{i}", polygons=[[0.0] * (4 if i else 40)]) for i in range(6)],
    )
    capped, hits = cap_page(record, PageCaps(pages=3, articles=4, polygon_coordinates=10))
    assert [p.url for p in capped.pages] == ["http://e/p1", "http://e/p2", "http://e/p3"]
    assert [a.url for a in capped.articles] == [f"http://e/a{i}" for i in range(4)]
    assert capped.articles[0].polygons == [] and capped.articles[1].polygons == [[0.0] * 4]
    assert [(h.stat, h.dropped, h.url) for h in hits] == [
        ("pages_per_edition", 4, "http://e/p4"),
        ("articles_per_page", 2, "http://e/a4"),
        ("polygon_coordinates", 1, None),
    ]
    assert len(record.pages) == 7 and len(record.articles[0].polygons) == 1  # the parsed record is left alone
    assert cap_page(record, PageCaps()) == (record, [])


def test_promises_account_only_what_was_never_answered() -> None:
    book = Promises()
    fetched, duplicate, looped, longer = (Request(f"http://e/{n}") for n in ("a", "b", "c", "d" * 50))
    for request in (fetched, duplicate, looped, longer):
        book.made(request, "p", DAY, "article", "http://e/p1")
    book.answered(fetched)
    book.dropped(duplicate)  # a plain duplicate: its first request answers for it
    book.dropped(looped.replace(meta={"redirect_urls": ["http://e/c", "http://e/x"]}, url="http://e/c"))
    lost = {u.url: u.reason for u in book.settle(url_length_limit=40)}
    assert lost == {
        "http://e/c": "redirect loop: http://e/c → http://e/x → http://e/c",
        longer.url: f"URL of {len(longer.url)} characters, over URLLENGTH_LIMIT=40: not requested",
    }
    assert not book
