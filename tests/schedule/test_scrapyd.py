"""Deployment to scrapyd, for real: start scrapyd on 127.0.0.1, deploy the egg with scrapyd-deploy, schedule a
crawl of the fixture site through schedule.json, poll listjobs.json, and read the rows from the database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.schedule import build_egg
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from tests.crawl.conftest import FAST_SETTINGS, CrawlResult, expected_counts, registry_for
from tests.services import require_module, unavailable

require_module("scrapyd", "scrapyd is not installed (pip install scrapyd scrapyd-client)")
requests = require_module("requests", "requests is not installed (pip install requests)")
SITE = SITES["pc-newslist"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except requests.ConnectionError:
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_deploy_to_scrapyd_schedule_a_crawl_and_see_the_rows(tmp_path: Path) -> None:
    # the venv's bin directory need not be on PATH when the tests run as venv/bin/python -m pytest
    deploy = shutil.which("scrapyd-deploy") or shutil.which("scrapyd-deploy", path=str(Path(sys.executable).parent))
    if deploy is None:
        unavailable("scrapyd-deploy (scrapyd-client) is not installed")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {tmp_path / 'eggs'}\nlogs_dir = {tmp_path / 'logs'}\n"
        f"dbs_dir = {tmp_path / 'dbs'}\nitems_dir =\njobs_to_keep = 5\nmax_proc = 1\npoll_interval = 0.2\n",
        encoding="utf-8",
    )
    (tmp_path / "scrapy.cfg").write_text(f"[deploy:fixture]\nurl = {base}/\nproject = epaper\n", encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'epaper.db'}"
    with FixtureServer([SITE]) as server:
        env = dict(os.environ, EPAPER_FIXTURE_URL=server.base_url, EPAPER_LOCK_DIR=str(tmp_path / "locks"),
                   EPAPER_PAPERS=str(registry_for(tmp_path / "r.toml", SITE)))
        env.pop("SCRAPY_SETTINGS_MODULE", None)  # the egg's entry point names the settings module
        daemon = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=tmp_path, env=env,
                                  stdout=(tmp_path / "scrapyd.out").open("wb"), stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: requests.get(f"{base}/daemonstatus.json", timeout=2).json()["status"] == "ok",
                     30, "scrapyd to start")
            egg = build_egg(tmp_path / "dist", version="1.0")
            deployed = subprocess.run([deploy, "fixture", "--egg", str(egg), "--version", "1.0"], cwd=tmp_path,
                                      env=env, capture_output=True, text=True, timeout=120)
            assert deployed.returncode == 0, deployed.stdout + deployed.stderr
            assert '"status": "ok"' in deployed.stdout + deployed.stderr
            spiders = requests.get(f"{base}/listspiders.json", params={"project": "epaper"}, timeout=30).json()
            assert spiders["spiders"] == ["epaper"], spiders

            settings = {**FAST_SETTINGS, "EPAPER_DATABASE_URL": db_url}
            form = [("project", "epaper"), ("spider", "epaper"), ("paper", "pc_newslist"),
                    ("start", "2025-03-03"), ("end", "2025-03-06")]
            form += [("setting", f"{k}={v}") for k, v in settings.items()]
            scheduled = requests.post(f"{base}/schedule.json", data=form, timeout=10).json()
            assert scheduled["status"] == "ok", scheduled
            job = scheduled["jobid"]

            def finished():
                jobs = requests.get(f"{base}/listjobs.json", params={"project": "epaper"}, timeout=5).json()
                return next((j for j in jobs["finished"] if j["id"] == job), None)

            wait_for(finished, 180, "the scheduled job to finish")
        finally:
            daemon.terminate()
            daemon.wait(timeout=30)
    log = next((tmp_path / "logs").rglob(f"{job}.log")).read_text(encoding="utf-8")
    assert "epaper run 1 finished" in log, log[-3000:]
    rows = CrawlResult(0, log, db_url)
    assert {str(d): s for d, s in rows.rows("select date, status from edition")} == {
        "2025-03-03": "complete", "2025-03-04": "complete", "2025-03-05": "not_published", "2025-03-06": "complete"}
    pages, articles = expected_counts(SITE, list(SITE.dates))
    assert rows.scalar("select count(*) from page") == pages
    assert rows.scalar("select count(*) from article_part") == articles
