"""Companion documents in a real crawl (crawler/documents.py): the js-data site's pages and articles are script
shells filled from the edition's data.js, which the spider fetches once per edition and hands to the parsers; a
data file that cannot be fetched is a failure row of every page waiting for it, never a silent loss."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES

from .conftest import expected_counts, registry_for, run_crawl

DAY = dt.date(2025, 3, 4)


def test_js_data_site_crawls_complete_with_its_data_file(db_url: str, tmp_path: Path) -> None:
    site = SITES["jsdata"]
    with FixtureServer([site]) as server:
        result = run_crawl(
            server.base_url,
            db_url,
            "jsdata",
            date=DAY.isoformat(),
            registry=registry_for(tmp_path / "r.toml", site),
        )
        data_hits = server.hits[f"{site.root}{DAY:%Y-%m-%d}/data.js"]
    assert result.returncode == 0, result.log[-3000:]
    assert dict(result.rows("select date, status from edition")) in (
        {DAY: "complete"},
        {DAY.isoformat(): "complete"},
    )
    pages, articles = expected_counts(site, [DAY])
    assert result.scalar("select count(*) from page") == pages
    assert result.scalar("select count(*) from article_part") == articles
    assert result.scalar("select count(*) from failure") == 0
    assert data_hits == 1  # one data file per edition, whatever number of pages and articles name it
    titles = {t for (t,) in result.rows("select title from article")}
    assert {a.title for p in site.edition(DAY).pages for a in p.articles} >= titles and titles


def test_a_data_file_that_fails_is_a_failure_row_not_a_silent_loss(db_url: str, tmp_path: Path) -> None:
    site = SITES["jsdata"]
    faults = Faults(failing={f"{site.root}{DAY:%Y-%m-%d}/data.js"})
    with FixtureServer([site], faults) as server:
        result = run_crawl(
            server.base_url,
            db_url,
            "jsdata",
            date=DAY.isoformat(),
            registry=registry_for(tmp_path / "r.toml", site),
            settings={"RETRY_TIMES": "0"},
        )
    assert result.returncode != 0
    statuses = [s for (s,) in result.rows("select status from edition")]
    assert statuses == ["failed"]
    failures = result.rows("select kind, reason from failure")
    assert failures and all("data.js" in reason and "HTTP 500" in reason for _kind, reason in failures)
    assert "edition" in {k for k, _ in failures}
