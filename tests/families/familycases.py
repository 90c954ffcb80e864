"""Shared helpers of the per-family tests: fixture loading and the Founder fixtures as wrong-family payloads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from crawler.families import get_family
from crawler.families.fixtures import case_dirs, load_meta

FIXTURES = Path(__file__).parent / "fixtures"
FOUNDER_CASES = case_dirs([FIXTURES / "founder-pc", FIXTURES / "founder-classic"])


def load_case(family: str, case: str) -> tuple[bytes, dict[str, Any]]:
    """The body as served and the meta of a golden fixture."""
    case_dir = FIXTURES / family / case
    return (case_dir / "body.bin").read_bytes(), load_meta(case_dir)


def parse_fixture(family: str, case: str, options: dict[str, Any] | None = None) -> Any:
    """The record the family makes of a fixture (page or article, as its meta says)."""
    body, meta = load_case(family, case)
    fam = get_family(family)
    date = dt.date.fromisoformat(meta["edition_date"])
    if meta["kind"] == "article":
        return fam.parse_article(body, meta["url"], date, meta["headers"], options)
    return fam.parse_page(body, meta["url"], date, meta["headers"], options)


def founder_payloads() -> list[tuple[str, bytes, str]]:
    """(case name, body, url) of every Founder golden fixture."""
    out = []
    for case in FOUNDER_CASES:
        meta = load_meta(case)
        out.append((f"{case.parent.name}/{case.name}", (case / "body.bin").read_bytes(), meta["url"]))
    return out


JS_SHELL = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>e-paper</title>"
    b"<script src='/static/js/app.js'></script><script>window.__PAGE__ = null; boot();</script>"
    b"</head><body><div id='app'></div></body></html>"
)
