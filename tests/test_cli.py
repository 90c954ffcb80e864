"""The `epaper` console script: the shapes that users and scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main
from tests.dbfixtures import db_url, pg_admin_url  # noqa: F401 - fixtures used by name

FIXTURES = Path(__file__).parent / "families" / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


def _meta(case: Path) -> dict:
    return json.loads((case / "meta.json").read_text(encoding="utf-8"))


def test_parse_prints_the_page_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    case = FIXTURES / "founder-pc" / "newslist_page"
    assert main(["parse", str(case / "body.bin"), "--url", _meta(case)["url"]]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "page"
    assert {"number", "name", "image_url", "pdf_url", "pages", "articles"} <= set(out)
    assert all({"number", "name", "url"} <= set(p) for p in out["pages"])
    assert out["articles"] and all({"url", "title", "polygons", "coordinate_space"} <= set(a) for a in out["articles"])
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert out["number"] == expected["number"] and out["articles"] == expected["articles"]


def test_parse_prints_the_article_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    case = FIXTURES / "founder-classic" / "table_article"
    assert main(["parse", str(case / "body.bin"), "--url", _meta(case)["url"], "--family", "founder-classic"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "article"
    assert {"kicker", "title", "subtitle", "paragraphs", "images", "source_id"} <= set(out)
    assert out["title"] and out["paragraphs"]


def test_parse_reports_bad_input_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.html"
    junk.write_bytes(b"<html><body>nothing here")
    code = main(["parse", str(junk), "--url", "http://x.example/pc/content/202501/01/content_1.html"])
    assert code == 2
    assert "epaper parse:" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "missing.html"), "--url", "http://x.example/a.htm"]) == 2


def test_demo_then_status_end_to_end(tmp_path: Path, db_url: str) -> None:  # noqa: F811 - the fixture
    """The README's first command, on an empty database: demo crawls, status reports complete editions."""
    db = db_url
    # any free port: this test reads the database, not the stored URLs (the next test holds the fixed port)
    demo = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--db", db, "--port", "0"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "complete" in demo.stdout and "2025-04-25" in demo.stdout
    totals = json.loads(demo.stdout.strip().splitlines()[-1])
    assert totals["pages"] >= 8 and totals["articles"] >= 40 and totals["failures"] == 0
    status = subprocess.run([sys.executable, "-m", "crawler.cli", "status", "--paper", "demo", "--db", db, "--json"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stderr
    rows = json.loads(status.stdout)
    assert [(r["date"], r["status"]) for r in rows] == [("2025-04-25", "complete"), ("2025-04-26", "complete")]
    assert sum(r["articles"] for r in rows) == totals["articles"]
    # the run's counters (what the summary line prints) count what the table counts: a story continued
    # across pages is one article
    runs = subprocess.run([sys.executable, "-m", "crawler.cli", "status", "--runs", "--db", db, "--json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert runs.returncode == 0, runs.stderr
    (run,) = json.loads(runs.stdout)
    assert (run["status"], run["articles"], run["pages"]) == ("finished", totals["articles"], totals["pages"])


def test_demo_stores_urls_of_the_fixed_demo_port(tmp_path: Path) -> None:
    """Stored article and image URLs point at 127.0.0.1:8765, where `python -m crawler.testsite` serves the demo,
    not at a random port that died with the demo command."""
    import socket

    from sqlalchemy import create_engine, text

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8765)) == 0:
            pytest.skip("port 8765 is in use on this machine (another demo site?)")
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    demo = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--db", db], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    engine = create_engine(db)
    with engine.connect() as conn:
        urls = [u for (u,) in conn.execute(text("select url from article union all select url from image")) if u]
    engine.dispose()
    assert urls and all(u.startswith("http://127.0.0.1:8765/demo/") for u in urls), urls[:3]
