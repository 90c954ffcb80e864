"""The supported-papers table: per-family totals and shares computed from the registry and the import summary."""

from __future__ import annotations

import datetime as dt

from crawler.registry import Layout, Paper, Source
from crawler.registry_docs import render

SUMMARY = {
    "lists": {
        "a.tsv": {
            "collection": "o/a@1",
            "rows": 10,
            "served": {"founder-pc": 3, "founder-classic": 1},
            "skipped": {"no dated page URL": 6},
        },
        "b.tsv": {"collection": "o/b@2", "rows": 4, "served": {"founder-pc": 2}, "skipped": {}},
    }
}


def _paper(key: str, *layouts: Layout, source: Source | None = None) -> Paper:
    return Paper(key=key, name=f"{key}报", layouts=layouts, region="某省", source=source)


def test_family_totals_shares_and_rows() -> None:
    imported = Source(collections=("o/a@1",), rows=("a.tsv:2 x.py",), verified=False)
    papers = {
        "demo": _paper("demo", Layout("founder-pc", "http://127.0.0.1:8765/demo/")),
        "hand": _paper("hand", Layout("founder-pc", "http://h.example/")),
        "imp": _paper(
            "imp",
            Layout("founder-classic", "http://i.example/", valid_until=dt.date(2023, 4, 2)),
            Layout("founder-pc", "http://i.example/new/", valid_from=dt.date(2023, 4, 3)),
            source=imported,
        ),
    }
    doc = render(papers, SUMMARY)
    assert "2 bundled papers: 1 written by hand, 1 imported" in doc  # the demo paper is not listed
    assert "| `founder-classic` | 1 | 1 (10 %) | 0 (0 %) |" in doc
    assert "| `founder-pc` | 2 | 3 (30 %) | 2 (50 %) |" in doc
    assert "| **all** | 2 | 4 (40 %) | 2 (50 %) |" in doc
    assert "| no dated page URL | 6 | 0 |" in doc
    assert (
        "| `imp` | imp报 | 某省 | `founder-classic` … – 2023-04-02<br>`founder-pc` 2023-04-03 – … | no | a.tsv:2 x.py |"
        in doc
    )
    assert "| `hand` | hand报 | 某省 | `founder-pc` all dates | hand-written | hand-written |" in doc
    assert "`demo`" not in doc
