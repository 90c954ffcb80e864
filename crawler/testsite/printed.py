"""The printed page of a fixture page: its page image (PNG) and its page PDF, built from the page's own stories.

The image is the page's displayed size (`SitePage.image_size`): paper-coloured, each story's hotspot areas a
shade darker, so a picture drawn over it shows the page under the outlines. The PDF is the same page at twice
that size in points, each story set in its own hotspot areas (title larger and bold, paragraphs indented),
with the text the HTML prints or, for an image-only page, `SiteArticle.printed`: what `-a media=pdf` reads
back. reportlab (the `dev` extra) builds it, with its built-in CID font; without reportlab there is no PDF
(`page_pdf` returns None and the server answers 404, which a crawl records as a `media` failure).
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import lru_cache

from crawler.testsite.model import SitePage

PAPER = (242, 238, 226)
STORY = (222, 216, 200)
PDF_SCALE = 2.0  # points per image pixel
BODY, TITLE, LEADING, MARGIN = 9.0, 15.0, 1.45, 6.0
FONT = "STSong-Light"

Rect = tuple[float, float, float, float]  # x0, top, x1, bottom


def _areas(page: SitePage) -> list[list[list[tuple[int, int]]]]:
    return [[a.polygon, *a.extra_polygons] if a.polygon else [] for a in page.articles]


def bands(polygon: list[tuple[int, int]]) -> list[Rect]:
    """An axis-parallel polygon as horizontal bands, top to bottom: rectangles inside it that cover it."""
    ys = sorted({y for _, y in polygon})
    out: list[Rect] = []
    for top, bottom in zip(ys, ys[1:], strict=False):
        mid = (top + bottom) / 2
        xs = sorted({x for x, _ in polygon})
        inside = [(x0, x1) for x0, x1 in zip(xs, xs[1:], strict=False) if _contains(polygon, (x0 + x1) / 2, mid)]
        if inside:
            x0, x1 = inside[0][0], inside[0][1]
            for a, b in inside[1:]:
                if a == x1:
                    x1 = b
            if out and out[-1][0] == x0 and out[-1][2] == x1 and out[-1][3] == top:
                out[-1] = (x0, out[-1][1], x1, bottom)  # same width: one band
            else:
                out.append((x0, top, x1, bottom))
    return out


def _contains(polygon: list[tuple[int, int]], x: float, y: float) -> bool:
    inside = False
    for k in range(len(polygon)):
        (x1, y1), (x2, y2) = polygon[k], polygon[(k + 1) % len(polygon)]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / ((y2 - y1) or 1e-9) + x1:
            inside = not inside
    return inside


def page_png(page: SitePage) -> bytes:
    """The page image: paper colour, the stories' areas a shade darker."""
    width, height = page.image_size
    rects = tuple(tuple(r) for areas in _areas(page) for poly in areas for r in bands(poly))
    return png(width, height, rects)


@lru_cache(maxsize=64)
def png(width: int, height: int, rects: tuple[Rect, ...] = ()) -> bytes:
    """A valid RGB PNG of paper colour with `rects` a shade darker (the stdlib's zlib: no image library)."""
    paper, story = bytes(PAPER), bytes(STORY)
    rows = []
    for y in range(height):
        row = bytearray(paper * width)
        for x0, top, x1, bottom in rects:
            if top + 2 <= y < bottom - 2:  # a gutter between neighbouring stories
                a, b = int(x0) + 2, max(int(x0) + 2, int(x1) - 2)
                row[a * 3:b * 3] = story * (b - a)
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


def page_pdf(page: SitePage) -> bytes | None:
    """The page PDF with each story set inside its hotspot areas; None without reportlab."""
    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
    except ImportError:
        return None
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = page.image_size[0] * PDF_SCALE, page.image_size[1] * PDF_SCALE
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    for article, areas in zip(page.articles, _areas(page), strict=True):
        frames = [(x0 * PDF_SCALE + MARGIN, top * PDF_SCALE + MARGIN, x1 * PDF_SCALE - MARGIN,
                   bottom * PDF_SCALE - MARGIN) for poly in areas for x0, top, x1, bottom in bands(poly)]
        lines: list[tuple[str, float, float, bool]] = []  # text, size, indent, bold
        for text, size, bold in ((article.kicker, BODY + 2, False), (article.title, TITLE, True),
                                 (article.subtitle, BODY + 2, False)):
            if text:
                lines += [(t, size, 0.0, bold) for t in _wrap(text, size, frames[0][2] - frames[0][0], 0.0)]
        paragraphs = article.printed if article.printed is not None else article.paragraphs
        for para in paragraphs:
            lines += [(t, BODY, off, False) for t, off in _wrap_indented(para, frames, 2 * BODY)]
        _set(pdf, lines, frames, height)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _wrap(text: str, size: float, width: float, indent: float) -> list[str]:
    return [t for t, _ in wrap_lines(text, size, width, indent)]


def _wrap_indented(text: str, frames: list[Rect], indent: float) -> list[tuple[str, float]]:
    width = min(f[2] - f[0] for f in frames) if frames else 100.0
    return wrap_lines(text, BODY, width, indent)


def wrap_lines(text: str, size: float, width: float, indent: float = 0.0, font: str = FONT) -> list[tuple[str, float]]:
    """Greedy line breaks by printed width (reportlab's metrics of a registered font); (line, x offset) pairs,
    the first line offset by the indent. tests/pdf/pages.py sets its pages with it too."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out: list[tuple[str, float]] = []
    cur, off = "", indent
    for ch in text:
        if cur and float(stringWidth(cur + ch, font, size)) > width - off:
            out.append((cur, off))
            cur, off = "", 0.0
        cur += ch
    if cur:
        out.append((cur, off))
    return out


def _set(pdf: object, lines: list[tuple[str, float, float, bool]], frames: list[Rect], height: float) -> None:
    """Set the lines down the frames in turn (what does not fit is left out, as a full page cuts a story)."""
    queue = list(lines)
    for x0, top, _x1, bottom in frames:
        y = top
        while queue and y + queue[0][1] * LEADING <= bottom:
            text, size, off, bold = queue.pop(0)
            pdf.saveState()  # type: ignore[attr-defined]
            obj = pdf.beginText(x0 + off, height - y - size * 0.88)  # type: ignore[attr-defined]
            obj.setFont(FONT, size)
            if bold:
                obj.setTextRenderMode(2)  # fill + stroke: how page PDFs embolden a face
            obj.textOut(text)
            pdf.drawText(obj)  # type: ignore[attr-defined]
            pdf.restoreState()  # type: ignore[attr-defined]
            y += size * LEADING
        if not queue:
            return
