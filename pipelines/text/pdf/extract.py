"""A page PDF (bytes) → its characters with boxes, font sizes and weights, and its picture boxes.

pypdfium2 (PDFium) reads the text layer; it is imported only when a PDF is read, so the rest of the
project runs without it (the optional extra `pdf`). Coordinates are PDF points with the origin at the
page's top-left corner and y growing downwards, the way the hotspot coordinate space of e-paper pages runs.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

PDF_MAGIC = b"%PDF-"
# a page whose text layer has fewer printable characters than this is a scan (pictures of text)
MIN_TEXT_CHARS = 8
_FAKE_BOLD_MODES = (2, 6)  # fill + stroke: how many Chinese page PDFs embolden a regular face
_BOLD_NAME_HINTS = ("bold", "black", "heavy", "heiti", "simhei", "黑", "粗")


class PdfError(ValueError):
    """The bytes are no readable PDF (or not a PDF at all)."""


@dataclass(frozen=True)
class Char:
    """One printed character: its text, loose box (x0, y0 top, x1, y1 bottom), font size and weight."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool = False
    font: str = ""


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in points (top-left origin)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class PdfPage:
    """What one page's text layer holds; `text_layer` False for a scan (counted and reported, not parsed)."""

    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    images: list[Box] = field(default_factory=list)
    index: int = 0

    @property
    def text_layer(self) -> bool:
        return sum(1 for c in self.chars if not c.text.isspace()) >= MIN_TEXT_CHARS


def is_pdf(data: bytes) -> bool:
    """A PDF is recognised by its content (`%PDF-` within the first KiB, as readers allow, after no
    markup: an HTML page that mentions %PDF- is no PDF), not its name."""
    at = data.find(PDF_MAGIC, 0, 1024)
    return at >= 0 and b"<" not in data[:at]


def _pdfium() -> tuple[Any, Any]:
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError as exc:  # the optional extra is not installed
        raise PdfError("reading PDFs needs pypdfium2: pip install 'epaper-archive[pdf]'") from exc
    return pdfium, raw


def read_pdf(data: bytes, pages: list[int] | None = None) -> list[PdfPage]:
    """Every page (or the given page indexes) of a PDF with its characters and picture boxes."""
    if not is_pdf(data):
        raise PdfError("not a PDF (no %PDF- header)")
    pdfium, raw = _pdfium()
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfError(f"unreadable PDF: {exc}") from exc
    try:
        wanted = range(len(doc)) if pages is None else pages
        return [_read_page(doc[k], k, raw) for k in wanted]
    finally:
        doc.close()


def _read_page(page: Any, index: int, raw: Any) -> PdfPage:
    width, height = page.get_size()
    out = PdfPage(width=float(width), height=float(height), index=index)
    textpage = page.get_textpage()
    try:
        out.chars = _chars(textpage.raw, raw, float(height))
    finally:
        textpage.close()
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        out.images.append(Box(float(left), float(height - top), float(right), float(height - bottom)))
    page.close()
    return out


def _chars(tp: Any, raw: Any, height: float) -> list[Char]:
    """The text layer's characters in content order (generated spaces and line breaks left out)."""
    n = raw.FPDFText_CountChars(tp)
    rect = raw.FS_RECTF()
    name_buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    fonts: dict[int, tuple[str, bool]] = {}
    chars: list[Char] = []
    for i in range(n):
        code = raw.FPDFText_GetUnicode(tp, i)
        if code in (0, 0xFFFE, 0xFFFF) or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        text = chr(code) if code < 0x110000 else "\ufffd"
        if text in "\r\n\t\x0b\x0c":
            continue
        if not raw.FPDFText_GetLooseCharBox(tp, i, rect):
            continue
        obj = raw.FPDFText_GetTextObject(tp, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        if key not in fonts:
            length = raw.FPDFText_GetFontInfo(tp, i, name_buf, len(name_buf), ctypes.byref(flags))
            font = name_buf.value.decode("utf-8", "replace") if length else ""
            mode = raw.FPDFTextObj_GetTextRenderMode(obj) if obj else 0
            weight = raw.FPDFText_GetFontWeight(tp, i)
            bold = (
                weight >= 600
                or mode in _FAKE_BOLD_MODES
                or bool(flags.value & (1 << 18))  # FontDescriptor ForceBold
                or any(h in font.lower() for h in _BOLD_NAME_HINTS)
            )
            fonts[key] = (font, bold)
        font, bold = fonts[key]
        chars.append(
            Char(
                text,
                float(rect.left),
                height - float(rect.top),
                float(rect.right),
                height - float(rect.bottom),
                round(float(raw.FPDFText_GetFontSize(tp, i)), 2),
                bold,
                font,
            )
        )
    return chars
