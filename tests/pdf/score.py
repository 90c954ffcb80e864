"""Score PDF segmentation per field with the corpus scorer (tests/text/score.py) on generated pages.

`python -m tests.pdf.score [-v] [--hotspots] [--template=lead|mixed|briefs] [--update-floors]` prints the
table; tests/pdf/floors.json (by layout alone) and floors_hotspots.json (stories placed by hotspot polygons
drawn on an image twice the page's size) pin a floor per field that may only rise. Paragraph joins are counted over the printed lines of each page (every line
break inside a paragraph, column breaks included, is a join the segmentation must make).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from pipelines.text.pdf.extract import read_pdf
from pipelines.text.pdf.hotspots import Hotspot, HotspotSpace
from pipelines.text.pdf.layout import build_lines
from pipelines.text.pdf.segment import segment_pdf
from tests.pdf.pages import PageSpec, corpus_pages
from tests.text import score

FLOORS = Path(__file__).resolve().parent / "floors.json"
HOTSPOT_FLOORS = Path(__file__).resolve().parent / "floors_hotspots.json"
_PAGE_ONLY = ("paragraph joins", "article boundaries", "editors", "continuations")


def hotspots_of(page: PageSpec, scale: float = 2.0) -> HotspotSpace:
    """The page's story areas drawn on an image `scale` times the PDF's size, as page HTML gives them."""
    spots = [
        Hotspot([[v * scale for v in poly] for poly in polys], url=f"content_{k}.html")
        for k, polys in enumerate(page.regions)
    ]
    return HotspotSpace(spots, page.size[0] * scale, page.size[1] * scale)


def score_pdf_page(page: PageSpec, tally: score.Tally, hotspots: bool = False) -> None:
    predicted = segment_pdf(page.pdf, hotspots_of(page) if hotspots else None).articles
    expected = page.expected
    for ei, pi in score.align(expected, predicted):
        key = ("e", ei) if ei is not None else ("p", pi)
        empty: dict[str, list[tuple]] = {f: [] for f in score.FIELDS}
        ie = score._items(expected[ei], key) if ei is not None else empty
        ip = score._items(predicted[pi], key) if pi is not None else empty
        for f in score.FIELDS:
            if f not in _PAGE_ONLY:
                tally.add(f, ie[f], ip[f])
                if Counter(ie[f]) != Counter(ip[f]):
                    tally.failures.append(f"{page.cases} {f}: expected {ie[f]} got {ip[f]}")
    lines = [ln.text for ln in build_lines(read_pdf(page.pdf)[0].chars)]
    exp_j = score.joins_in([p for a in expected for p in a["paragraphs"]], lines)
    pred_j = score.joins_in([p for a in predicted for p in a["paragraphs"]], lines)  # type: ignore[union-attr]
    tally.add("paragraph joins", exp_j, pred_j)
    if exp_j != pred_j:
        missing = [(lines[a][-6:], lines[b][:6]) for a, b in sorted(exp_j - pred_j)]
        extra = [(lines[a][-6:], lines[b][:6]) for a, b in sorted(pred_j - exp_j)]
        tally.failures.append(f"{page.cases} joins: missing {missing} extra {extra}")
    exp_b = [score._signature(a) for a in expected]
    pred_b = [score._signature(a) for a in predicted]
    tally.add("article boundaries", exp_b, pred_b)
    if Counter(exp_b) != Counter(pred_b):
        tally.failures.append(
            f"{page.cases} boundaries: {len(expected)} expected, {len(predicted)} predicted"
        )


def run(
    pages: list[PageSpec] | None = None, hotspots: bool = False, template: str | None = None
) -> score.Tally:
    tally = score.Tally()
    for page in pages if pages is not None else corpus_pages():
        if template is None or page.template == template:
            score_pdf_page(page, tally, hotspots)
    return tally


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    hotspots = "--hotspots" in argv
    template = next((a.split("=", 1)[1] for a in argv if a.startswith("--template=")), None)
    tally = run(hotspots=hotspots, template=template)
    res = score.results(tally)
    print(("with hotspots" if hotspots else "by layout alone") + (f", {template} pages" if template else ""))
    print(score.table(res))
    if "-v" in argv:
        print("\n".join(tally.failures))
    if "--update-floors" in argv and template is None:
        floors = score.update_floors(res, HOTSPOT_FLOORS if hotspots else FLOORS)
        print("floors:", json.dumps(floors, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
