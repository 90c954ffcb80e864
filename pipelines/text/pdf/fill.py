"""An article whose HTML has no text (empty, or only pictures) gets it from the page PDF, inside its hotspots.

A pure function for the crawl and `epaper reparse`: the page PDF's bytes, the article's hotspot polygons
and the pixel size of the image they were drawn on in; out comes the article's text as the text stages
make it, marked `text_source = 'pdf'`, or None when the PDF cannot give it (a scan, nothing inside the
polygons). The caller keeps the HTML's own fields (its title, for one) where the PDF has none.
"""

from __future__ import annotations

from pipelines.text.article import resolve_script
from pipelines.text.pdf.extract import read_pdf
from pipelines.text.pdf.hotspots import Hotspot, HotspotSpace
from pipelines.text.pdf.segment import hotspot_stories
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
    (pdf_page,) = read_pdf(pdf, [page])
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
