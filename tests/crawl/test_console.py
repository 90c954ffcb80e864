"""A quieter, more useful console: progress lines and a live display, the running counters in crawl_run, a short
per-paper summary (INFO for a good run), Scrapy's start-up boilerplate only at DEBUG."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.progress import CLEAR_LINE, EditionTracker, Progress
from crawler.quietlog import DropBoilerplate
from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES, site_for
from schema.records import EditionItem, FailureItem
from schema.status import paper_totals
from tests.storage import factory as f

from .conftest import FAST_SETTINGS, PROJECT_ROOT, CrawlResult, registry_for, run_crawl

D = dt.date
SITE = SITES["pc-newslist"]  # editions on 03-03, 03-04 and 03-06; none on 03-05
RANGE = {"start": "2025-03-03", "end": "2025-03-06"}
# (no "Telnet console" line: the console is off by default, crawler/settings.py)
BOILERPLATE = ("Enabled downloader middlewares", "Overridden settings", "Versions:", "Enabled extensions")

# ------------------------------------------------------------------ pure parts


def test_an_edition_is_done_when_its_promised_pages_and_listed_articles_arrived() -> None:
    tracker = EditionTracker()
    items = f.edition(D(2024, 5, 1), n_pages=2, per_page=2)  # edition, page 1, 2 articles, page 2, 2 articles
    page_1 = items[1]
    for item in [page_1, items[0], *items[2:4]]:  # the entry page comes before the edition's page count
        tracker.observe(item)
    assert tracker.done == 0
    tracker.observe(items[4])
    tracker.observe(items[5])
    assert tracker.done == 0  # one article of page 2 still out
    tracker.observe(FailureItem(f.PAPER, D(2024, 5, 1), "http://x/a.html", "article", "HTTP 500"))
    assert tracker.done == 1 and tracker.failures == 1
    tracker.observe(EditionItem(f.PAPER, D(2024, 5, 2), status="not_published"))
    assert tracker.done == 2


def test_progress_line_rates_and_eta() -> None:
    progress = Progress(
        elapsed=100.0, done=10, total=40, skipped=10, pages=80, articles=480, failures=1, requests=600
    )
    assert progress.to_do == 30 and progress.eta == 200.0
    assert progress.line() == (
        "editions 10/30 (10 skipped), 80 pages (0.8/s), 480 articles (4.8/s), 1 failure, 600 requests, ETA 0:03:20"
    )
    assert Progress(5.0, 0, 3, 0, 0, 0, 0, 4).line().endswith("ETA ?")
    counters = progress.counters()
    assert (counters["editions"], counters["editions_to_do"], counters["eta_seconds"]) == (10, 30, 200)


def test_boilerplate_filter_drops_info_but_not_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    drop_all, drop_some = DropBoilerplate(()), DropBoilerplate(("Overridden settings",))
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO)  # what Scrapy's root handler is at LOG_LEVEL=INFO
    monkeypatch.setattr(logging.root, "handlers", [handler])

    def record(level: int, msg: str) -> logging.LogRecord:
        return logging.LogRecord("scrapy.crawler", level, __file__, 1, msg, None, None)

    assert not drop_all.filter(record(logging.INFO, "Enabled item pipelines:"))
    assert drop_all.filter(record(logging.WARNING, "Disabled crawler.archive.ArchiveMiddleware"))
    assert not drop_some.filter(record(logging.INFO, "Overridden settings:\n{}"))
    assert drop_some.filter(record(logging.INFO, "Received SIGTERM, shutting down gracefully."))
    handler.setLevel(logging.DEBUG)
    assert drop_all.filter(record(logging.INFO, "Enabled item pipelines:"))


def test_paper_totals_sum_editions_per_paper_with_a_total_row() -> None:
    rows = [
        {
            "paper": "a",
            "date": D(2024, 1, 1),
            "status": "complete",
            "pages": 4,
            "articles": 20,
            "failures": 0,
        },
        {"paper": "a", "date": D(2024, 1, 2), "status": "partial", "pages": 3, "articles": 10, "failures": 2},
        {"paper": "b", "date": D(2024, 1, 1), "status": "complete", "pages": 2, "articles": 5, "failures": 0},
    ]
    assert paper_totals(rows) == [
        {"paper": "a", "editions": 2, "complete": 1, "partial": 1, "pages": 7, "articles": 30, "failures": 2},
        {"paper": "b", "editions": 1, "complete": 1, "partial": 0, "pages": 2, "articles": 5, "failures": 0},
        {
            "paper": "total",
            "editions": 3,
            "complete": 2,
            "partial": 1,
            "pages": 9,
            "articles": 35,
            "failures": 2,
        },
    ]
    assert [r["paper"] for r in paper_totals(rows[:2])] == ["a"]  # one paper: no total row


# ------------------------------------------------------------------ real crawls


@pytest.fixture(scope="module")
def server():
    with FixtureServer([SITE]) as running:
        yield running


def test_a_good_run_is_quiet_and_short_and_only_debug_shows_scrapy_boilerplate(
    server, db_url, tmp_path
) -> None:
    registry = registry_for(tmp_path / "r.toml", SITE)
    cron = run_crawl(
        server.base_url, db_url, "pc_newslist", **RANGE, registry=registry, settings={"LOG_LEVEL": "WARNING"}
    )
    assert cron.returncode == 0, cron.log[-3000:]
    assert "epaper run" not in cron.log  # a good night sends no mail

    info = run_crawl(
        server.base_url,
        db_url,
        "pc_newslist",
        **RANGE,
        registry=registry,
        settings={"EPAPER_PROGRESS_INTERVAL": "0.1"},
        spider_args={"refresh": "1"},
    )
    assert info.returncode == 0, info.log[-3000:]
    assert not [b for b in BOILERPLATE if b in info.log]
    (summary,) = [x for x in info.log.splitlines() if "epaper run 2 finished" in x]
    assert "[pipelines.store] INFO: " in summary and summary.endswith("exit 0")
    table = info.log.split("epaper summary (finished):\n", 1)[1].splitlines()
    assert table[0].split() == [
        "paper",
        "editions",
        "complete",
        "not_published",
        "pages",
        "articles",
        "failures",
    ]
    assert table[2].split()[:4] == ["pc_newslist", "4", "3", "1"] and "[" in table[3]  # one row per paper

    verbose = run_crawl(
        server.base_url,
        db_url,
        "pc_newslist",
        **RANGE,
        registry=registry,
        settings={"LOG_LEVEL": "DEBUG", "EPAPER_PROGRESS_INTERVAL": "0"},
        spider_args={"verbose": "1", "refresh": "1"},
    )
    assert verbose.returncode == 0
    assert all(b in verbose.log for b in BOILERPLATE)
    table = verbose.log.split("epaper summary (finished):\n", 1)[1].splitlines()
    assert table[0].split()[:3] == ["paper", "date", "status"] and table[2].split()[1] == "2025-03-03"


def test_a_long_run_shows_progress_and_its_counters_while_it_runs(db_url, tmp_path: Path) -> None:
    site = site_for("pc-newslist", key="slow", start=D(2025, 3, 1), days=4, pages=2, articles_per_page=3)
    registry = registry_for(tmp_path / "r.toml", site)
    faults = Faults(slow={re.compile(r"content_\d+\.html?$"): 0.25})
    settings = {
        **FAST_SETTINGS,
        "EPAPER_DATABASE_URL": db_url,
        "EPAPER_PROGRESS_INTERVAL": "0.3",
        "CONCURRENT_REQUESTS": "2",
    }
    with FixtureServer([site], faults) as slow:
        cmd = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "epaper",
            "-a",
            "paper=slow",
            "-a",
            "start=2025-03-01",
            "-a",
            "end=2025-03-04",
            *[x for k, v in settings.items() for x in ("-s", f"{k}={v}")],
        ]
        env = dict(
            os.environ,
            EPAPER_FIXTURE_URL=slow.base_url,
            EPAPER_PAPERS=str(registry),
            SCRAPY_SETTINGS_MODULE="crawler.settings",
        )
        proc = subprocess.Popen(
            cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        seen: list[dict] = []
        status = [sys.executable, "-m", "crawler.cli", "status", "--runs", "--json", "--db", db_url]
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            shown = subprocess.run(status, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
            if shown.returncode == 0 and "Traceback" not in shown.stderr:
                runs = json.loads(shown.stdout or "[]")
                seen += [r for r in runs if r["status"] == "running" and r["pages"] > 0]
            time.sleep(0.3)
        log, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, log[-3000:]
    assert seen, "no running counters were ever shown by epaper status --runs"
    assert seen[-1]["requests"] > 0 and seen[-1]["pages"] <= 8
    progress = [x for x in log.splitlines() if "[crawler.progress] INFO: progress: editions " in x]
    assert progress and re.search(
        r"editions \d/4, \d+ pages \([\d.]+/s\), \d+ articles \([\d.]+/s\), "
        r"\d+ failures, \d+ requests, ETA ",
        progress[-1],
    )
    ((run_status, counters),) = CrawlResult(0, "", db_url).rows("select status, counters from crawl_run")
    counters = json.loads(counters) if isinstance(counters, str) else counters
    assert (
        run_status == "finished" and counters["exit_status"] == 0
    )  # the final counters replaced the running ones
    assert "eta_seconds" not in counters and counters["pages"] == 8


def test_the_live_line_is_drawn_on_a_terminal(server, tmp_path: Path) -> None:
    registry = registry_for(tmp_path / "r.toml", SITE)
    faults = Faults(slow={re.compile(r"content_\d+\.html?$"): 0.1})
    server.faults = faults
    settings = {
        **FAST_SETTINGS,
        "EPAPER_DATABASE_URL": f"sqlite:///{tmp_path / 'tty.db'}",
        "EPAPER_PROGRESS_INTERVAL": "0",
        "CONCURRENT_REQUESTS": "2",
    }
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "epaper",
        "-a",
        "paper=pc_newslist",
        "-a",
        "start=2025-03-03",
        "-a",
        "end=2025-03-06",
        *[x for k, v in settings.items() for x in ("-s", f"{k}={v}")],
    ]
    env = dict(
        os.environ,
        EPAPER_FIXTURE_URL=server.base_url,
        EPAPER_PAPERS=str(registry),
        SCRAPY_SETTINGS_MODULE="crawler.settings",
    )
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            cmd, cwd=PROJECT_ROOT, env=env, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=120)
    finally:
        os.close(master)
        server.faults = Faults()
    out = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, out[-3000:]
    assert CLEAR_LINE + "editions " in out
    assert "progress: editions" not in out  # the INFO line is off (interval 0); the live one is not
