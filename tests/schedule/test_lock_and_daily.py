"""Scheduled runs: a paper is crawled by one run at a time; `epaper daily`; the one-line summary for cron."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.registry import load_registry
from crawler.runlock import LOCKED_EXIT, Busy, FileLock, lock_path
from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES, site_for
from tests.backfill.conftest import crawl, start_crawl
from tests.crawl.conftest import FAST_SETTINGS, PROJECT_ROOT, CrawlResult, registry_for

SITE = SITES["pc-newslist"]
RANGE = {"start": "2025-03-03", "end": "2025-03-06"}


def test_file_lock_is_exclusive_and_says_who_holds_it(tmp_path: Path) -> None:
    first = FileLock(tmp_path / "x.lock").acquire("pid 1 since now (paper=x)")
    with pytest.raises(Busy, match="pid 1"):
        FileLock(tmp_path / "x.lock").acquire("second")
    first.release("released")
    again = FileLock(tmp_path / "x.lock").acquire("third")
    assert again.previous == "released"
    again.release()


def test_a_run_finding_its_paper_locked_exits_75_without_a_request(tmp_path: Path, db_url: str,
                                                                   second_db_url: str) -> None:
    url = db_url
    holder = FileLock(lock_path(tmp_path, "pc_newslist", url)).acquire(f"pid {os.getpid()} since now (the nightly run)")
    try:
        with FixtureServer([SITE]) as server:
            result = crawl(server.base_url, url, "pc_newslist", RANGE, registry=registry_for(tmp_path / "r.toml", SITE),
                           lock_dir=tmp_path, settings={"LOG_LEVEL": "WARNING"})
            hits = sum(server.hits.snapshot().values())
    finally:
        holder.release()
    assert result.returncode == LOCKED_EXIT, result.log[-3000:]
    assert hits == 0
    lines = [x for x in result.log.splitlines() if "WARNING" in x]
    assert any(re.search(r"paper pc_newslist is locked by pid \d+ .*the nightly run", x) for x in lines), lines
    assert any("epaper run" in x and "locked" in x and x.endswith("exit 75") for x in lines), lines
    assert result.rows("select status from crawl_run") == [("locked",)]
    assert result.scalar("select count(*) from edition") == 0
    with FixtureServer([SITE]) as server:  # the same paper into another database does not contend
        other = crawl(server.base_url, second_db_url, "pc_newslist", RANGE,
                      registry=registry_for(tmp_path / "r.toml", SITE), lock_dir=tmp_path)
    assert other.returncode == 0, other.log[-3000:]


def test_a_second_run_overlapping_a_running_one_exits_cleanly(tmp_path: Path, db_url: str) -> None:
    """Two real crawls of the same paper: the second one leaves without crawling; the first is undisturbed.
    Both write to one database at once (the first its rows, the second its `locked` run): on each backend."""
    registry = registry_for(tmp_path / "r.toml", SITE)
    url = db_url
    faults = Faults(slow={re.compile(r"/content/"): 3.0})  # the first run is slow (≥15 s) until the second is done
    with FixtureServer([SITE], faults) as server:
        first = start_crawl(server.base_url, url, "pc_newslist", RANGE, registry=registry, lock_dir=tmp_path,
                            log=tmp_path / "first.log")
        deadline = time.monotonic() + 60
        while not server.hits.snapshot():
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        second = crawl(server.base_url, url, "pc_newslist", RANGE, registry=registry, lock_dir=tmp_path)
        assert first.poll() is None  # the two runs did overlap
        faults.slow.clear()
        assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()[-3000:]
    assert second.returncode == LOCKED_EXIT, second.log[-3000:]
    assert "downloader/request_count" not in second.log  # it made no request at all
    assert "is locked by pid" in second.log
    assert second.rows("select status from crawl_run order by id") in ([("finished",), ("locked",)],
                                                                       [("locked",), ("finished",)])
    assert {s for (s,) in second.rows("select status from edition")} == {"complete", "not_published"}


def test_a_run_sharing_a_running_jobdir_is_refused(tmp_path: Path) -> None:
    registry = registry_for(tmp_path / "r.toml", SITE)
    jobdir = tmp_path / "job"
    holder = FileLock(jobdir / "epaper.lock").acquire("running pid 1 (another paper's backfill)")
    try:
        with FixtureServer([SITE]) as server:
            result = crawl(server.base_url, f"sqlite:///{tmp_path / 'db.sqlite'}", "pc_newslist", RANGE,
                           registry=registry, lock_dir=tmp_path, settings={"JOBDIR": str(jobdir)})
            assert sum(server.hits.snapshot().values()) == 0
    finally:
        holder.release()
    assert result.returncode == LOCKED_EXIT and "job directory" in result.log


def test_daily_crawls_today_and_retries_yesterdays_gaps(tmp_path: Path, db_url: str) -> None:
    today = load_registry()["ycrb"].today()  # Asia/Shanghai, as the fixture paper's registry entry
    yesterday = today - dt.timedelta(days=1)
    site = site_for("pc-newslist", key="daily", dates=[yesterday, today], pages=2, articles_per_page=3)
    registry = registry_for(tmp_path / "r.toml", site)
    url = db_url
    yesterday_page = site.root + site.renderer().page_path(site.spec, yesterday, site.edition(yesterday).pages[1])
    faults = Faults(failing={yesterday_page})
    settings = [x for k, v in {**FAST_SETTINGS, "LOG_LEVEL": "WARNING"}.items() for x in ("--set", f"{k}={v}")]
    with FixtureServer([site], faults) as server:
        env = dict(os.environ, EPAPER_FIXTURE_URL=server.base_url, EPAPER_PAPERS=str(registry),
                   EPAPER_LOCK_DIR=str(tmp_path), SCRAPY_SETTINGS_MODULE="crawler.settings")
        cmd = [sys.executable, "-m", "crawler.schedule", "daily", "--paper", "daily", "--db", url, *settings]
        first = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
        faults.failing.clear()
        server.reset_hits()
        second = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
        hit_paths = list(server.hits.snapshot())
    assert first.returncode == 1, first.stderr[-3000:]  # yesterday is partial: cron sees a failure
    summary = [x for x in first.stderr.splitlines() if "epaper run " in x]
    assert len(summary) == 1 and "1 complete, 1 partial" in summary[0] and summary[0].endswith("exit 1")
    assert second.returncode == 0, second.stderr[-3000:]
    assert hit_paths and all(f"{yesterday:%Y%m}/{yesterday:%d}" in p for p in hit_paths if "/pc/" in p)
    done = CrawlResult(0, "", url)
    assert {str(d): s for d, s in done.rows("select date, status from edition")} == {
        str(yesterday): "complete", str(today): "complete"}


def test_sigterm_releases_the_lock(tmp_path: Path) -> None:
    """A crawl stopped by systemd (SIGTERM) closes cleanly and the next run can take the paper."""
    registry = registry_for(tmp_path / "r.toml", SITE)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with FixtureServer([SITE], Faults(slow={re.compile(r"/content/"): 0.2})) as server:
        proc = start_crawl(server.base_url, url, "pc_newslist", RANGE, registry=registry, lock_dir=tmp_path,
                           log=tmp_path / "log")
        while not server.hits.snapshot():
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    lock = FileLock(lock_path(tmp_path, "pc_newslist", url)).acquire("test")
    assert lock.previous.startswith("released")
    lock.release()
