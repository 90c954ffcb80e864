"""`epaper parse` on saved pages of the listing families, run as users run it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def _parse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "parse", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "case",
    [
        "shtml/conrlist_index_gbk",
        "shtml/ozoom_article",
        "index-htm/inner_page",
        "layout-catalogue/inner_page",
    ],
)
def test_parse_infers_the_family_from_the_url(case: str) -> None:
    meta = json.loads((FIXTURES / case / "meta.json").read_text(encoding="utf-8"))
    proc = _parse(str(FIXTURES / case / "body.bin"), "--url", meta["url"])
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    expected = json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8"))
    assert out["kind"] == meta["kind"] and out["parser_version"] == expected["parser_version"]
    assert out.get("articles", out.get("paragraphs")) == expected.get("articles", expected.get("paragraphs"))


def test_ambiguous_htm_url_needs_the_family() -> None:
    case = FIXTURES / "layout-catalogue" / "first_page"
    url = json.loads((case / "meta.json").read_text(encoding="utf-8"))["url"]
    named = _parse(str(case / "body.bin"), "--url", url, "--family", "layout-catalogue")
    assert named.returncode == 0, named.stderr
    assert json.loads(named.stdout)["number"] == "01"
    # The URL alone names founder-classic; the markup (evidence()) names layout-catalogue.
    guessed = _parse(str(case / "body.bin"), "--url", url)
    assert guessed.returncode == 0, guessed.stderr
    assert json.loads(guessed.stdout)["parser_version"] == "layout-catalogue/V1"
    article = FIXTURES / "layout-catalogue" / "article"
    text = _parse(
        str(article / "body.bin"), "--url", json.loads((article / "meta.json").read_text())["url"], "--text"
    )
    assert text.returncode == 0, text.stderr
    assert json.loads(text.stdout)["title"] == "小麦返青期田管技术要点"
