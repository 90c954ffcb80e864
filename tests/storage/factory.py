"""Crawl items for storage tests: a fictional regional daily (河阳日报, key `hyrb`), our own writing.

URLs point at a loopback host that is never contacted: the store only keeps them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from schema.records import (
    ArticleItem,
    ArticleRecord,
    ArticleRef,
    ArticleText,
    Byline,
    Caption,
    CoordinateSpace,
    Dateline,
    EditionItem,
    ImageRef,
    PageItem,
    PageRecord,
    PageRef,
)

PAPER = "hyrb"
BASE = "http://127.0.0.1:9/hyrb"
PAGE_NAMES = ["要闻", "聚焦", "资讯", "综合", "文化", "体育", "副刊", "广告"]
WIDTH, HEIGHT = 600, 900
SQUARE = [0.0, 0.0, 300.0, 0.0, 300.0, 300.0, 0.0, 300.0]  # 1/6 of a 600×900 page


def page_url(date: dt.date, number: int) -> str:
    return f"{BASE}/pc/layout/{date:%Y%m}/{date:%d}/node_{number:02d}.html"


def article_url(date: dt.date, cid: int) -> str:
    return f"{BASE}/pc/content/{date:%Y%m}/{date:%d}/content_{cid}.html"


def article_ref(date: dt.date, cid: int, polygons: list[list[float]] | None = None) -> ArticleRef:
    return ArticleRef(
        url=article_url(date, cid),
        title=f"河阳新闻{cid}",
        polygons=[SQUARE] if polygons is None else polygons,
        source_key=f"content_{cid}",
    )


def page_item(
    date: dt.date,
    number: int,
    cids: list[int],
    n_pages: int = 2,
    paper: str = PAPER,
    space: CoordinateSpace | None = None,
) -> PageItem:
    refs = [
        PageRef(f"{i:02d}", PAGE_NAMES[(i - 1) % len(PAGE_NAMES)], page_url(date, i))
        for i in range(1, n_pages + 1)
    ]
    record = PageRecord(
        url=page_url(date, number),
        edition_date=date,
        number=f"{number:02d}",
        name=PAGE_NAMES[(number - 1) % len(PAGE_NAMES)],
        image_url=f"{BASE}/pic/{date:%Y%m%d}/p{number}.jpg",
        pdf_url=f"{BASE}/pdf/{date:%Y%m%d}/{number:02d}.pdf",
        pages=refs,
        articles=[article_ref(date, cid) for cid in cids],
        coordinate_space=space if space is not None else CoordinateSpace(WIDTH, HEIGHT),
        parser_version="founder-pc/V2",
    )
    return PageItem(paper=paper, date=date, seq=number, page=record)


def article_item(
    date: dt.date,
    page_number: int,
    seq: int,
    cid: int,
    body: str | None = None,
    text: ArticleText | None = None,
    paper: str = PAPER,
    polygons: list[list[float]] | None = None,
    images: list[ImageRef] | None = None,
) -> ArticleItem:
    paragraphs = (
        body or f"本报讯（记者 林晓川）河阳市第{cid}期农技培训班昨日开班。\n学员们走进田间地头。"
    ).split("\n")
    record = ArticleRecord(
        url=article_url(date, cid),
        edition_date=date,
        source_id=str(cid),
        kicker="春耕时节——",
        title=f"河阳新闻{cid}",
        paragraphs=paragraphs,
        images=images
        if images is not None
        else [ImageRef(f"{BASE}/pic/{cid}.jpg", "▲学员在田间学习。记者 林晓川 摄")],
        author="林晓川",
        parser_version="founder-pc/V2",
    )
    return ArticleItem(
        paper=paper,
        date=date,
        page_url=page_url(date, page_number),
        page_number=f"{page_number:02d}",
        seq=seq,
        ref=article_ref(date, cid, polygons),
        article=record,
        text=text,
    )


def article_text(
    cid: int, reporters: list[tuple[str, str]], body: str = "河阳市农技培训班昨日开班。"
) -> ArticleText:
    return ArticleText(
        kicker="春耕时节",
        title=f"河阳新闻{cid}",
        paragraphs=body.split("\n"),
        crossheads=["田间课堂"],
        dateline=Dateline("本报讯（记者 林晓川）", organisation="本报"),
        byline_text=" / ".join(f"{role} {name}" for name, role in reporters),
        bylines=[Byline(name, role, "本报") for name, role in reporters],
        editors=[Byline("周雨", "责任编辑")],
        captions=[
            Caption("学员在田间学习。", credit="记者 林晓川 摄", image_url=f"{BASE}/pic/{cid}.jpg"),
            Caption("河阳县城新貌（资料图片）", credit="资料图片", image_url=None),
        ],
        joins=1,
    )


def edition(
    date: dt.date,
    n_pages: int = 2,
    per_page: int = 3,
    start: int = 1000,
    paper: str = PAPER,
    **article_kw: Any,
) -> list[Any]:
    """An edition's items in crawl order: the edition, then each page followed by its articles."""
    items: list[Any] = [EditionItem(paper=paper, date=date, url=page_url(date, 1), page_count=n_pages)]
    cid = start
    for number in range(1, n_pages + 1):
        cids = list(range(cid, cid + per_page))
        cid += per_page
        items.append(page_item(date, number, cids, n_pages=n_pages, paper=paper))
        items.extend(
            article_item(date, number, seq, c, paper=paper, **article_kw) for seq, c in enumerate(cids, 1)
        )
    return items
