"""Page plain text → line units, each with its role: the first step of page segmentation.

Blocks are separated by blank lines; each printed line is a unit (two short lines may be one crosshead).
Page furniture (masthead, printed date, 导读 entries) is left out, and a comma line standing over a
reporter's byline is promoted to a title before the head grammar (pipelines.text.grouping) reads the units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.text.attribution import parse_byline_line
from pipelines.text.clean import FROM_WORDS, JUMP_MARKERS, clean_text, extract_continuations
from pipelines.text.headings import is_crosshead_pair, is_notice_line, is_short, join_crosshead
from pipelines.text.lexicon import (
    CAPTION_MARKS,
    FURNITURE_PATTERNS,
    HAN,
    MAX_HEADING_LEN,
    PAPER_SUFFIX_RE,
    fold,
)
from pipelines.text.rejoin import classify_role, is_list_item
from pipelines.text.sentence import is_terminal
from schema.records import Continuation

HEADISH = frozenset({"heading", "kicker", "subtitle", "series"})


@dataclass
class Unit:
    """One line (or a two-line crosshead) of the page with its role."""

    text: str
    role: str
    pair: bool = False  # a two-line crosshead already joined
    continuations: list[Continuation] = field(default_factory=list)
    indented: bool | None = None  # True: printed with a paragraph indent on a page that indents paragraphs
    # what a page's typesetting says (PDF text: font sizes, pictures); plain text leaves them unset
    head_level: str | None = None  # kicker | title | subtitle: a head stack set in larger type
    opens: bool = False  # the first text under a picture that is no caption (a title set as a picture)


_FURNITURE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PATTERNS))
_MASTHEAD = re.compile(rf"^[{HAN}]{{2,8}}(?:{PAPER_SUFFIX_RE})$")


def is_furniture(line: str, position: int) -> bool:
    """Masthead lines (paper name at the page top, the printed date) and 导读 entries are no articles."""
    line = fold(line)
    return bool(_FURNITURE.match(line)) or (position < 3 and bool(_MASTHEAD.match(line)))


def split_units(text: str, hant: bool) -> list[Unit]:
    """Blocks are separated by blank lines; each line is a unit, two short lines may be one crosshead."""
    units: list[Unit] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for raw_block in re.split(r"\n[ \t\u3000]*\n", text):
        raw_lines = [piece for ln in raw_block.split("\n") if ln.strip() for piece in _split_after_jump(ln)]
        k = 0
        while k < len(raw_lines):
            raw = raw_lines[k]
            line = clean_text(raw, fold_width=False).strip()
            line, found = extract_continuations(line)
            nxt = clean_text(raw_lines[k + 1], fold_width=False).strip() if k + 1 < len(raw_lines) else None
            if (
                nxt
                and is_crosshead_pair(raw.rstrip("\n") if raw.endswith(("  ", "\u3000")) else line, nxt)
                and len(raw_lines) == 2
            ):
                units.append(Unit(join_crosshead([line, nxt]), "heading", pair=True, continuations=found))
                k += 2
                continue
            if line and is_furniture(line, len(units)) and not _notice_contact(line, units):
                k += 1
                continue
            if line:
                role = classify_role(line, hant)
                if found and role in HEADISH:
                    role = "fragment"  # a crosshead never carries a 下转/上接 marker: a cut piece of body
                units.append(Unit(line, role, continuations=found, indented=_indent_of(raw) or None))
            elif found:
                units.append(Unit("", "marker", continuations=found))
            k += 1
    if sum(1 for u in units if u.indented) < 2:
        for u in units:  # a page that does not indent its paragraphs says nothing by an indent
            u.indented = None
    return units


def _notice_contact(line: str, units: list[Unit]) -> bool:
    """A `投稿邮箱：…` line under other `label：value` lines is the last line of a notice (征稿启事),
    not the page's contact furniture."""
    return bool(units) and is_notice_line(line) and is_notice_line(units[-1].text)


def _indent_of(raw: str) -> bool:
    """A paragraph start is printed with an ideographic (or two-space) indent; a column-break piece is not."""
    return raw.startswith(("\u3000", "  ", "\u00a0\u00a0"))


def _split_after_jump(line: str) -> list[str]:
    """`…能夠（轉A4版）多名市民…`: text after a 下转 marker belongs to another story — its own line."""
    if "转" not in line and "轉" not in line:
        return [line]
    for m in JUMP_MARKERS.finditer(line):
        if m.group("dir") not in FROM_WORDS and len(line) - m.end() >= 10:
            return [line[: m.end()], *_split_after_jump(line[m.end() :])]
    return [line]


def is_marked_caption(text: str) -> bool:
    return text.lstrip().startswith(CAPTION_MARKS)


def promote_comma_titles(units: list[Unit]) -> None:
    """A short clause line with a comma (`凌晨4点，菜市场里的“守秤人”`) standing right above a reporter's
    byline line and not after body text is a title: heads may carry a comma, a byline follows a head,
    and a cut sentence never stands between a head (or the page top) and a byline (in place)."""
    for k, unit in enumerate(units[:-1]):
        if unit.role != "body" or unit.indented or not _comma_head_shape(unit.text):
            continue  # an indented line is a paragraph start, not a head
        nxt = units[k + 1]
        if nxt.role != "byline" or photo_credit_line(nxt.text):
            continue
        prev = units[k - 1] if k > 0 else None
        if prev is not None and (
            prev.role in ("body", "fragment", "caption+body", "dateline")
            or (prev.role in HEADISH and not is_short(prev.text))
        ):
            continue  # after body text, or right under a title (then it is the first paragraph)
        unit.role = "heading"


def _comma_head_shape(text: str) -> bool:
    t = text.strip()
    return (
        0 < len(t) <= MAX_HEADING_LEN
        and ("，" in t or "," in t)
        and "。" not in t
        and not is_terminal(t)
        and not is_list_item(t)
        and not is_notice_line(t)
    )


def photo_credit_line(text: str) -> bool:
    credits = parse_byline_line(text, hant=True)  # t2s leaves simplified text as it is
    return bool(credits and credits.bylines) and all(b.role == "摄影" for b in credits.bylines)  # type: ignore[union-attr]
