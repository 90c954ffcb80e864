"""Heads given as plain lines: kicker (…——), title, subtitle (——…), section label, crossheads."""

from __future__ import annotations

import re

from pipelines.text.lexicon import (
    BRIEF_LABELS,
    FORM_LABELS,
    MAX_HEADING_LEN,
    MAX_KICKER_LEN,
    MAX_SECTION_LEN,
    SECTION_LABELS,
    alternation,
)
from pipelines.text.sentence import core_end, is_terminal

_TRAILING_DASH = re.compile(r"\s*(?:——|──|—{2,}|-{2,}|－{2,})\s*$")
_LEADING_DASH = re.compile(r"^\s*(?:——|──|—{2,}|-{2,}|－{2,})\s*")
_LABEL_VALUE = re.compile(rf"^(?:{alternation(FORM_LABELS)})\s*[:：]")
# a notice line `报名时间：6月12日起`, `市急救中心24小时值班电话：6612 0119`: a label that ends in a form
# word (≤ 16 chars, no sentence punctuation), a colon, then the value on the same line
_NOTICE_LINE = re.compile(rf"^[^，。：:；;！？!?,\s]{{0,14}}(?:{alternation(FORM_LABELS)})\s*[:：]\s*\S")
_LIST_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|\d{1,2}[、．.](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[）)])"
)
_SPEECH = re.compile(r"(?:表示|介绍|说|指出|认为|强调|称|透露|告诉记者)[，,]")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
# function words a sentence cut by a column break ends on; a head with a comma never ends on one
_CLAUSE_CUT_END = frozenset("的在为对和与及并或而是将把被向从以于")


def kicker_text(line: str) -> str | None:
    """`我市扎实推进知识产权强市建设——` → text without the dashes; None when not a kicker."""
    line = line.strip()
    if len(line) > MAX_KICKER_LEN + 2 or not _TRAILING_DASH.search(line) or _LEADING_DASH.match(line):
        return None
    text = _TRAILING_DASH.sub("", line)
    return text or None


def subtitle_text(line: str) -> str | None:
    """`——写在…之际` → text without the dashes; None when not a subtitle."""
    line = line.strip()
    if len(line) > MAX_KICKER_LEN + 2 or not _LEADING_DASH.match(line):
        return None
    text = _LEADING_DASH.sub("", line)
    return text or None


def strip_dashes(text: str | None, where: str) -> str | None:
    """Field normaliser for structured heads: kicker loses trailing, subtitle leading dashes."""
    if text is None:
        return None
    text = text.strip()
    text = _TRAILING_DASH.sub("", text) if where == "kicker" else _LEADING_DASH.sub("", text)
    return text or None


def is_heading_like(line: str) -> bool:
    """Short, not a sentence: no terminal end, ≤ 30 chars, no 。, not `label：value`."""
    line = line.strip()
    if not line or len(line) > MAX_HEADING_LEN or "。" in line:
        return False
    if is_terminal(line) or _LABEL_VALUE.match(line) or is_notice_line(line):
        return False
    if ("，" in line or "," in line) and (
        len(line) > 16 or _SPEECH.search(line) is not None or "、" in line or any(c.isdigit() for c in line)
    ):
        return False  # `2月19日，稷山县…` is a cut sentence, `找准定位，更好发挥…` a crosshead
    if ("，" in line or "," in line) and line[-1] in _CLAUSE_CUT_END:
        return False  # `近年来，某村把闲置的`: a clause cut after a function word is body cut by a column break
    if _LIST_START.match(line) or _DATE_LINE.match(line):
        return False  # `三、联系方式` is a list item, `2026年3月20日` a notice's date
    return core_end(line) not in "，,、"


def is_notice_line(line: str) -> bool:
    """`label：value` lines of a notice (conventions: 联系人：…, 报名方式：…) are body lines, never heads."""
    return bool(_NOTICE_LINE.match(line.strip()))


def is_short(line: str) -> bool:
    return 0 < len(line.strip()) <= MAX_SECTION_LEN


def is_known_section(line: str) -> bool:
    return line.strip() in SECTION_LABELS


def is_brief_label(line: str | None) -> bool:
    return bool(line) and line.strip() in BRIEF_LABELS  # type: ignore[union-attr]


def join_crosshead(lines: list[str]) -> str:
    """A crosshead printed over two lines is one crosshead, halves joined by one space."""
    return " ".join(part.strip() for part in lines if part.strip())


def is_crosshead_pair(first_raw: str, second: str) -> bool:
    """Two short lines form one crosshead when the first ends with ≥ 2 spaces or both are short halves."""
    a, b = first_raw.strip(), second.strip()
    if not a or not b or not is_heading_like(a) or not is_heading_like(b):
        return False
    if first_raw.endswith(("  ", "\u3000")):
        return True
    return len(a) <= 10 and len(b) <= 10 and abs(len(a) - len(b)) <= 3


def assign_head(lines: list[str]) -> dict[str, str | None]:
    """Name the lines of a head block: section, kicker, title, subtitle (dashes removed).

    Marked lines (——) decide; a leading ≤ 6-char line before more head lines is the section label;
    of two unmarked lines the first is the kicker (a 副题 below the title is printed with its ——, an
    引题 above it often without), of three the kicker, title and subtitle (positional default)."""
    head: dict[str, str | None] = {"section": None, "kicker": None, "title": None, "subtitle": None}
    rest: list[str] = []
    items = [ln.strip() for ln in lines if ln.strip()]
    if (
        len(items) >= 2
        and (is_known_section(items[0]) or is_short(items[0]))
        and subtitle_text(items[1]) is None
    ):
        head["section"] = items.pop(0)
    elif len(items) == 1 and is_known_section(items[0]):
        head["section"] = items.pop(0)
    for line in items:
        if head["kicker"] is None and head["title"] is None and not rest and kicker_text(line):
            head["kicker"] = kicker_text(line)
        elif subtitle_text(line) is not None and (head["title"] or rest):
            head["subtitle"] = subtitle_text(line)
        else:
            rest.append(line)
    if rest:
        if len(rest) >= 2 and head["kicker"] is None:
            # an unmarked line above the title is the 引题 (kicker); 副题 are printed with their dash
            head["kicker"] = rest.pop(0)
        head["title"] = rest[0]
        if len(rest) >= 2 and head["subtitle"] is None:
            head["subtitle"] = rest[1]
    return head
