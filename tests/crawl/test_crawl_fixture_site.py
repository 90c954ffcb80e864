"""End-to-end crawls of the fixture e-paper server: completeness, idempotency, faults, encodings.

Each test runs the real `scrapy crawl epaper` in a subprocess against sites served on 127.0.0.1, then reads the
database the way a researcher would.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES

from .conftest import expected_counts, registry_for, run_crawl

D = dt.date


def edition_rows(result) -> dict[str, str]:
    return {str(d): s for d, s in result.rows("select date, status from edition order by date")}


@pytest.fixture(scope="module")
def demo_server():
    with FixtureServer([SITES["demo"]]) as server:
        yield server


def test_demo_crawl_is_complete_and_a_rerun_changes_nothing(demo_server, db_url) -> None:
    site = SITES["demo"]
    first = run_crawl(demo_server.base_url, db_url, "demo", start="2025-04-25", end="2025-04-26")
    assert first.returncode == 0, first.log[-3000:]
    pages, articles = expected_counts(site, list(site.dates))
    assert first.scalar("select count(*) from page") == pages >= 8
    # every fetched piece is a part; a story continued across pages (下转/上接) is one article with two parts
    assert first.scalar("select count(*) from article_part") == articles >= 40
    joined = first.rows("select article_id, count(*) from article_part group by article_id having count(*) > 1")
    assert len(joined) == 1 and joined[0][1] == 2
    assert first.scalar("select count(*) from article") == articles - 1
    body = first.scalar("select body from article where id = :id", id=joined[0][0])
    assert "下转" not in body and "上接" not in body and "征求意见表" in body  # the mid-sentence cut is rejoined
    assert edition_rows(first) == {"2025-04-25": "complete", "2025-04-26": "complete"}
    snapshot_sql = "select id, source_key, content_hash, changed_at, first_seen_at from article order by id"
    before = first.rows(snapshot_sql)
    counts_sql = ("select (select count(*) from newspaper), (select count(*) from edition), (select count(*) from page),"
                  " (select count(*) from article), (select count(*) from byline), (select count(*) from image),"
                  " (select count(*) from article_part), (select count(*) from failure)")
    counts_before = first.rows(counts_sql)

    second = run_crawl(demo_server.base_url, db_url, "demo", start="2025-04-25", end="2025-04-26")
    assert second.returncode == 0, second.log[-3000:]
    assert second.rows(counts_sql) == counts_before
    assert second.rows(snapshot_sql) == before  # same ids, same hashes, changed_at untouched
    assert second.scalar("select count(*) from crawl_run") == 2
    assert "epaper summary" in second.log


def test_day_without_edition_and_redirect_are_not_published(db_url, tmp_path: Path) -> None:
    site = SITES["pc-newslist"]  # editions on 03-03, 03-04 and 03-06; none on 03-05
    faults = Faults(redirect_dates={"2025-03-04": "2025-03-06"})  # the site sends 03-04 to another issue
    with FixtureServer([site], faults) as server:
        result = run_crawl(server.base_url, db_url, "pc_newslist", start="2025-03-03", end="2025-03-06",
                           registry=registry_for(tmp_path / "r.toml", site))
    assert result.returncode == 0, result.log[-3000:]
    assert edition_rows(result) == {
        "2025-03-03": "complete", "2025-03-04": "not_published", "2025-03-05": "not_published", "2025-03-06": "complete",
    }
    assert result.scalar("select count(*) from failure") == 0
    pages, articles = expected_counts(site, [D(2025, 3, 3), D(2025, 3, 6)])
    assert result.scalar("select count(*) from article_part") == articles


def _page_path(site, day: D, index: int) -> str:
    edition = site.edition(day)
    return site.root + site.renderer().page_path(site.spec, day, edition.pages[index])


def test_a_500_then_ok_page_is_retried_and_stored(db_url, tmp_path: Path) -> None:
    site = SITES["pc-newslist"]
    path = _page_path(site, D(2025, 3, 3), 1)
    with FixtureServer([site], Faults(flaky={path: 2})) as server:
        result = run_crawl(server.base_url, db_url, "pc_newslist", date="2025-03-03",
                           registry=registry_for(tmp_path / "r.toml", site), settings={"RETRY_TIMES": "3"})
        hits = server.hits[path]
    assert result.returncode == 0, result.log[-3000:]
    assert hits == 3  # two 500s, then the page
    assert edition_rows(result) == {"2025-03-03": "complete"}
    assert result.scalar("select count(*) from failure") == 0


def test_a_page_that_keeps_failing_is_recorded_and_the_edition_is_partial(db_url, tmp_path: Path) -> None:
    site = SITES["pc-newslist"]
    path = _page_path(site, D(2025, 3, 3), 2)
    registry = registry_for(tmp_path / "r.toml", site)
    faults = Faults(failing={path})
    with FixtureServer([site], faults) as server:
        result = run_crawl(server.base_url, db_url, "pc_newslist", date="2025-03-03", registry=registry,
                           settings={"RETRY_TIMES": "2"})
        assert result.returncode != 0  # cron must see the failure
        assert edition_rows(result) == {"2025-03-03": "partial"}
        failures = result.rows("select url, kind, reason, attempts from failure")
        assert len(failures) == 1
        url, kind, reason, attempts = failures[0]
        assert url.endswith(path) and kind == "page" and reason == "HTTP 500" and attempts == 3
        assert re.search(r"partial", result.log)

        faults.failing.clear()  # the site recovers: a re-run completes the edition and resolves the failure
        again = run_crawl(server.base_url, db_url, "pc_newslist", date="2025-03-03", registry=registry)
    assert again.returncode == 0, again.log[-3000:]
    assert edition_rows(again) == {"2025-03-03": "complete"}
    assert again.scalar("select count(*) from failure where resolved_at is null") == 0
    assert again.rows("select url, resolution from failure") == [(url, "stored")]  # kept as history
    pages, articles = expected_counts(site, [D(2025, 3, 3)])
    assert again.scalar("select count(*) from article_part") == articles


@pytest.mark.parametrize("mode", ["iso-8859-1", "none", "utf-8"])
def test_gbk_pages_with_wrong_or_missing_charset_headers_store_correct_chinese(db_url, tmp_path: Path,
                                                                                 mode: str) -> None:
    site = SITES["pc-newslist"]
    day = D(2025, 3, 4)
    everything = re.compile(r"/pc/(layout|content)/")
    with FixtureServer([site], Faults(gbk_pages={everything}, wrong_charset={everything: mode})) as server:
        result = run_crawl(server.base_url, db_url, "pc_newslist", date=day.isoformat(),
                           registry=registry_for(tmp_path / "r.toml", site))
    assert result.returncode == 0, result.log[-3000:]
    edition = site.edition(day)
    want = {p.name.replace(" ", ""): sorted(a.title for a in p.articles) for p in edition.pages}
    got: dict[str, list[str]] = {}
    pieces = "select p.name, ap.title from article_part ap join page p on p.id = ap.page_id"
    for name, title in result.rows(pieces):
        got.setdefault(name, []).append(title)
    assert {k: sorted(v) for k, v in got.items()} == want


@pytest.mark.parametrize("key", ["pc-resultlist", "pc-articlelist", "classic"])
def test_every_family_and_skin_crawls_complete(db_url, tmp_path: Path, key: str) -> None:
    site = SITES[key]
    with FixtureServer([site]) as server:
        result = run_crawl(server.base_url, db_url, key.replace("-", "_"), start="2025-03-03", end="2025-03-04",
                           registry=registry_for(tmp_path / "r.toml", site))
    assert result.returncode == 0, result.log[-3000:]
    assert edition_rows(result) == {"2025-03-03": "complete", "2025-03-04": "complete"}
    pages, articles = expected_counts(site, [D(2025, 3, 3), D(2025, 3, 4)])
    assert result.scalar("select count(*) from page") == pages
    assert result.scalar("select count(*) from article_part") == articles
    assert result.scalar("select count(*) from article where title is null or body = ''") == 0


def test_a_story_listed_on_two_pages_is_stored_once_and_the_edition_completes(db_url, tmp_path: Path) -> None:
    """Some papers list one story on two pages (a front-page teaser and the story's own page): one article."""
    from crawler.testsite.content import make_edition
    from crawler.testsite.sites import SiteDef

    base = SITES["pc-newslist"]
    day = D(2025, 3, 3)

    def edition_with_a_shared_story():
        edition = make_edition(base.spec, day, pages=3, articles_per_page=4)
        edition.pages[2].articles.append(edition.pages[0].articles[1])  # page 3 lists a story of page 1 too
        return edition

    site = SiteDef(spec=base.spec, dates=(day,), pages=3, articles_per_page=4,
                   curated={day: edition_with_a_shared_story})
    with FixtureServer([site]) as server:
        result = run_crawl(server.base_url, db_url, "pc_newslist", date=day.isoformat(),
                           registry=registry_for(tmp_path / "r.toml", site))
        shared_path = site.root + site.renderer().article_path(site.spec, day, site.edition(day).pages[0].articles[1])
        hits = server.hits[shared_path]
    assert result.returncode == 0, result.log[-3000:]
    assert hits == 1  # fetched once
    assert edition_rows(result) == {"2025-03-03": "complete"}
    pages, articles = expected_counts(site, [day])
    assert result.scalar("select count(*) from article_part") == articles - 1  # the shared story once
    assert result.rows("select number, article_count from page order by seq")[2] == ("03", 4)
