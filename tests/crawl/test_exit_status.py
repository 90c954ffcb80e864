"""The exit status of `scrapy crawl epaper`, row by row of the table in docs/operations.md ("Exit status and the
summary line"), through real crawls of the demo fixture site (one server for the module).

The `75` row (paper locked) is tested in tests/schedule/test_lock_and_daily.py.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.errors import USER_ERROR_EXIT
from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES

from .conftest import PROJECT_ROOT, CrawlResult, expected_counts, run_crawl

DAY, NEXT_DAY = "2025-04-25", "2025-04-26"
EVERYTHING = re.compile(r".")


@pytest.fixture(scope="module")
def demo_server() -> Iterator[FixtureServer]:
    with FixtureServer([SITES["demo"]]) as server:
        yield server


@pytest.fixture
def site(demo_server: FixtureServer) -> Iterator[FixtureServer]:
    """The shared demo server, with no faults before and after the test."""
    demo_server.faults = Faults()
    yield demo_server
    demo_server.faults = Faults()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def summary_line(result: CrawlResult) -> str:
    lines = [x for x in result.log.splitlines() if "epaper run" in x and "; exit" in x]
    assert len(lines) == 1, result.log[-3000:]
    return lines[0]


def assert_no_traceback(result: CrawlResult) -> None:
    assert "Traceback" not in result.log, result.log[-3000:]


# --------------------------------------------------------------------------- 2: the arguments are wrong

BAD_ARGUMENTS = {
    "bad date": ({"date": "2025-13-45"}, "-a date='2025-13-45' is not a date"),
    "end before start": ({"start": NEXT_DAY, "end": DAY}, f"end {DAY} is before start {NEXT_DAY}"),
    "unknown paper": ({"paper": "nosuch"}, "unknown paper 'nosuch'"),
    "no paper": ({"paper": ""}, "-a paper=KEY[,KEY…] or -a paper=all is required"),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_invalid_arguments_exit_2_with_one_line_and_record_no_run(
    case: str, site: FixtureServer, tmp_path: Path
) -> None:
    args, message = BAD_ARGUMENTS[case]
    db = tmp_path / "epaper.db"
    paper = args.pop("paper", "demo")
    result = run_crawl(site.base_url, sqlite_url(db), paper, **args)  # type: ignore[arg-type]
    assert result.returncode == USER_ERROR_EXIT, result.log[-3000:]
    lines = result.log.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"scrapy crawl epaper: {message}"), lines
    assert_no_traceback(result)
    assert not db.exists()  # no crawl_run row: not even a database


def test_an_unreachable_database_exits_2_before_any_request(site: FixtureServer) -> None:
    result = run_crawl(site.base_url, "postgresql+psycopg2://127.0.0.1:1/x", "demo", date=DAY)
    assert result.returncode == USER_ERROR_EXIT, result.log[-3000:]
    assert result.log.strip().startswith("scrapy crawl epaper: cannot connect to the database")
    assert len(result.log.strip().splitlines()) == 1
    assert_no_traceback(result)


# --------------------------------------------------------------------------- 4: the demo site is not running


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_demo_crawl_without_the_demo_site_says_how_to_start_it(tmp_path: Path) -> None:
    db = tmp_path / "epaper.db"
    result = run_crawl(f"http://127.0.0.1:{_closed_port()}", sqlite_url(db), "demo", date=DAY, timeout=60)
    assert result.returncode == USER_ERROR_EXIT, result.log[-3000:]
    (line,) = result.log.strip().splitlines()
    assert (
        "the demo site for demo is not running" in line and "python -m crawler.testsite --site demo" in line
    )
    assert_no_traceback(result)
    assert not db.exists()


def test_epaper_daily_for_the_demo_without_the_demo_site_says_how_to_start_it(tmp_path: Path) -> None:
    db = tmp_path / "epaper.db"
    env = dict(os.environ, EPAPER_FIXTURE_URL=f"http://127.0.0.1:{_closed_port()}")
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "daily", "--paper", "demo", "--db", sqlite_url(db)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == USER_ERROR_EXIT, proc.stderr[-3000:]
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("epaper daily: the demo site for demo is not running"), line
    assert not db.exists()


# --------------------------------------------------------------------------- 0 and 1, and stale failures


def test_a_complete_run_exits_0_and_its_summary_counts_the_stories_of_the_table(
    site: FixtureServer, tmp_path: Path
) -> None:
    """The summary line and the summary table agree: a story continued across pages is one article, not two."""
    result = run_crawl(site.base_url, sqlite_url(tmp_path / "epaper.db"), "demo", start=DAY, end=NEXT_DAY)
    assert result.returncode == 0, result.log[-3000:]
    stored = result.scalar("select count(*) from article")
    _, parts = expected_counts(SITES["demo"], list(SITES["demo"].dates))
    assert stored == parts - 1  # one story joined from two parts
    assert f", {stored} articles," in summary_line(result)
    assert result.rows("select status, counters from crawl_run")[0][0] == "finished"


def test_a_night_with_the_site_down_fails_but_no_longer_fails_the_runs_after_it(
    site: FixtureServer, db_url: str
) -> None:
    """Site down: exit 1. The date then turns out not published (404): that run exits 0, and so does the next;
    the failure row is kept as history, resolved."""
    site.faults = Faults(failing={EVERYTHING})
    down = run_crawl(site.base_url, db_url, "demo", date=DAY)
    assert down.returncode == 1, down.log[-3000:]
    assert down.rows("select status from crawl_run") == [("failed",)]
    assert down.scalar("select count(*) from failure where resolved_at is null") >= 1

    site.faults = Faults(missing_dates={DAY})
    later = run_crawl(site.base_url, db_url, "demo", date=DAY)
    assert later.returncode == 0, later.log[-3000:]
    assert later.rows("select status from edition") == [("not_published",)]
    assert later.scalar("select count(*) from failure where resolved_at is null") == 0
    assert later.rows("select distinct resolution from failure") == [("not_published",)]  # kept as history
    assert "0 failures" in summary_line(later)

    site.faults = Faults()
    next_night = run_crawl(site.base_url, db_url, "demo", start=DAY, end=NEXT_DAY)
    assert next_night.returncode == 0, next_night.log[-3000:]
    assert next_night.rows("select status from crawl_run order by id") == [
        ("failed",),
        ("finished",),
        ("finished",),
    ]


def test_a_failure_whose_url_later_succeeds_is_resolved_and_kept(site: FixtureServer, tmp_path: Path) -> None:
    path = re.compile(r"/content_\d+\.html?$")
    site.faults = Faults(failing={path})
    first = run_crawl(site.base_url, sqlite_url(tmp_path / "epaper.db"), "demo", date=DAY)
    assert first.returncode == 1, first.log[-3000:]
    failed = first.scalar("select count(*) from failure")
    assert failed

    site.faults = Faults()
    second = run_crawl(site.base_url, first.db_url, "demo", date=DAY)
    assert second.returncode == 0, second.log[-3000:]
    assert second.rows("select count(*), min(resolution), max(resolution) from failure") == [
        (failed, "stored", "stored")
    ]
    assert second.scalar("select count(*) from failure where resolved_at is null") == 0
    assert second.rows("select status from edition") == [("complete",)]


# --------------------------------------------------------------------------- 1: the database fails mid-crawl

DISK_FULL_SETTINGS = {"EPAPER_STORE_BATCH": "5", "LOG_LEVEL": "WARNING"}


def assert_failed_for_a_full_disk(result: CrawlResult, tables_readable: bool = True) -> None:
    assert result.returncode == 1, result.log[-3000:]
    assert_no_traceback(result)
    line = summary_line(result)
    assert " failed: " in line and "database or disk is full" in line and line.endswith("exit 1"), line
    if not tables_readable:
        return
    ((status, counters),) = result.rows("select status, counters from crawl_run")
    assert status == "failed"
    assert "database or disk is full" in counters
    stored = result.scalar("select count(*) from article")
    assert f", {stored} articles," in line  # only what was written is reported as stored


def test_a_database_error_mid_crawl_fails_the_run(site: FixtureServer, tmp_path: Path) -> None:
    """Simulated: after 5 article writes, every INSERT fails as on a full disk (tests/crawl/diskfull.py)."""
    settings = {
        **DISK_FULL_SETTINGS,
        "EXTENSIONS": '{"tests.crawl.diskfull.DiskFullAfter": 0}',
        "TEST_DISK_FULL_AFTER": "5",
    }
    result = run_crawl(
        site.base_url, sqlite_url(tmp_path / "epaper.db"), "demo", start=DAY, end=NEXT_DAY, settings=settings
    )
    assert_failed_for_a_full_disk(result)
    _, parts = expected_counts(SITES["demo"], list(SITES["demo"].dates))
    assert result.scalar("select count(*) from article") < parts - 1


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 400 KiB tmpfs: room for the schema and a few pages, not for the demo's two editions."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the simulated disk-full test still runs)")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_mid_crawl_fails_the_run(site: FixtureServer, small_tmpfs: Path) -> None:
    db = small_tmpfs / "epaper.db"
    result = run_crawl(
        site.base_url, sqlite_url(db), "demo", start=DAY, end=NEXT_DAY, settings=DISK_FULL_SETTINGS
    )
    assert_failed_for_a_full_disk(result)
