"""An article whose HTML has no text (empty, or only pictures) gets it from the page PDF, inside its hotspots;
a paper that publishes only page PDFs gets every story of a page from the PDF by layout (`layout_stories`).

Pure functions for the crawl and `epaper reparse`: the page PDF's bytes, the article's hotspot polygons
and the pixel size of the image they were drawn on in; out comes the article's text as the text stages
make it, marked `text_source = 'pdf'`, or None when the PDF cannot give it (a scan, nothing inside the
polygons). The caller keeps the HTML's own fields (its title, for one) where the PDF has none.
"""

from __future__ import annotations

import copy
import unicodedata
from functools import lru_cache

from pipelines.text.article import resolve_script
from pipelines.text.pdf.extract import PdfPage, read_pdf
from pipelines.text.pdf.hotspots import Hotspot, HotspotSpace
from pipelines.text.pdf.segment import hotspot_stories, layout_segment
from pipelines.text.pdf.stories import page_text
from schema.records import ArticleText


def needs_pdf_text(text: ArticleText) -> bool:
    """No body paragraph: the HTML printed nothing, or only pictures and their captions."""
    return not any(p.strip() for p in text.paragraphs)


def text_from_pdf(
    pdf: bytes,
    polygons: list[list[float]],
    width: float | None,
    height: float | None,
    script: str | None = None,
    page: int = 0,
) -> ArticleText | None:
    """The text the PDF page prints inside the polygons, or None (no text layer, no text there)."""
    if not polygons:
        return None
    pdf_page = _page(pdf, page)
    if not pdf_page.text_layer:
        return None
    text = page_text(pdf_page)
    hant = resolve_script(script, "".join(b.block.text for b in text.blocks)[:4000]) == "hant"
    space = HotspotSpace([Hotspot(polygons)], width, height)
    placed, _ = hotspot_stories(text, space, hant, pdf_page.width, pdf_page.height)
    if not placed or placed[0][1].result is None:
        return None
    found = placed[0][1].result.text
    found.text_source = "pdf"
    return found


def layout_stories(pdf: bytes, script: str | None = None) -> list[ArticleText]:
    """The stories the PDF's first page prints, by layout alone (no hotspots), in reading order, each marked
    `text_source = 'pdf'`; [] for a scan. The same bytes and script give the same stories in the same order,
    so a story's index on its page is a stable key (the pdf-only family's `#story-N` URLs). Fresh copies:
    callers may change them."""
    return copy.deepcopy(list(_layout_stories(pdf, script)))


def is_scan(pdf: bytes) -> bool:
    """The PDF's first page has no text layer (a scanned page: no stories without OCR)."""
    return not _page(pdf, 0).text_layer


@lru_cache(maxsize=4)
def _layout_stories(pdf: bytes, script: str | None) -> tuple[ArticleText, ...]:
    """Read once per page: the family's page parse and every story's article parse and text stage ask again."""
    pdf_page = _page(pdf, 0)
    if not pdf_page.text_layer:
        return ()
    text = page_text(pdf_page)
    hant = resolve_script(script, "".join(b.block.text for b in text.blocks)[:4000]) == "hant"
    out = []
    for story in layout_segment(text, hant):
        if story.result is None:
            continue
        found = story.result.text
        found.text_source = "pdf"
        out.append(found)
    return tuple(out)


@lru_cache(maxsize=4)
def _page(pdf: bytes, page: int) -> PdfPage:
    """A page read once for all the articles it holds (a crawl asks for each of a page's stories in turn;
    bytes hash once, so the key is cheap)."""
    (pdf_page,) = read_pdf(pdf, [page])
    return pdf_page


def _letters(text: str) -> str:
    """The printed characters that count: letters and digits, NFKC-folded (full-width digits as ASCII)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def text_coverage(printed: str, html: str) -> float | None:
    """Share of the character pairs the page prints that the HTML text has too (1.0: nothing missing), or
    None when the print has fewer than two. Pairs, not characters: a lost sentence shows even where its
    characters occur elsewhere; a set, not a sequence: column order and line breaks do not matter."""
    a, b = _letters(printed), _letters(html)
    pairs = {a[k:k + 2] for k in range(len(a) - 1)}
    if not pairs:
        return None
    have = {b[k:k + 2] for k in range(len(b) - 1)}
    return round(len(pairs & have) / len(pairs), 4)
