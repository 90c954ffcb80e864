"""A backfill stopped midway (kill -9 or Ctrl-C) and resumed ends with exactly the rows of an uninterrupted run."""

from __future__ import annotations

import datetime as dt
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import site_for
from tests.crawl.conftest import CrawlResult, registry_for
from tests.dbfixtures import FreshDatabases

from .conftest import COUNTS_SQL, HASHES_SQL, PAGES_SQL, crawl, start_crawl

SITE = site_for("pc-newslist", key="resume", start=dt.date(2025, 1, 1), days=20, pages=3, articles_per_page=4)
RANGE = {"start": "2025-01-01", "end": "2025-01-20"}
SLOW = Faults(slow={re.compile(r"/content/"): 0.08})  # ~4 s for the whole backfill: time to interrupt it
SETTINGS = {"EPAPER_STORE_BATCH": "20"}  # small batches: a kill finds some rows written, some in flight


@pytest.fixture(scope="module")
def server():
    with FixtureServer([SITE], SLOW) as server:
        yield server


@pytest.fixture(scope="module")
def reference(server, tmp_path_factory, module_db_urls: FreshDatabases) -> CrawlResult:
    """The same backfill, never interrupted, into its own database of the backend under test."""
    tmp = tmp_path_factory.mktemp("reference")
    url = module_db_urls("reference")
    result = crawl(server.base_url, url, "resume", RANGE, registry=registry_for(tmp / "r.toml", SITE),
                   settings=SETTINGS, lock_dir=tmp)
    assert result.returncode == 0, result.log[-3000:]
    assert {s for (s,) in result.rows("select status from edition")} == {"complete"}
    return result


def interrupt(server: FixtureServer, proc: subprocess.Popen[bytes], sig: int, after_hits: int) -> None:
    """Send `sig` once the server has answered `after_hits` requests (midway through the backfill)."""
    deadline = time.monotonic() + 60
    while sum(server.hits.snapshot().values()) < after_hits:
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.02)
    proc.send_signal(sig)
    proc.wait(timeout=60)


def same_rows(result: CrawlResult, reference: CrawlResult) -> None:
    assert result.rows(COUNTS_SQL) == reference.rows(COUNTS_SQL)
    assert result.rows(HASHES_SQL) == reference.rows(HASHES_SQL)
    assert result.rows(PAGES_SQL) == reference.rows(PAGES_SQL)
    assert {s for (s,) in result.rows("select status from edition")} == {"complete"}
    assert result.scalar("select count(*) from edition") == len(SITE.dates)


@pytest.mark.parametrize("resume_with_jobdir", [True, False], ids=["same-jobdir", "plain-rerun"])
def test_kill_9_midway_then_resume(server, reference, module_db_urls: FreshDatabases, tmp_path: Path,
                                   resume_with_jobdir: bool) -> None:
    if resume_with_jobdir and module_db_urls.backend == "postgresql":
        pytest.skip("on PostgreSQL the plain rerun stands for both: what the JOBDIR adds (a discarded queue, the"
                    " 'did not stop cleanly' warning) is files, not rows; and it keeps the PostgreSQL runtime modest")
    url = module_db_urls(f"killed-{'jobdir' if resume_with_jobdir else 'rerun'}")
    registry = registry_for(tmp_path / "r.toml", SITE)
    jobdir = tmp_path / "job"
    server.reset_hits()
    proc = start_crawl(server.base_url, url, "resume", RANGE, registry=registry, lock_dir=tmp_path,
                       settings={**SETTINGS, "JOBDIR": str(jobdir)}, log=tmp_path / "killed.log")
    interrupt(server, proc, signal.SIGKILL, after_hits=120)
    assert proc.returncode == -signal.SIGKILL
    killed = CrawlResult(proc.returncode, "", url)
    stored = killed.scalar("select count(*) from article_part")
    assert 0 < stored < reference.scalar("select count(*) from article_part")  # killed midway, really
    assert killed.scalar("select count(*) from edition where status = 'complete'") == 0

    resume_settings = {**SETTINGS, "JOBDIR": str(jobdir)} if resume_with_jobdir else SETTINGS
    resumed = crawl(server.base_url, url, "resume", RANGE, registry=registry, settings=resume_settings,
                    lock_dir=tmp_path)
    assert resumed.returncode == 0, resumed.log[-3000:]
    if resume_with_jobdir:
        assert "did not stop cleanly" in resumed.log
    same_rows(resumed, reference)
    assert resumed.rows("select status from crawl_run order by id") == [("running",), ("finished",)]

    server.reset_hits()
    again = crawl(server.base_url, url, "resume", {**RANGE, "only": "gaps"}, registry=registry, settings=SETTINGS,
                  lock_dir=tmp_path)
    assert again.returncode == 0 and sum(server.hits.snapshot().values()) == 0  # nothing left to fetch
    same_rows(again, reference)


def test_ctrl_c_then_resume_with_jobdir_fetches_each_article_once(server, reference, module_db_urls: FreshDatabases,
                                                                  tmp_path: Path) -> None:
    url = module_db_urls("paused")
    registry = registry_for(tmp_path / "r.toml", SITE)
    jobdir = tmp_path / "job"
    settings = {**SETTINGS, "JOBDIR": str(jobdir)}
    server.reset_hits()
    proc = start_crawl(server.base_url, url, "resume", RANGE, registry=registry, lock_dir=tmp_path,
                       settings=settings, log=tmp_path / "paused.log")
    interrupt(server, proc, signal.SIGINT, after_hits=120)
    log = (tmp_path / "paused.log").read_text(encoding="utf-8")
    assert "shutdown" in log, log[-3000:]
    assert (jobdir / "requests.queue").is_dir()  # Scrapy kept the pending requests
    paused = CrawlResult(proc.returncode, log, url)
    assert paused.scalar("select count(*) from article_part") < reference.scalar("select count(*) from article_part")

    resumed = crawl(server.base_url, url, "resume", RANGE, registry=registry, settings=settings, lock_dir=tmp_path)
    assert resumed.returncode == 0, resumed.log[-3000:]
    same_rows(resumed, reference)
    articles = {p: n for p, n in server.hits.snapshot().items() if "/content/" in p}
    assert len(articles) == reference.scalar("select count(*) from article_part")
    assert max(articles.values()) == 1  # the paused queue and seen-set were used: no article fetched twice
    assert not (jobdir / "requests.seen").exists()  # the finished job leaves no seen-set to block a later one
