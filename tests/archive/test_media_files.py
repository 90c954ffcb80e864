"""crawler/media.py: the media setting, sizes read from image headers and PDFs, and the run's limits."""

from __future__ import annotations

import struct
import zlib

import pytest

from crawler.media import MediaLimits, image_size, measure, media_kinds, pdf_page_size
from crawler.spiders.epaper import EpaperSpider
from crawler.testsite.server import GIF, JPEG
from tests.services import require_module


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof2 = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof2 + b"\xff\xd9"


def test_media_setting_values() -> None:
    assert media_kinds(None) == media_kinds("none") == frozenset()
    assert media_kinds("all") == {"image", "pdf"} and media_kinds(" PDF ") == {"pdf"}
    with pytest.raises(ValueError, match="one of none, image, pdf, all"):
        media_kinds("pictures")
    with pytest.raises(ValueError, match="media='pictures'"):
        EpaperSpider(paper="demo", media="pictures")


def test_image_sizes_from_headers() -> None:
    assert image_size(_png(1240, 1754)) == (1240, 1754)
    assert image_size(_jpeg(2480, 3508)) == (2480, 3508)  # a progressive JPEG's SOF2, after an APP0 segment
    assert image_size(GIF) == (1, 1)
    assert image_size(JPEG) is None  # a JPEG cut before its frame header: size unknown, not a guess
    assert image_size(b"<html>not an image</html>") is None
    measured = measure("image", _png(10, 20))
    assert (measured.width, measured.height, measured.size, len(measured.sha256)) == (10, 20, len(_png(10, 20)), 64)


def test_pdf_page_size() -> None:
    reportlab = require_module("reportlab.pdfgen.canvas", "the test PDF is made with reportlab (the dev extra)")
    require_module("pypdfium2", "PDF page sizes are read with pypdfium2 (the pdf extra)")
    import io

    buf = io.BytesIO()
    canvas = reportlab.Canvas(buf, pagesize=(842, 1191))
    canvas.showPage()
    canvas.save()
    assert pdf_page_size(buf.getvalue()) == (842.0, 1191.0)
    assert pdf_page_size(b"%PDF-1.4 broken") is None
    assert measure("pdf", b"not a pdf").width is None


def test_budget() -> None:
    limits = MediaLimits(max_file_bytes=10, budget_bytes=100)
    limits.spend(60)
    assert not limits.exhausted()
    limits.spend(40)
    assert limits.exhausted()
