"""Backfills fetch only what the ledger lacks: complete editions cost no request unless refresh=1."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer, dates_in_path
from crawler.testsite.sites import SITES
from tests.crawl.conftest import expected_counts, registry_for

from .conftest import crawl

D = dt.date
SITE = SITES["pc-newslist"]  # editions on 03-03, 03-04 and 03-06; 03-05 answers 404
RANGE = {"start": "2025-03-03", "end": "2025-03-06"}


def statuses(result) -> dict[str, str]:
    return {str(d): s for d, s in result.rows("select date, status from edition order by date")}


def hit_dates(server: FixtureServer) -> dict[D, int]:
    """Requests the server answered since the last reset, per edition date in the path."""
    found: dict[D, int] = {}
    for path, n in server.hits.snapshot().items():
        for day in set(dates_in_path(path)):
            found[day] = found.get(day, 0) + n
    return found


def last_run(result) -> tuple[str, dict]:
    status, counters = result.rows("select status, counters from crawl_run order by id desc limit 1")[0]
    return status, counters if isinstance(counters, dict) else json.loads(counters)


@pytest.fixture
def page_path() -> str:
    edition = SITE.edition(D(2025, 3, 4))
    return SITE.root + SITE.renderer().page_path(SITE.spec, D(2025, 3, 4), edition.pages[1])


def test_only_gaps_after_failures_fetches_only_the_failed_edition(db_url, tmp_path: Path, page_path) -> None:
    registry = registry_for(tmp_path / "r.toml", SITE)
    faults = Faults(failing={page_path})
    with FixtureServer([SITE], faults) as server:
        first = crawl(server.base_url, db_url, "pc_newslist", RANGE, registry=registry, lock_dir=tmp_path)
        assert first.returncode == 1, first.log[-3000:]
        assert statuses(first) == {"2025-03-03": "complete", "2025-03-04": "partial",
                                   "2025-03-05": "not_published", "2025-03-06": "complete"}
        faults.failing.clear()
        server.reset_hits()
        second = crawl(server.base_url, db_url, "pc_newslist", {**RANGE, "only": "gaps"}, registry=registry,
                       lock_dir=tmp_path)
        hits = hit_dates(server)
    assert second.returncode == 0, second.log[-3000:]
    assert set(hits) == {D(2025, 3, 4)}  # complete and final not-published days: not one request
    edition = SITE.edition(D(2025, 3, 4))
    assert hits[D(2025, 3, 4)] == len(edition.pages) + sum(len(p.articles) for p in edition.pages)
    assert statuses(second)["2025-03-04"] == "complete"
    assert second.scalar("select count(*) from failure where resolved_at is null") == 0  # resolved: history
    pages, articles = expected_counts(SITE, [D(2025, 3, 3), D(2025, 3, 4), D(2025, 3, 6)])
    assert second.scalar("select count(*) from article_part") == articles  # a continued story: 1 article, 2 parts
    status, counters = last_run(second)
    assert status == "finished"
    assert counters["skipped_by_reason"] == {"complete": 2, "not_published": 1}
    assert counters["editions"] == 1 and counters["by_status"] == {"complete": 1}
    assert counters["article_parts"] == sum(len(p.articles) for p in edition.pages)  # article items of the run
    assert counters["requests"] >= hits[D(2025, 3, 4)]
    parts, stories = second.rows("select (select count(*) from article_part p join article a on a.id = p.article_id"
                                 " join edition e on e.id = a.edition_id where e.date = '2025-03-04'),"
                                 " (select count(*) from article a join edition e on e.id = a.edition_id"
                                 " where e.date = '2025-03-04')")[0]
    assert counters["joins"] == parts - stories  # continued pieces joined into their story by the finaliser
    assert counters["articles"] == stories  # stored stories, as the summary table counts them


def test_default_skips_complete_rechecks_not_published_and_refresh_fetches_all(db_url, tmp_path: Path) -> None:
    registry = registry_for(tmp_path / "r.toml", SITE)
    with FixtureServer([SITE]) as server:
        first = crawl(server.base_url, db_url, "pc_newslist", RANGE, registry=registry, lock_dir=tmp_path)
        assert first.returncode == 0, first.log[-3000:]
        server.reset_hits()
        again = crawl(server.base_url, db_url, "pc_newslist", RANGE, registry=registry, lock_dir=tmp_path)
        assert again.returncode == 0, again.log[-3000:]
        assert hit_dates(server) == {D(2025, 3, 5): 1}  # only the day without an edition is asked again
        assert "skipped" in again.log and again.log.count("epaper run ") == 1  # the summary line (INFO: a good run)
        server.reset_hits()
        refreshed = crawl(server.base_url, db_url, "pc_newslist", {**RANGE, "refresh": "1"},
                          registry=registry, lock_dir=tmp_path)
        hits = hit_dates(server)
    assert refreshed.returncode == 0, refreshed.log[-3000:]
    assert set(hits) == {D(2025, 3, 3), D(2025, 3, 4), D(2025, 3, 5), D(2025, 3, 6)}
    assert statuses(refreshed) == statuses(first)
    line = next(x for x in again.log.splitlines() if "epaper run " in x)
    assert "1 edition (1 not_published)" in line and "3 skipped" in line and line.endswith("exit 0")


def test_a_backfill_crosses_a_platform_change(db_url, tmp_path: Path) -> None:
    """One paper, founder-classic until 03-04 and founder-pc from 03-05: one run fetches both platforms."""
    from crawler.testsite.sites import _entry_template, site_for

    switch = D(2025, 3, 4)
    old = site_for("classic", key="mixold", dates=[D(2025, 3, 3), D(2025, 3, 4)])
    new = site_for("pc-newslist", key="mixnew", dates=[D(2025, 3, 5), D(2025, 3, 6)], seed=7)
    layouts = []
    for site, bounds in ((old, f'until = "{switch}"'), (new, f'from = "{switch + dt.timedelta(days=1)}"')):
        entry = _entry_template(site.spec, site.dates[0], site.edition(site.dates[0]))
        layouts.append(f'[[papers.mixed.layouts]]\nfamily = "{site.spec.family}"\n'
                       f'base_url = "{{fixture}}{site.root}"\nentry = "{entry}"\n{bounds}\n')
    registry = tmp_path / "mixed.toml"
    registry.write_text('[papers.mixed]\nname = "北塬日报"\nscript = "hans"\n\n' + "\n".join(layouts), encoding="utf-8")
    with FixtureServer([old, new]) as server:
        result = crawl(server.base_url, db_url, "mixed", RANGE, registry=registry, lock_dir=tmp_path)
        paths = list(server.hits.snapshot())
    assert result.returncode == 0, result.log[-3000:]
    assert statuses(result) == {"2025-03-03": "complete", "2025-03-04": "complete",
                                "2025-03-05": "complete", "2025-03-06": "complete"}
    p_old, a_old = expected_counts(old, list(old.dates))
    p_new, a_new = expected_counts(new, list(new.dates))
    assert result.scalar("select count(*) from page") == p_old + p_new
    assert result.scalar("select count(*) from article_part") == a_old + a_new
    for path in paths:  # each platform was asked only for its own dates
        for day in dates_in_path(path):
            assert path.startswith(old.root if day <= switch else new.root), path
