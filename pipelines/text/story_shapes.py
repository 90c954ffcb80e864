"""A story under construction while the head grammar reads a page, and the shapes that decide its bounds.

Each predicate names one printed convention (a poem's verse lines, a photo group, a brief-news column,
a story signed once …); pipelines.text.grouping asks them whether a unit opens, continues or closes a story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.text.article import Assembled
from pipelines.text.attribution import split_end_credit
from pipelines.text.headings import is_brief_label, is_known_section
from pipelines.text.rejoin import Block, should_join
from pipelines.text.sentence import is_terminal
from pipelines.text.units import HEADISH, Unit, photo_credit_line
from schema.records import Continuation


@dataclass
class Story:
    head: dict[str, str | None] = field(
        default_factory=lambda: {"section": None, "kicker": None, "title": None, "subtitle": None}
    )
    blocks: list[Block] = field(default_factory=list)
    continuations: list[Continuation] = field(default_factory=list)
    orphan: bool = False  # opened by body text without any head
    closed: bool = False  # an end byline was seen
    jumped: bool = False  # a 下转 marker ended its text on this page
    has_body: bool = False
    has_byline_head: bool = False
    has_dateline: bool = False
    brief_shaped: bool = True
    section_carried: bool = False  # the section came from a column label above earlier items
    typeset: bool = False  # opened by a head the typesetting named (PDF font sizes)
    result: Assembled | None = None

    @property
    def brief(self) -> bool:
        """A news brief: opened by a dateline, no kicker/subtitle, no byline line under its head."""
        return self.has_dateline and self.brief_shaped and not self.has_byline_head

    @property
    def untitled(self) -> bool:
        return self.head.get("title") is None and self.head.get("kicker") is None

    def add(self, text: str, role: str, indented: bool | None = None) -> None:
        self.blocks.append(Block(text, role, indented))
        if role in ("body", "dateline", "fragment"):
            self.has_body = True


def brief_column_item_done(story: Story, text: str) -> bool:
    """In a brief-news column (简讯, 快讯…) every item is one paragraph: after an item opened by its
    dateline has a complete paragraph, a body line that does not continue it is the next item."""
    if not story.brief or not is_brief_label(story.head.get("section")) or story.head.get("title"):
        return False
    bodies = [b for b in story.blocks if b.role in ("body", "dateline", "fragment")]
    return len(bodies) >= 1 and is_terminal(bodies[-1].text) and not should_join(bodies[-1].text, text)


def photo_group(story: Story) -> bool:
    """A head over two or more photos and no text is a picture story (组图): a dateline after it opens
    the next story — a text story prints its dateline before, not after, a row of photos."""
    captions = sum(1 for b in story.blocks if b.role == "caption")
    enough = captions >= 2 or (captions == 1 and story.untitled)  # or one head-less photo item
    return not story.has_body and enough and all(b.role in ("caption", "credit") for b in story.blocks)


def verse_run(run: list[Unit]) -> bool:
    """Four or more unpunctuated short lines in a row are no head block (a head has at most section,
    kicker, title, subtitle): it is a poem (副刊) — a title and its verse lines."""
    if len(run) < 5 or any(u.role != "heading" or u.pair for u in run):
        return False
    lines = [u.text.strip() for u in run]
    body = lines[2:] if is_known_section(lines[0]) else lines[1:]
    return len(body) >= 4 and all(len(x) <= 20 and not is_known_section(x) for x in body)


def verse_under_head(story: Story | None, run: list[Unit]) -> bool:
    """Four or more short unpunctuated lines right under a titled, signed head with no text yet are the
    verse of a poem (副刊: title, author, lines), not a head block."""
    if story is None or story.has_body or not story.head.get("title") or not story.has_byline_head:
        return False
    return len(run) >= 4 and all(
        u.role == "heading" and not u.pair and len(u.text.strip()) <= 20 and not is_known_section(u.text)
        for u in run
    )


def source_noted_item(units: list[Unit], start: int) -> bool:
    """A head whose few paragraphs end in a source note (`（据新华社电）`) is a reprinted item of its own:
    the note credits a whole item, never one section of another story."""
    k = start
    while k < len(units) and units[k].role in ("body", "fragment", "caption", "credit"):
        k += 1
    bodies = sum(1 for u in units[start:k] if u.role in ("body", "fragment"))
    return 0 < bodies <= 3 and k < len(units) and units[k].role == "source"


def item_shaped(story: Story) -> bool:
    """An item of a labelled column is text without a photo. A label over a photo story or over a
    story with its picture names the page, not a column of items."""
    return story.has_body and not any(b.role == "caption" for b in story.blocks)


_CAPTION_DATE = re.compile(r"^[▲△▼↑\s]*(?:图为)?[:：]?\s*(\d{1,2}月\d{1,2}日)")


def new_photo_date(story: Story, caption: str) -> bool:
    """Photo news dates its caption (`▲5月12日，…`); the photos of one group show one event, so only the
    first caption carries the date. A later caption opening with a different date is another item."""
    if story.has_body:
        return False
    captions = [b.text for b in story.blocks if b.role == "caption"]
    if not captions:
        return False
    first = _CAPTION_DATE.match(captions[0])
    this = _CAPTION_DATE.match(caption)
    return first is not None and this is not None and first.group(1) != this.group(1)


def photo_item_head(units: list[Unit], start: int) -> bool:
    """A head whose only content is a photo caption (图片新闻: head, picture, caption with its credit)
    is a photo item of its own: a crosshead is always followed by body text."""
    k = start
    while k < len(units) and units[k].role in ("caption", "credit"):
        k += 1
    if k == start or (k < len(units) and units[k].role not in HEADISH and units[k].role != "dateline"):
        return False
    return True


def signed_section(units: list[Unit], start: int) -> bool:
    """A story is signed once, under its head or at its end (conventions 4.6 B6): a section after a
    heading line that ends in its own reporter credit (`…。（记者 A 通讯员 B）`), inside a story already
    signed under its head, is another story whose head was printed as a one-line title."""
    k = start
    last_body: str | None = None
    while k < len(units) and units[k].role in ("body", "fragment", "caption", "credit"):
        if units[k].role in ("body", "fragment"):
            last_body = units[k].text
        k += 1
    if last_body is None or (k < len(units) and units[k].role not in HEADISH and units[k].role != "dateline"):
        return False
    _, editors, bylines = split_end_credit(last_body)
    return bool(bylines) and any(b.role != "摄影" for b in bylines)


def column_item_done(story: Story, column: str | None) -> bool:
    """Inside a labelled column of short items (简讯, 快訊, 簡報), an item is a head and one or two
    complete paragraphs, unsigned at its head: the next head line opens the next item, not a crosshead."""
    if column is None or story.head.get("section") != column or story.has_byline_head:
        return False
    bodies = [b for b in story.blocks if b.role in ("body", "dateline", "fragment")]
    others = [b for b in story.blocks if b.role not in ("body", "dateline", "fragment", "caption", "credit")]
    return 0 < len(bodies) <= 2 and not others and is_terminal(bodies[-1].text)


def late_title(story: Story) -> bool:
    """The story's last heading has at most one body block after it and nothing else (see the byline rule)."""
    heads = [i for i, b in enumerate(story.blocks) if b.role == "heading"]
    if not heads:
        return False
    after = story.blocks[heads[-1] + 1 :]
    return len(after) <= 1 and all(b.role in ("body", "fragment") for b in after)


def next_content(units: list[Unit], start: int) -> str | None:
    """Role of the next unit that is not a caption or credit (None at the page end)."""
    for unit in units[start:]:
        if unit.role not in ("caption", "credit") and not (
            unit.role == "byline" and photo_credit_line(unit.text)
        ):
            return unit.role
    return None


def continues(story: Story, text: str) -> bool:
    """After an end byline: does this body text continue the story's last paragraph (interleaved byline)?"""
    last = next((b.text for b in reversed(story.blocks) if b.role in ("body", "dateline")), None)
    return last is not None and not is_terminal(last) and should_join(last, text)
