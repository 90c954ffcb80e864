"""Page media in a crawl (EPAPER_MEDIA, `-a media=`): which page images and PDFs a run fetches, what it learns
from their bytes (digest, size, pixel or page size) and the limits it keeps (a per-file cap, a per-run budget).

The files themselves go to the raw archive as received, as WARC records of the paper's own files (the archive
middleware, crawler/archive/writer.py): one format for every byte the crawler received, replayable by
`epaper reparse`, and no second store to keep in step. docs/operations.md ("Page media") has the settings.

Sizes are read from the file headers (PNG IHDR, GIF screen descriptor, JPEG SOFn), so the core needs no image
library; a PDF's first page size comes from pypdfium2 when it is installed (the `pdf` extra), else unknown.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Any

MEDIA_MODES = ("none", "image", "pdf", "all")
DEFAULT_MAX_FILE_BYTES = 32 << 20  # a page PDF is 0.5–10 MB; a bigger answer is not a page
DEFAULT_BUDGET_BYTES = 4 << 30  # per run: a year's backfill of one paper's PDFs is about this size
MEDIA_PRIORITY = -10  # below pages, articles and documents: media never hold the text of an edition back
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def media_kinds(value: str | None) -> frozenset[str]:
    """The media kinds a `-a media=` / EPAPER_MEDIA value asks for; ValueError with the accepted values."""
    mode = (value or "none").strip().lower()
    if mode not in MEDIA_MODES:
        raise ValueError(f"media={value!r}: one of {', '.join(MEDIA_MODES)}")
    return frozenset({"image", "pdf"} if mode == "all" else set() if mode == "none" else {mode})


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels from a PNG, GIF or JPEG header; None for anything else or a damaged header."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG markers to the first start-of-frame, which holds the height and width."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker in _JPEG_SOF and i + 9 <= len(data):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return (width, height) if width and height else None
        if marker == 0xD9 or length < 2:
            return None
        i += 2 + length
    return None


def pdf_page_size(data: bytes) -> tuple[float, float] | None:
    """The first page's size in points, or None: not a PDF, unreadable, or pypdfium2 not installed."""
    try:
        import pypdfium2 as pdfium  # the optional `pdf` extra
    except ImportError:
        return None
    try:
        doc = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - an unreadable PDF is archived all the same; its size is unknown
        return None
    try:
        if len(doc) == 0:
            return None
        width, height = doc[0].get_size()
        return round(float(width), 2), round(float(height), 2)
    finally:
        doc.close()


@dataclass(frozen=True)
class Measured:
    """What the store records of one fetched file."""

    sha256: str
    size: int
    width: float | None
    height: float | None


def measure(kind: str, data: bytes) -> Measured:
    """Digest, size and dimensions of a fetched page image (pixels) or PDF (points)."""
    dims: tuple[float, float] | None = image_size(data) if kind == "image" else pdf_page_size(data)
    width, height = dims if dims else (None, None)
    return Measured(hashlib.sha256(data).hexdigest(), len(data), width, height)


@dataclass
class MediaLimits:
    """The per-file cap and the per-run byte budget, and what the run has fetched so far."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    budget_bytes: int = DEFAULT_BUDGET_BYTES
    spent: int = 0

    @classmethod
    def from_settings(cls, settings: Any) -> MediaLimits:
        return cls(settings.getint("EPAPER_MEDIA_MAX_BYTES", DEFAULT_MAX_FILE_BYTES),
                   settings.getint("EPAPER_MEDIA_BUDGET_BYTES", DEFAULT_BUDGET_BYTES))

    def exhausted(self) -> bool:
        return self.spent >= self.budget_bytes

    def spend(self, size: int) -> None:
        self.spent += size
