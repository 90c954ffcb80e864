"""Script handling with OpenCC: simplified search text for traditional papers, and script detection.

Converters are built once per configuration (building one reads dictionaries from disk).
"""

from __future__ import annotations

from functools import cache, lru_cache

import opencc

from pipelines.text.lexicon import fold

_TO_SIMPLIFIED = {"mainland": "t2s.json", "hk": "hk2s.json", "tw": "tw2s.json"}
_TO_TRADITIONAL = {"mainland": "s2t.json", "hk": "s2hk.json", "tw": "s2tw.json"}


@cache
def converter(config: str) -> opencc.OpenCC:
    """A cached OpenCC converter for a config name such as 't2s.json'."""
    return opencc.OpenCC(config)


def _config(table: dict[str, str], region: str | None) -> str:
    key = region or "mainland"
    if key not in table:
        raise ValueError(f"unknown region {region!r}; expected one of {sorted(table)}")
    return table[key]


def to_simplified(text: str, region: str | None = "mainland") -> str:
    """Traditional → simplified with the region's variant table (t2s / hk2s / tw2s)."""
    return converter(_config(_TO_SIMPLIFIED, region)).convert(text) if text else text


def to_traditional(text: str, region: str | None = "mainland") -> str:
    """Simplified → traditional for display (s2t / s2hk / s2tw)."""
    return converter(_config(_TO_TRADITIONAL, region)).convert(text) if text else text


def detect_script(text: str) -> str:
    """'hant' when more characters change under t2s than under s2t, else 'hans' (for mixed papers)."""
    if not text:
        return "hans"
    t2s = converter("t2s.json").convert(text)
    s2t = converter("s2t.json").convert(text)
    trad = (
        sum(a != b for a, b in zip(text, t2s, strict=False))
        if len(t2s) == len(text)
        else abs(len(t2s) - len(text))
    )
    simp = (
        sum(a != b for a, b in zip(text, s2t, strict=False))
        if len(s2t) == len(text)
        else abs(len(s2t) - len(text))
    )
    return "hant" if trad > simp else "hans"


@lru_cache(maxsize=65536)
def _char_t2s(ch: str) -> str:
    out = converter("t2s.json").convert(ch)
    return out if len(out) == 1 else ch


# A few recent texts only: the dateline, byline and caption readers ask for the shadow of the same block one after
# the other (four asks in five, measured on the corpus); a larger cache would only serve repeated input.
@lru_cache(maxsize=32)
def shadow(text: str, hant: bool = False) -> str:
    """Matching text of the same length as `text`: widths folded; traditional chars simplified when hant.

    Length is preserved so that a regex span on the shadow cuts the printed text at the same place.
    """
    if hant:
        conv = converter("t2s.json").convert(text)
        if len(conv) != len(text):
            conv = "".join(_char_t2s(c) if ord(c) > 0x2E7F else c for c in text)
        text = conv
    return fold(text)
