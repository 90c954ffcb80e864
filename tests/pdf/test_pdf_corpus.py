"""PDF segmentation on typeset pages: per-field scores must not fall below tests/pdf/floors.json."""

from __future__ import annotations

import json

import pytest

from tests.pdf import score as pdf_score
from tests.services import require_file
from tests.text import score


@pytest.mark.parametrize("hotspots", [False, True], ids=["layout", "hotspots"])
def test_floors_are_met(corpus_pages, hotspots) -> None:  # type: ignore[no-untyped-def]
    # a missing floors file must not turn the gate off in CI
    floors = json.loads(
        require_file(pdf_score.HOTSPOT_FLOORS if hotspots else pdf_score.FLOORS, "PDF floors").read_text()
    )
    res = score.results(pdf_score.run(corpus_pages, hotspots=hotspots))
    low = {f: (res[f]["f1"], floor) for f, floor in floors.items() if res[f]["f1"] + 1e-9 < floor}
    assert not low, f"F1 below floor (current, floor): {low}\n{score.table(res)}"


def test_pages_cover_the_layouts(corpus_pages) -> None:  # type: ignore[no-untyped-def]
    """The generated set holds every shape the issue names, so the floors measure them."""
    templates = {p.template for p in corpus_pages}
    assert {"lead", "mixed"} <= templates
    untitled = [a for p in corpus_pages if p.template == "mixed" for a in p.expected if a["title"] is None]
    assert untitled, "a story whose title is a picture"
    assert sum(len(p.expected) for p in corpus_pages) >= 60
