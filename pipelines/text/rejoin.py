"""Paragraph roles first, then column-break joins between body paragraphs only.

Captions, bylines and credits end without sentence punctuation, so joining before classifying would
glue them into the body. A join may cross an interleaved caption, byline or crosshead (which keeps its
role and leaves the body); it never crosses a sentence end, a story heading or a list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.text.attribution import parse_byline_line, parse_dateline
from pipelines.text.captions import split_caption, split_glued, split_trailing
from pipelines.text.headings import is_heading_like, is_notice_line, kicker_text, subtitle_text
from pipelines.text.lexicon import (
    CONTINUATION_START,
    DANGLING_END,
    DIGIT_UNITS,
    LEADING_CLOSERS,
    OPENERS,
    PARTICLE_START,
    alternation,
)
from pipelines.text.sentence import is_terminal

# roles a column-break join may cross (they move out of the body). A crosshead opens a new section of
# the story, so text after it never continues the paragraph before it: headings are barriers.
INTERLEAVED = frozenset({"caption", "credit", "byline", "editor", "source", "empty"})
BODY = frozenset({"body", "dateline"})

_LIST_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、是]|\d{1,2}[、．](?!\d)|\d{1,2}\.(?!\d)|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|[●■□◆◇▲△·•]|第[一二三四五六七八九十]{1,3}[，,、]|其[一二三四五六七八九十][，,、是])"
)
_LABEL_VALUE = re.compile(r"^[^:：，。]{1,10}[:：]")
_SERIES = re.compile(r"^【[^】]{2,24}】$")
_OPENER = re.compile(rf"^(?:{alternation(OPENERS)})[，,]")
_SPEECH_OPENER = re.compile(r"^[“「『\"][^”」』\"]{1,80}?[。！？!?…][”」』\"]")
_SOURCE = re.compile(r"^[(（](?:据|载|来源[:：]?|作者单位[:：]|作者系|作者为)\s*[^()（）]{2,40}[)）]$")


@dataclass
class Block:
    """One paragraph-sized piece of text with its role; `indented` when the source marks paragraph starts."""

    text: str
    role: str = "body"
    indented: bool | None = None


def classify_role(text: str, hant: bool = False) -> str:
    """Role of one cleaned paragraph (first match wins)."""
    t = text.strip()
    if not t:
        return "empty"
    cap, _ = split_glued(t, hant)
    if cap is not None and (t.startswith(("▲", "△", "▼", "↑", "图为")) or len(cap.text) <= 160):
        return "caption+body"
    if _SOURCE.match(t):
        return "source"  # `(据新华社电)`: neither byline nor body
    if any(m in t[1:] for m in ("▲", "△")) and split_trailing(t, hant)[1] is not None:
        return "body+caption"
    credits = parse_byline_line(t, hant)
    if credits is not None:
        return "editor" if credits.editors and not credits.bylines else "byline"
    caption = split_caption(t, hant)
    if caption is not None:
        return "credit" if not caption.text else "caption"
    dateline, bylines, _ = parse_dateline(t, hant)
    if dateline is not None or bylines:
        return "dateline"
    if subtitle_text(t) is not None:
        return "subtitle"
    if kicker_text(t) is not None:
        return "kicker"
    if _SERIES.match(t):
        return "series"
    if is_heading_like(t):
        return "heading"
    return "body"


def is_list_item(text: str) -> bool:
    return bool(_LIST_ITEM.match(text))


def _tabular(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return len(text) >= 6 and digits * 2 >= len(text.replace(" ", ""))


def should_join(a: str, b: str, b_indented: bool | None = None) -> bool:
    """Does body paragraph `b` continue body paragraph `a` across a column break? (rules 1–10, 13)."""
    a, b = a.rstrip(), b.lstrip()
    if not a or not b:
        return False
    if b[0] in LEADING_CLOSERS:  # 1 closing-start
        return True
    if a[-1].isdigit() and (b[0].isdigit() or b[0] in DIGIT_UNITS):  # 2 digit-unit
        return True
    if is_terminal(a):  # 3
        return False
    if _OPENER.match(b):  # `如今，…` opens a paragraph: text is missing after a, not a column break
        return False
    if _SPEECH_OPENER.match(b):
        # `“……。”某某说`: a paragraph that opens with a whole quoted sentence starts a new paragraph;
        # a cut phrase (`…三个村的`) never runs on into a complete sentence in quotes
        return False
    if b_indented is True:  # 4
        return False
    if b_indented is False:  # 5
        return True
    if is_list_item(b):  # 6
        return False
    if (_LABEL_VALUE.match(a) and _LABEL_VALUE.match(b)) or is_notice_line(b):  # 7 notice lines stay apart
        return False
    if _tabular(a) and _tabular(b):
        return False
    if len(a) > 25:  # 8 long fragment
        return True
    if ("，" in a or "," in a) and len(a) >= 8:  # 8b a clause with a comma is no heading
        return True
    if a[-1] in DANGLING_END:  # 9 dangling end
        return True
    return b[0] in CONTINUATION_START  # 10 continuation start; 13 otherwise keep the break


def strong_join(a: str, b: str) -> bool:
    """Evidence of a cut sentence that holds even for a short piece (rules 1, 2, 9, 10)."""
    a, b = a.rstrip(), b.lstrip()
    if not a or not b:
        return False
    if b[0] in LEADING_CLOSERS or (a[-1].isdigit() and (b[0].isdigit() or b[0] in DIGIT_UNITS)):
        return True
    if is_terminal(a) or is_list_item(b):
        return False
    return a[-1] in DANGLING_END or b[0] in PARTICLE_START


_SKIP = frozenset({"caption", "credit", "byline", "editor", "empty"})


def _neighbours(blocks: list[Block], i: int) -> tuple[Block | None, Block | None]:
    """The nearest non-interleaved blocks before and after block i."""
    nxt = next((b for b in blocks[i + 1 :] if b.role not in _SKIP), None)
    prev = next((b for b in reversed(blocks[:i]) if b.role not in _SKIP), None)
    return prev, nxt


def is_inset_crosshead(head: str, prev: Block | None, nxt: Block | None) -> bool:
    """A crosshead the make-up dropped into a cut sentence (`…由原来的` / crosshead / `“一年一遇”提升到…`):
    the body on its two sides reads as one sentence while the head itself does not run into the text
    after it. Like a caption or byline between the halves, it leaves the paragraph whole."""
    return (
        prev is not None
        and nxt is not None
        and prev.role in BODY
        and nxt.role == "body"
        and not is_terminal(prev.text)
        # `联系电话：…` before a signature or date is a notice's tail, not a cut sentence
        and not _LABEL_VALUE.match(prev.text)
        and strong_join(prev.text, nxt.text)
        and not strong_join(head, nxt.text)
    )


def promote_fragments(blocks: list[Block]) -> None:
    """A heading-like line that a cut sentence runs through is body, not a crosshead (in place)."""
    for i, block in enumerate(blocks):
        if block.role != "heading":
            continue
        prev, nxt = _neighbours(blocks, i)
        if nxt is not None and nxt.role == "body" and strong_join(block.text, nxt.text):
            block.role = "body"
        elif (
            prev is not None
            and prev.role in BODY
            and not is_terminal(prev.text)
            and strong_join(prev.text, block.text)
            and not is_inset_crosshead(block.text, prev, nxt)
        ):
            block.role = "body"


def glue(a: str, b: str) -> str:
    a, b = a.rstrip(), b.lstrip()
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    return a + b


def _verse_line(text: str) -> bool:
    """A short line with its own punctuation (副刊 verse: `槐花白，` / `槐花香，`)."""
    return 0 < len(text) <= 12 and text.rstrip()[-1] in "，,。！？；、!?;"


def _short_open(text: str) -> bool:
    return len(text) <= 15 and not is_terminal(text)


def rejoin_blocks(blocks: list[Block]) -> tuple[list[Block], int]:
    """Join body blocks cut by column breaks; interleaved captions/bylines/crossheads stay as they are.

    Returns the new block list (order kept, joined bodies merged into the first piece) and the join count."""
    promote_fragments(blocks)
    out: list[Block] = []
    open_body: int | None = None  # index in `out` of the body block a later one may continue
    joins = 0
    for i, block in enumerate(blocks):
        if block.role == "heading" and open_body is not None:
            prev, nxt = _neighbours(blocks, i)
            if is_inset_crosshead(block.text, prev, nxt):
                out.append(Block(block.text, block.role, block.indented))
                continue  # the paragraph before it stays open across the crosshead
        if block.role in BODY:
            if block.role == "body" and open_body is not None:
                prev = out[open_body]
                verse = (
                    _short_open(prev.text)
                    and _short_open(block.text)
                    and open_body > 0
                    and _short_open(out[open_body - 1].text)
                    and out[open_body - 1].role in BODY
                )
                verse = verse or (_verse_line(prev.text) and _verse_line(block.text))
                if not verse and should_join(prev.text, block.text, block.indented):
                    prev.text = glue(prev.text, block.text)
                    joins += 1
                    continue
            out.append(Block(block.text, block.role, block.indented))
            open_body = len(out) - 1
        elif block.role in INTERLEAVED:
            out.append(Block(block.text, block.role, block.indented))
        else:
            out.append(Block(block.text, block.role, block.indented))
            open_body = None
    return out, joins


def rejoin(
    paragraphs: list[str], indented: list[bool | None] | None = None, hant: bool = False
) -> tuple[list[str], int]:
    """Convenience: classify, join, and return only the body paragraphs and the join count."""
    marks = indented or [None] * len(paragraphs)
    blocks = [Block(p, classify_role(p, hant), marks[i]) for i, p in enumerate(paragraphs)]
    out, joins = rejoin_blocks(blocks)
    return [b.text for b in out if b.role in BODY], joins
