"""Character-level cleaning and continuation-marker removal.

Cleaning never drops a character of real text: it removes layout (indents, NBSP, zero-width and
control characters, HTML tags), decodes entities, folds full-width ASCII letters/digits to half-width
(Chinese punctuation stays full-width) and unifies line breaks.
"""

from __future__ import annotations

import html
import re
from typing import Literal

from pipelines.text.lexicon import CN_DIGITS
from schema.records import Continuation

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
# C0/C1 controls except tab and newline
_CONTROLS = {
    c: None for c in list(range(0, 9)) + [11, 12] + list(range(14, 32)) + [127] + list(range(128, 160))
}
# full-width 0-9, A-Z, a-z → ASCII; everything else (，。（）：…) stays full-width
_FULLWIDTH = {
    c: c - 0xFEE0
    for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))
}
_TABLE = {**_ZERO_WIDTH, **_CONTROLS, **_FULLWIDTH, 0x00A0: 0x20, 0x2007: 0x20, 0x202F: 0x20}

_TABLE_KEEP_WIDTH = {**_ZERO_WIDTH, **_CONTROLS, 0x00A0: 0x20, 0x2007: 0x20, 0x202F: 0x20}

_BREAK_TAG = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li)\b[^<>]{0,200}>", re.I)
_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,500}>")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_SPACE_RUN = re.compile(r"[ \t]{2,}")
_EDGE_SPACE = " \t\u3000"


def clean_text(text: str, fold_width: bool = True) -> str:
    """Clean a multi-line text; lines are kept (unified to \\n), each line's indent and tail removed.

    fold_width=False keeps full-width letters/digits as printed (page text keeps them)."""
    if text is None:
        raise ValueError("clean_text expects a string, got None")
    text = _LINE_BREAKS.sub("\n", text)
    if "<" in text:
        text = _BREAK_TAG.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(html.unescape(text)) if "&amp;" in text else html.unescape(text)
    text = text.translate(_TABLE if fold_width else _TABLE_KEEP_WIDTH)
    lines = [_SPACE_RUN.sub(" ", line.strip(_EDGE_SPACE)) for line in text.split("\n")]
    return "\n".join(lines)


def clean_paragraph(text: str) -> str:
    """One paragraph: cleaned, inner line breaks become nothing between Han chars, a space otherwise."""
    lines = [line for line in clean_text(text).split("\n") if line]
    out = ""
    for line in lines:
        if out and (out[-1].isascii() and out[-1].isalnum()) and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def leading_indent(raw: str) -> int:
    """How many indent characters (U+3000, NBSP, space, tab) open a raw paragraph."""
    n = 0
    for ch in raw:
        if ch in " \t\u3000\u00a0":
            n += 1
        elif ch in "\u200b\ufeff":
            continue
        else:
            break
    return n


# --------------------------------------------------------------------------- continuation markers

_NUM = r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]{1,4}|[零〇一二两三四五六七八九十百]{1,4}"
_BRACKETED = re.compile(
    rf"[（(]\s*(?P<dir>下[转轉]|[转轉]至|[转轉]|上接|接上|承接|接)\s*(?:第\s*)?(?P<page>{_NUM})\s*(?:版|页|面)(?:\s*[^（()）\n]{{0,6}})?\s*[）)]"
)
_BARE = re.compile(
    rf"(?P<dir>下[转轉]|[转轉]至|[转轉]|上接|接上|承接|接)\s*(?:第\s*(?P<page>{_NUM})|(?P<code>[A-Za-zＡ-Ｚ][0-9０-９]{{1,2}}))\s*版"
)
_FROM = ("上接", "接上", "承接", "接")
FROM_WORDS = _FROM


JUMP_MARKERS = _BRACKETED  # public: segmentation cuts a line after a bracketed 下转 marker


def chinese_number(text: str) -> int | None:
    """'十二' → 12, '二十' → 20, '一百零五' → 105; None when it is not a Chinese numeral."""
    if not text or any(c not in CN_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + CN_DIGITS[ch] if current else CN_DIGITS[ch]
    return total + current


def page_label(raw: str) -> str:
    """A printed page reference as digits or code: '第一版' → '1', 'Ａ３' → 'A3', '02' stays '02'."""
    raw = raw.translate(_FULLWIDTH).strip()
    number = chinese_number(raw)
    return str(number) if number is not None else raw.upper()


def extract_continuations(text: str) -> tuple[str, list[Continuation]]:
    """Remove 下转/上接 markers (bracketed or bare 转第X版/接第X版) and return them."""
    found: list[tuple[int, Continuation]] = []

    def take(match: re.Match[str]) -> str:
        direction: Literal["to", "from"] = "from" if match.group("dir") in _FROM else "to"
        found.append(
            (
                match.start(),
                Continuation(
                    direction=direction,
                    page=page_label(match.group("page") or match.group("code")),
                    text=match.group(0),
                ),
            )
        )
        return "\x00"

    if "转" not in text and "接" not in text and "轉" not in text:
        return text, []
    out = _BRACKETED.sub(take, text)
    out = _BARE.sub(take, out)
    if not found:
        return text, []
    parts = out.split("\x00")
    joined = parts[0]
    for part in parts[1:]:
        joined = (
            joined.rstrip(" ")
            + (
                " "
                if joined[-1:].isascii()
                and joined[-1:].isalnum()
                and part[:1].isascii()
                and part[:1].isalnum()
                else ""
            )
            + part.lstrip(" ")
            if joined
            else part.lstrip(" ")
        )
    found.sort(key=lambda item: item[0])
    return joined.strip(" \u3000"), [c for _, c in found]
