"""The head grammar: line units → stories (which units open a story, which are crossheads, bylines, body).

A head block opens a story when it has a kicker/subtitle, is followed by a byline or dateline, or follows an
untitled/closed story — else its lines are crossheads; a dateline paragraph after body text opens a
title-less story; body after an end byline opens an orphan. Each role has its own step below; the section
of a labelled column (简讯 …) is carried over the items under it.
"""

from __future__ import annotations

from pipelines.text.captions import split_caption
from pipelines.text.headings import (
    assign_head,
    is_crosshead_pair,
    is_known_section,
    is_short,
    kicker_text,
    subtitle_text,
)
from pipelines.text.sentence import is_terminal
from pipelines.text.story_shapes import (
    Story,
    brief_column_item_done,
    column_item_done,
    continues,
    item_shaped,
    late_title,
    new_photo_date,
    next_content,
    photo_group,
    photo_item_head,
    signed_section,
    source_noted_item,
    verse_run,
    verse_under_head,
)
from pipelines.text.units import HEADISH, Unit, is_marked_caption, photo_credit_line, promote_comma_titles


def group_stories(units: list[Unit]) -> list[Story]:
    """The head grammar: which units open a story, which are crossheads, bylines, captions, body."""
    promote_comma_titles(units)
    grammar = _HeadGrammar(units)
    i = 0
    while i < len(units):
        i = grammar.read(i)
    return grammar.stories


