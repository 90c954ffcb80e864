"""End-to-end crawl of a people-nbs fixture site: nbs pages, script-written titles, credit boxes left out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES

from .conftest import expected_counts, registry_for, run_crawl


@pytest.fixture(scope="module")
def people_server():
    with FixtureServer([SITES["people"]]) as server:
        yield server


def test_people_nbs_crawl_is_complete(people_server, db_url, tmp_path: Path) -> None:
    site = SITES["people"]  # editions on 03-03, 03-04 and 03-06; none on 03-05
    registry = registry_for(tmp_path / "r.toml", site)
    result = run_crawl(people_server.base_url, db_url, "people", start="2025-03-03", end="2025-03-06",
                       registry=registry)
    assert result.returncode == 0, result.log[-3000:]
    statuses = dict(result.rows("select date, status from edition order by date"))
    assert {str(d): s for d, s in statuses.items()} == {
        "2025-03-03": "complete", "2025-03-04": "complete", "2025-03-05": "not_published", "2025-03-06": "complete",
    }
    days = [dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 6)]
    pages, articles = expected_counts(site, days)
    assert result.scalar("select count(*) from page") == pages
    assert result.scalar("select count(*) from article_part") == articles  # the 本版责编 boxes were not fetched
    assert result.scalar("select count(*) from failure") == 0
    titles = [t for (t,) in result.rows("select title from article")]
    assert titles and not any("document.write" in t or "责编" in t for t in titles)
    keys = [k for (k,) in result.rows("select source_key from article")]
    assert all(k.startswith("nw.D110000people_") for k in keys)
    assert result.scalar("select count(*) from page where number is null or name is null or name = ''") == 0
