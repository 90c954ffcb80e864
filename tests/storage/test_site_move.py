"""A paper whose site moves (http → https, or to a new host) keeps its rows: natural keys hold no scheme or host.

Articles of a CMS are keyed `content_<id>`; every other article by its URL path (the family's source_key, or the
store's fallback when the parser gave none). A key with the scheme or host in it would duplicate every row of
an edition re-crawled after a move.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import Engine, func, select

from crawler.families import get_family
from schema.models import Article, ArticlePart, Byline, Edition, Failure, Image, Newspaper, Page
from schema.records import ArticleRef
from schema.store import Store
from tests.storage import factory as f

DAY = dt.date(2024, 3, 15)
COUNTED = (Newspaper, Edition, Page, Article, ArticlePart, Byline, Image, Failure)
OLD = "http://epaper.hyrb.example/hyrb"
MOVES = {
    "https": "https://epaper.hyrb.example/hyrb",
    "new host": "http://paper.hyrb-news.example/hyrb",
    "both": "https://paper.hyrb-news.example/hyrb",
}
CLASSIC = get_family("founder-classic")


def moved_edition(monkeypatch: pytest.MonkeyPatch, base: str) -> list:
    """The factory's edition served from `base`, with article pages that are not `content_<id>` (nw.D… names).

    Odd articles carry the family's key; even ones none, so that the store's own fallback keys them."""
    monkeypatch.setattr(f, "BASE", base)
    monkeypatch.setattr(
        f,
        "article_url",
        lambda date, cid: f"{base}/html/{date:%Y-%m}/{date:%d}/nw.D110000hyrb_{date:%Y%m%d}_{cid}-01.htm",
    )

    def ref(date: dt.date, cid: int, polygons: list[list[float]] | None = None) -> ArticleRef:
        url = f.article_url(date, cid)
        return ArticleRef(
            url=url,
            title=f"河阳新闻{cid}",
            polygons=[f.SQUARE] if polygons is None else polygons,
            source_key=CLASSIC.source_key(url) if cid % 2 else "",
        )

    monkeypatch.setattr(f, "article_ref", ref)
    return f.edition(DAY, n_pages=2, per_page=3)


def snapshot(engine: Engine) -> tuple[dict[str, int], dict[str, tuple]]:
    with engine.connect() as conn:
        counts = {
            m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one() for m in COUNTED
        }
        rows = {
            r.source_key: (r.id, r.first_seen_at, r.last_seen_at, r.url)
            for r in conn.execute(
                select(
                    Article.source_key, Article.id, Article.first_seen_at, Article.last_seen_at, Article.url
                )
            )
        }
    return counts, rows


def store_all(engine: Engine, items: list) -> None:
    store = Store(engine, batch_size=50)
    for item in items:
        store.add(item)
    store.flush()
    store.finalize(f.PAPER)
    store.close()


def test_path_keys_have_no_scheme_or_host() -> None:
    path = "/hyrb/html/2024-03/15/nw.D110000hyrb_20240315_1-01.htm"
    keys = {CLASSIC.source_key(base.removesuffix("/hyrb") + path) for base in (OLD, *MOVES.values())}
    assert keys == {path}


@pytest.mark.parametrize("move", list(MOVES))
def test_a_recrawl_after_the_site_moved_adds_no_rows(
    migrated: Engine, monkeypatch: pytest.MonkeyPatch, move: str
) -> None:
    store_all(migrated, moved_edition(monkeypatch, OLD))
    counts, before = snapshot(migrated)
    assert counts["article"] == 6 and counts["page"] == 2
    assert all(key.startswith("/hyrb/html/") for key in before)  # path keys, not content_<id>
    time.sleep(0.01)
    store_all(migrated, moved_edition(monkeypatch, MOVES[move]))
    counts_after, after = snapshot(migrated)
    assert counts_after == counts  # no new newspaper, edition, page, article, part, image or failure row
    assert after.keys() == before.keys()
    for key, (row_id, first_seen, last_seen, url) in after.items():
        assert (row_id, first_seen) == before[key][:2]  # the same row, first seen on the old site
        assert last_seen > before[key][2]  # and seen again now
        assert url.startswith(MOVES[move])  # at its new address
