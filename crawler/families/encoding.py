"""Decode an e-paper payload to text without trusting byte-frequency guessing.

Sparse 版面 pages fool statistical detectors (on a real GBK page, `apparent_encoding` said MacCyrillic), and
servers send `ISO-8859-1` headers on GBK or UTF-8 bodies. So the rules are: a BOM wins; otherwise decode
STRICTLY with the candidates (HTTP header, `<meta>` charset, UTF-8, GB18030) and keep the first one that
yields real CJK text. A strict UTF-8 decode of a body with multi-byte sequences is near-certain evidence
(GBK bytes almost never form valid UTF-8), so it beats a declared GBK; GBK/GB2312 are read as GB18030.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from typing import Any

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_RE = re.compile(rb"<meta\b[^>]*>", re.I)
_GB_ALIASES = {
    "gbk",
    "gb2312",
    "gb_2312",
    "gb_2312-80",
    "x-gbk",
    "cp936",
    "ms936",
    "euc-cn",
    "hz-gb-2312",
    "gb18030",
}
# Labels servers put on bodies they know nothing about: never trusted over a CJK-yielding decode.
_UNTRUSTED = {
    "latin-1",
    "latin1",
    "iso-8859-1",
    "iso8859-1",
    "l1",
    "us-ascii",
    "ascii",
    "windows-1252",
    "cp1252",
}
_LATIN1_MOJIBAKE = re.compile("[\u00c0-\u00ff][\u0080-\u00ff]")


def normalize_charset(label: str | None) -> str | None:
    """A Python codec name for a declared charset, GB family mapped to gb18030; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    if label in {"utf8", "utf-8", "unicode-1-1-utf-8"}:
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(headers: Mapping[Any, Any] | None) -> str | None:
    """The charset parameter of a Content-Type header (any key case; str or bytes, Scrapy lists too)."""
    if not headers:
        return None
    for key, value in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if name.lower() != "content-type":
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        raw: bytes = value.encode("latin-1", "replace") if isinstance(value, str) else value
        m = _CHARSET_RE.search(raw)
        return m.group(1).decode("ascii") if m else None
    return None


def meta_charset(body: bytes) -> str | None:
    """The charset of the first `<meta charset>` / http-equiv Content-Type within the first 8 KiB."""
    for tag in _META_RE.findall(body[:8192]):
        m = _CHARSET_RE.search(tag)
        if m:
            return m.group(1).decode("ascii")
    return None


def cjk_quality(text: str) -> float:
    """Share of non-ASCII characters that are CJK ideographs or CJK punctuation (0..1; 1.0 when no non-ASCII)."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 1.0
    if "\ufffd" in text:
        return 0.0
    good = sum(
        1
        for c in non_ascii
        if "\u4e00" <= c <= "\u9fff"
        or "\u3400" <= c <= "\u4dbf"
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or c in "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u00a0\u2022\u25a0\u25a1"
    )
    ratio = good / len(non_ascii)
    if _LATIN1_MOJIBAKE.search(text):
        ratio = min(ratio, 0.1)
    return ratio


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Return (text, codec used). Never raises on bad bytes: the last resort decodes with replacement."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return body.decode(bom_codec, errors="replace"), "utf-8" if bom_codec == "utf-8-sig" else bom_codec
    if body.isascii():  # every byte < 128, in C (a generator over the bytes cost 0.2 ms a page)
        labelled = normalize_charset(header_charset(headers)) or normalize_charset(meta_charset(body))
        return body.decode("ascii"), labelled or "ascii"

    declared: list[str] = []
    untrusted: list[str] = []
    for label in (header_charset(headers), meta_charset(body)):
        codec = normalize_charset(label)
        if label is None or codec is None:
            continue
        target = (
            untrusted if label.lower() in _UNTRUSTED or codec in {"latin-1", "cp1252", "ascii"} else declared
        )
        if codec not in target:
            target.append(codec)

    # 1. Valid UTF-8 with multi-byte sequences is UTF-8, whatever the labels say.
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    # 2. A trusted declared charset, then GB18030, kept only if the result reads as CJK text.
    candidates = [c for c in declared if c != "utf-8"] + ["gb18030"]
    best: tuple[float, str, str] | None = None
    for codec in dict.fromkeys(candidates):
        text = _strict(body, codec)
        if text is None:
            continue
        quality = cjk_quality(text)
        if quality >= 0.6:
            return text, codec
        if best is None or quality > best[0]:
            best = (quality, text, codec)
    # 3. An untrusted label (latin-1 header) only when nothing CJK-like decoded.
    for codec in untrusted:
        text = _strict(body, codec)
        if text is not None and (best is None or best[0] < 0.2):
            return text, codec
    if best is not None:
        return best[1], best[2]
    codec = (declared or ["utf-8"])[0]
    return body.decode(codec, errors="replace"), codec
