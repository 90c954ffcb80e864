"""A site that changes skin mid-backfill: the dates before run clean, the changed dates are a `drift` finding
(stored, logged, exit 3) and `epaper status --health` shows what changed. And the GB18030 row: a body with bytes
that do not decode is stored with U+FFFD, its edition complete, the characters counted and flagged."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.testsite.faults import Faults
from crawler.testsite.redesign import redesigned
from crawler.testsite.server import FixtureServer, Response
from crawler.testsite.sites import site_for
from schema.coverage import DRIFT_EXIT

from .conftest import PROJECT_ROOT, registry_for, run_crawl

D = dt.date
CHANGED_ON = D(2025, 3, 4)
SITE = redesigned(
    site_for("pc-newslist", key="skinchange", start=D(2025, 3, 1), days=6, pages=4, articles_per_page=6),
    CHANGED_ON,
    "footer_bodies",
)
PAPER = "skinchange"


def _status_health(db_url: str, paper: str = PAPER, *more: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "crawler.cli", "status", "--health", "--paper", paper, "--db", db_url, *more]
    return subprocess.run(
        cmd, cwd=PROJECT_ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120
    )


def test_a_redesign_mid_backfill_is_a_drift_finding_with_its_own_exit_status(db_url, tmp_path: Path) -> None:
    registry = registry_for(tmp_path / "r.toml", SITE)
    with FixtureServer([SITE]) as server:
        before = run_crawl(
            server.base_url, db_url, PAPER, start="2025-03-01", end="2025-03-03", registry=registry
        )
        assert before.returncode == 0, before.log[-3000:]
        assert "drift: " not in before.log and "exit 0" in before.log
        after = run_crawl(
            server.base_url, db_url, PAPER, start="2025-03-04", end="2025-03-06", registry=registry
        )
    assert after.returncode == DRIFT_EXIT == 3, after.log[-3000:]
    assert "WARNING: skinchange run 2: drift: body 0.0" in after.log
    (summary,) = [line for line in after.log.splitlines() if "epaper run 2 drift:" in line]
    assert "WARNING" in summary and summary.endswith("drift: skinchange; exit 3")
    # the editions themselves are complete: only the coverage tells the redesign
    assert set(after.rows("select status from edition")) == {("complete",)}
    assert after.rows("select status, counters from crawl_run order by id")[1][0] == "drift"
    stored = after.rows("select run_id, articles from run_coverage order by run_id")
    # before: one story per edition continued onto page 2 (下转) is one article; after: no marker is left to join by
    assert stored == [(1, 3 * 4 * 6 - 3), (2, 3 * 4 * 6)]

    shown = _status_health(db_url)
    assert shown.returncode == DRIFT_EXIT, shown.stdout + shown.stderr
    assert "Traceback" not in shown.stderr
    assert shown.stdout.startswith(f"{PAPER}\nrun")
    assert "latest run 2:\n  drift: body 0.0 (median of the last 1 healthy run: 0." in shown.stdout
    assert "\n  drift: byline 0.0 (median" in shown.stdout  # the bylines were in the body text
    lines = shown.stdout.splitlines()
    assert lines[3].split()[0] == "2" and lines[3].split()[-1].startswith("drift:body")  # newest first
    assert lines[4].split()[0] == "1" and lines[4].split()[-1] == "ok"
    as_json = json.loads(_status_health(db_url, PAPER, "--json").stdout)
    latest, first = as_json[PAPER]
    assert {f["measure"] for f in latest["findings"] if f["kind"] == "drift"} >= {"body", "byline"}
    assert latest["baseline"]["runs"] == 1 and first["findings"] == [] and first["baseline"] is None


class BadBytesServer(FixtureServer):
    """Serves the articles of `bad_paths` with two bytes no GB18030 decoder accepts in the story text, as a broken
    CMS export does: the first two 。 of the body become 0xFF."""

    bad_paths: frozenset[str] = frozenset()

    def _finish(self, path: str, response: Response) -> Response:
        response = super()._finish(path, response)
        if path in self.bad_paths and response.status == 200:
            head, sep, body = response.body.partition(b"<p")
            response.body = head + sep + body.replace("。".encode("gbk"), b"\xff", 2)
        return response


def test_a_gb18030_body_with_invalid_bytes_is_stored_with_fffd_counted_and_flagged(
    db_url, tmp_path: Path
) -> None:
    site = site_for("pc-newslist", key="badbytes", dates=[D(2025, 3, 3)], pages=2, articles_per_page=3)
    day = site.dates[0]
    page = site.edition(day).pages[0]
    bad = site.root + site.renderer().article_path(site.spec, day, page.articles[1])
    with BadBytesServer([site], Faults(gbk_pages={bad})) as server:
        server.bad_paths = frozenset({bad})
        result = run_crawl(
            server.base_url,
            db_url,
            "badbytes",
            date="2025-03-03",
            registry=registry_for(tmp_path / "r.toml", site),
        )
    assert result.returncode == DRIFT_EXIT, result.log[-3000:]  # a health finding: cron hears of it
    summary = [line for line in result.log.splitlines() if "epaper run " in line][-1]
    assert summary.endswith("U+FFFD: badbytes; exit 3"), summary
    assert result.rows("select status from edition") == [("complete",)]
    assert result.rows("select status from crawl_run") == [("finished",)]
    bodies = result.rows("select url, body from article where body like :fffd", fffd="%\ufffd%")
    assert (
        len(bodies) == 1
        and bodies[0][0].endswith(bad.rsplit("/", 1)[1])
        and bodies[0][1].count("\ufffd") == 2
    )
    shown = _status_health(db_url, "badbytes")
    assert shown.returncode == DRIFT_EXIT and "Traceback" not in shown.stderr, shown.stdout + shown.stderr
    assert "  replacement: 1 article with U+FFFD (2 chars): article " in shown.stdout
    assert shown.stdout.splitlines()[3].split()[-2:] == ["1", "replacement"]  # the fffd and findings columns
