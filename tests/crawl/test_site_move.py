"""A paper re-crawled after its site moved to another host keeps its rows (the real spider, store and site).

The fixture server answers on 127.0.0.1; the registry's base_url first names it as http://127.0.0.1:PORT, then
as http://localhost:PORT: another host for every URL the crawl sees. tests/storage/test_site_move.py covers
the scheme (http → https) and path-keyed articles with items of our own.
"""

from __future__ import annotations

from pathlib import Path

from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from tests.backfill.conftest import crawl

from .conftest import expected_counts, registry_for

SITE = SITES["pc-newslist"]
DAY = "2025-03-03"
COUNTS = (
    "select (select count(*) from newspaper), (select count(*) from edition), (select count(*) from page),"
    " (select count(*) from article), (select count(*) from article_part), (select count(*) from image),"
    " (select count(*) from byline), (select count(*) from failure)"
)
ARTICLES = "select id, source_key, first_seen_at, last_seen_at, url from article order by id"


def registry_at(path: Path, base_url: str) -> Path:
    """The site's registry entry with its base_url (and homepage) at `base_url` instead of {fixture}."""
    registry = registry_for(path, SITE)
    registry.write_text(registry.read_text(encoding="utf-8").replace("{fixture}", base_url), encoding="utf-8")
    return registry


def test_a_recrawl_on_a_new_host_adds_no_rows_and_sees_the_stories_again(db_url, tmp_path: Path) -> None:
    with FixtureServer([SITE]) as server:
        old = server.base_url
        new = old.replace("127.0.0.1", "localhost")
        first = crawl(
            server.base_url,
            db_url,
            "pc_newslist",
            {"date": DAY},
            registry=registry_at(tmp_path / "a.toml", old),
            lock_dir=tmp_path / "locks",
        )
        assert first.returncode == 0, first.log[-3000:]
        counts, before = first.rows(COUNTS), first.rows(ARTICLES)
        # refresh=1: a complete edition is fetched again (by default a re-run skips it without a request)
        second = crawl(
            server.base_url,
            db_url,
            "pc_newslist",
            {"date": DAY, "refresh": "1"},
            registry=registry_at(tmp_path / "b.toml", new),
            lock_dir=tmp_path / "locks",
        )
    assert second.returncode == 0, second.log[-3000:]
    pages, articles = expected_counts(SITE, [SITE.dates[0]])
    assert (counts[0][2], counts[0][4]) == (pages, articles)  # every page and piece (a continued one joined)
    assert second.rows(COUNTS) == counts  # no new page, article, part, image or failure row
    after = second.rows(ARTICLES)
    assert [a[:3] for a in after] == [b[:3] for b in before]  # the same rows, first seen on the old host
    assert all(a[3] > b[3] for a, b in zip(after, before, strict=True))  # seen again by the second crawl
    assert all(b[4].startswith(old) and a[4].startswith(new) for a, b in zip(after, before, strict=True))
    assert all(u.startswith(new) for (u,) in second.rows("select url from page"))
    assert second.scalar("select status from edition") == "complete"