class _HeadGrammar:
    """The walk over a page's units: the stories so far, the open one, and the column section carried."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = units
        self.stories: list[Story] = []
        self.current: Story | None = None
        self.carry_section: str | None = None  # a column label that carries over brief-shaped items
        self.pending_section: str | None = None

    def read(self, i: int) -> int:
        """Route unit i to the step of its role; the index of the next unit to read."""
        unit = self.units[i]
        role = unit.role
        if unit.opens and self.current is not None and (self.current.has_body or self.current.closed):
            self.open_story()  # the typesetting shows a new story here (its title was set as a picture)
        if role in HEADISH:
            return self.head_run(i)
        if role == "marker":
            if self.current is not None:
                self.current.continuations.extend(unit.continuations)
            return i + 1
        if role == "dateline":
            self.dateline(unit)
        elif role in ("byline", "editor"):
            self.credit_line(unit)
        elif role in ("caption", "credit", "caption+body"):
            self.caption(unit, i)
        elif role == "source":
            self.source(unit)
        else:  # body and anything unclassified
            self.body(unit)
        current = self.current
        current.continuations.extend(unit.continuations)  # type: ignore[union-attr]
        if any(c.direction == "to" for c in unit.continuations):
            current.closed = current.jumped = True  # type: ignore[union-attr]  # it goes on on another page
        return i + 1

    # ------------------------------------------------------------------ opening a story

    def open_story(self, head: dict[str, str | None] | None = None, orphan: bool = False) -> Story:
        """A new story; it takes the pending column label, or the carried one while the column lasts."""
        current, carry_section = self.current, self.carry_section
        in_column = (
            carry_section is not None and current is not None and current.head.get("section") == carry_section
        )
        story = Story(orphan=orphan)
        if head:
            story.head.update(head)
        if story.head.get("section"):
            self.pending_section = None
        elif self.pending_section and not orphan:
            story.head["section"] = self.pending_section
            self.pending_section = None
        elif carry_section and current is not None and not item_shaped(current):
            # the story under the label was no column item: the label named the page
            self.carry_section = None
        elif carry_section and (not orphan or in_column):
            story.head["section"] = carry_section
            story.section_carried = True
        self.stories.append(story)
        self.current = story
        return story

    # ------------------------------------------------------------------ head lines

    def head_run(self, i: int) -> int:
        """A run of head-like lines: verse, a poem, a column label, a new story's head, or crossheads."""
        units, n = self.units, len(self.units)
        if units[i].head_level is not None:
            return self.typeset_head(i)
        j = i
        while j < n and units[j].role in HEADISH and units[j].head_level is None:
            j += 1
        run = units[i:j]
        k = j
        while k < n and units[k].role in ("caption", "credit"):
            k += 1
        follow = units[k] if k < n else None
        signed_next = follow is not None and follow.role in ("byline", "dateline")
        if verse_under_head(self.current, run):
            return i + self.verse_lines(run, signed_next)
        lines = [u.text for u in run]
        if verse_run(run):
            self.poem(run, lines)
            return j
        marked = any(u.role in ("kicker", "subtitle") for u in run)
        if (
            len(run) == 1
            and not marked
            and is_known_section(lines[0])
            and follow is not None
            and follow.role in ("dateline", "body", "caption")
        ):
            # a column label right before title-less items
            self.pending_section = lines[0]
            self.carry_section = lines[0]
            return j
        current = self.current
        if self.opens_story(run, lines, marked, signed_next, j) and not (
            all(u.pair for u in run) and current is not None and not current.closed and not current.untitled
        ):
            self.headed_story(run, lines)
        else:
            self.crossheads(run)
        return j

    def opens_story(
        self, run: list[Unit], lines: list[str], marked: bool, signed_next: bool, end: int
    ) -> bool:
        """Does this head run open a story (rather than being crossheads of the open one)?"""
        current, units = self.current, self.units
        pair_like = len(run) == 2 and not marked and not run[0].pair and is_crosshead_pair(lines[0], lines[1])
        labelled = (
            len(run) >= 2
            and not run[0].pair
            and not pair_like
            and (is_known_section(lines[0]) or is_short(lines[0]))
        )
        return (
            current is None
            or marked
            or labelled
            or signed_next
            or current.untitled
            or current.closed
            or current.brief
            or column_item_done(current, self.carry_section)
            or (current.has_body and source_noted_item(units, end))
            or (current.has_body and photo_item_head(units, end))
            or (current.has_byline_head and current.has_body and signed_section(units, end))
        )

    def verse_lines(self, run: list[Unit], signed_next: bool) -> int:
        """A poem's lines under its title and author line; a last line followed by a byline is the next
        piece's title (a head is followed by its byline). The number of units taken."""
        current = self.current
        n_verse = len(run) - 1 if signed_next else len(run)
        for u in run[:n_verse]:
            current.add(u.text, "body", True)  # type: ignore[union-attr]
            current.continuations.extend(u.continuations)  # type: ignore[union-attr]
        current.brief_shaped = False  # type: ignore[union-attr]
        return n_verse

    def poem(self, run: list[Unit], lines: list[str]) -> None:
        """A poem: its title, then one paragraph per printed line (never joined)."""
        head_n = 2 if is_known_section(lines[0]) else 1
        story = self.open_story(assign_head(lines[:head_n]))
        story.brief_shaped = False
        self.carry_section = None
        for u in run[head_n:]:
            story.add(u.text, "body", True)
            story.continuations.extend(u.continuations)

    def typeset_head(self, i: int) -> int:
        """A head stack whose parts the typesetting named (PDF font sizes): kicker(s), title, subtitle(s)
        open a story; a short first kicker line that is a known section label is the section."""
        units, n = self.units, len(self.units)
        j, seen_title = i, False
        while j < n and units[j].head_level is not None:
            level = units[j].head_level
            if seen_title and level in ("kicker", "title") and units[j - 1].head_level != "title":
                break  # the next story's head follows at once
            seen_title = seen_title or level == "title"
            j += 1
        parts: dict[str, list[str]] = {"kicker": [], "title": [], "subtitle": []}
        for u in units[i:j]:
            parts[u.head_level or "title"].append(u.text)
        while j < n and units[j].head_level is None and units[j].role in ("subtitle", "kicker"):
            role = units[j].role  # a dash-marked line set in body type right under the head: part of it
            if parts[role]:
                break
            parts[role].append((subtitle_text if role == "subtitle" else kicker_text)(units[j].text) or units[j].text)
            j += 1
        run = units[i:j]
        head: dict[str, str | None] = {"section": None}
        if len(parts["kicker"]) >= 2 and is_known_section(parts["kicker"][0]):
            head["section"] = parts["kicker"].pop(0)
        for key, texts in parts.items():
            head[key] = "".join(texts) or None
        self.headed_story(run, [u.text for u in run], head)
        self.current.typeset = True  # type: ignore[union-attr]
        return j

    def headed_story(self, run: list[Unit], lines: list[str], head: dict[str, str | None] | None = None) -> None:
        """A story opened by its head block (section, kicker, title, subtitle)."""
        head = head or assign_head(lines)
        if head["section"]:
            self.carry_section = None
        story = self.open_story(head)
        story.brief_shaped = not (head["kicker"] or head["subtitle"])
        if head["section"]:
            self.carry_section = head["section"] if story.brief_shaped else None
        elif not story.brief_shaped:
            self.carry_section = None
        for u in run:
            story.continuations.extend(u.continuations)

    def crossheads(self, run: list[Unit]) -> None:
        current = self.current
        for u in run:
            current.add(u.text, "heading")  # type: ignore[union-attr]
            current.continuations.extend(u.continuations)  # type: ignore[union-attr]

    # ------------------------------------------------------------------ text lines

    def dateline(self, unit: Unit) -> None:
        """A dateline opens a story unless it is the first text under a head."""
        current = self.current
        if (
            current is None
            or current.has_body
            or current.closed
            or (current.blocks and not current.head.get("title") and current.orphan)
            or photo_group(current)
        ):
            current = self.open_story()
        current.has_dateline = True
        current.add(unit.text, "dateline")

    def credit_line(self, unit: Unit) -> None:
        """A byline or editor line: a photo credit, a head byline, a late title's byline, or an end byline."""
        current, role = self.current, unit.role
        if (
            role == "byline"
            and photo_credit_line(unit.text)
            and current is not None
            and current.blocks
            and current.blocks[-1].role == "caption"
            and split_caption(current.blocks[-1].text) is not None
            and split_caption(current.blocks[-1].text).credit is None  # type: ignore[union-attr]
        ):
            current.add(unit.text, "credit")  # C6: `本报记者 X 摄` under a caption that has no credit
            return
        if current is None:
            current = self.open_story()
        if role == "byline" and not current.has_body:
            current.has_byline_head = True
            current.brief_shaped = False
            self.carry_section = None
            if current.section_carried:
                current.head["section"] = None
        elif (
            role == "byline"
            and current.has_byline_head
            and not photo_credit_line(unit.text)
            and late_title(current)
        ):
            self.late_title_story(current)
        elif current.has_body:
            current.closed = True
            if (
                role == "byline"
                and current.section_carried
                and not unit.text.strip().startswith(("(", "（", "〔", "["))
            ):
                # a feature's own byline line: not one of the column's briefs (those sign in brackets)
                current.head["section"] = None
                self.carry_section = None
        self.current.add(unit.text, role)  # type: ignore[union-attr]

    def late_title_story(self, story: Story) -> None:
        """A second reporter byline right under a one-line "crosshead": that line was a new title."""
        k = max(i for i, b in enumerate(story.blocks) if b.role == "heading")
        moved = story.blocks[k + 1 :]
        title = story.blocks[k].text
        del story.blocks[k:]
        new = self.open_story({"title": title})
        new.brief_shaped = False
        new.has_byline_head = True
        for b in moved:
            new.add(b.text, b.role, b.indented)

    def caption(self, unit: Unit, i: int) -> None:
        """A caption (or its credit) joins the open story unless it starts a new photo item."""
        current, role = self.current, unit.role
        photo_item = not is_marked_caption(unit.text) and role != "credit"
        last_body = (
            next((b.text for b in reversed(current.blocks) if b.role in ("body", "dateline")), None)
            if current
            else None
        )
        if (
            current is None
            or (
                (photo_item or current.untitled)
                and not current.has_body
                and any(b.role == "caption" for b in current.blocks)
            )
            or (
                current.brief
                and last_body is not None
                and is_terminal(last_body)
                and next_content(self.units, i + 1) is None
            )
            or new_photo_date(current, unit.text)
            or (
                photo_item
                and current.has_body
                and last_body is not None
                and is_terminal(last_body)
                and next_content(self.units, i + 1) == "dateline"
            )
        ):
            current = self.open_story(orphan=False)
            current.head["section"] = None
        current.add(unit.text, "body" if role == "caption+body" else role)
        if role == "caption+body":
            current.has_body = True

    def source(self, unit: Unit) -> None:
        current = self.current
        if current is not None:
            current.add(unit.text, "source")
            if current.has_body:
                current.closed = True  # `（作者单位：…）`, `（据新华社电）` end a piece like an end byline

    def body(self, unit: Unit) -> None:
        """Body text: it opens an orphan after a closed story unless it reads on across the byline."""
        current = self.current
        if current is None:
            current = self.open_story(orphan=True)
        elif (
            unit.indented is False
            and _ends_sentence(current)
            and not continues(current, unit.text)
            and any(_dangles(s) for s in self.stories if s is not current)
        ):
            # typeset text (PDF): an unindented piece goes on a paragraph from another column; after a
            # finished sentence, while an earlier story stops mid-sentence, it is that story's tail
            current = self.open_story(orphan=True)
        elif current.closed and (current.jumped or not continues(current, unit.text)):
            current = self.open_story(orphan=True)
        elif current.closed and not current.jumped:
            # the text reads on across the byline: it was printed inside the story, not at its end
            current.closed = False
        elif brief_column_item_done(current, unit.text):
            # the next one-paragraph item of a 简讯 column (its dateline was not printed)
            current = self.open_story()
        current.add(unit.text, "fragment" if unit.role == "fragment" else "body", unit.indented)


def _ends_sentence(story: Story) -> bool:
    """The story's last text block (credits, captions after it aside) ends a sentence."""
    last = next((b for b in reversed(story.blocks) if b.role in ("body", "fragment", "dateline")), None)
    return last is not None and is_terminal(last.text)


def _dangles(story: Story) -> bool:
    """A story whose text stops mid-sentence with no end byline and no 下转 jump: its tail is elsewhere."""
    last = next((b for b in reversed(story.blocks) if b.role in ("body", "fragment", "dateline")), None)
    return last is not None and not story.closed and not story.jumped and not is_terminal(last.text)
