"""Page plain text → articles in reading order (the `epaper segment` JSON shape).

Steps: split the page into line units and classify each (rejoin.classify_role); group units into stories
with the head grammar (a head block opens a story when it has a kicker/subtitle, is followed by a byline
or dateline, or follows an untitled/closed story — else its lines are crossheads); a dateline paragraph
after body text opens a title-less story; body after an end byline opens an orphan; then each story runs
through article.assemble (the same rules as crawled articles). Last, orphans whose text clearly reads on
into exactly one dangling story (head after tail) are attached to it; all others stay apart, title null.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.text.article import Assembled, assemble, editor_dict, resolve_script
from pipelines.text.attribution import byline_dict, parse_byline_line, split_end_credit
from pipelines.text.captions import caption_dict, has_caption_mark, split_caption
from pipelines.text.clean import FROM_WORDS, JUMP_MARKERS, clean_text, extract_continuations
from pipelines.text.headings import (
    assign_head,
    is_brief_label,
    is_crosshead_pair,
    is_known_section,
    is_notice_line,
    is_short,
    join_crosshead,
)
from pipelines.text.lexicon import (
    CAPTION_MARKS,
    FURNITURE_PATTERNS,
    HAN,
    MAX_HEADING_LEN,
    PAPER_SUFFIX_RE,
    fold,
)
from pipelines.text.rejoin import Block, classify_role, glue, is_list_item, should_join, strong_join
from pipelines.text.sentence import is_terminal
from schema.records import ArticleText, Continuation

HEADISH = frozenset({"heading", "kicker", "subtitle", "series"})
MAX_PAGE_CHARS = 20_000_000


@dataclass
class Unit:
    """One line (or a two-line crosshead) of the page with its role."""

    text: str
    role: str
    pair: bool = False  # a two-line crosshead already joined
    continuations: list[Continuation] = field(default_factory=list)
    indented: bool | None = None  # True: printed with a paragraph indent on a page that indents paragraphs


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


def _is_marked_caption(text: str) -> bool:
    return text.lstrip().startswith(CAPTION_MARKS)


def promote_comma_titles(units: list[Unit]) -> None:
    """A short clause line with a comma (`凌晨4点，菜市场里的“守秤人”`) standing right above a reporter's
    byline line and not after body text is a title: heads may carry a comma, a byline follows a head,
    and a cut sentence never stands between a head (or the page top) and a byline (in place)."""
    for k, unit in enumerate(units[:-1]):
        if unit.role != "body" or unit.indented or not _comma_head_shape(unit.text):
            continue  # an indented line is a paragraph start, not a head
        nxt = units[k + 1]
        if nxt.role != "byline" or _photo_credit_line(nxt.text):
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


def group_stories(units: list[Unit]) -> list[Story]:
    """The head grammar: which units open a story, which are crossheads, bylines, captions, body."""
    promote_comma_titles(units)
    stories: list[Story] = []
    current: Story | None = None
    carry_section: str | None = None  # a column label that carries over brief-shaped items
    pending_section: str | None = None

    def open_story(head: dict[str, str | None] | None = None, orphan: bool = False) -> Story:
        nonlocal current, carry_section, pending_section
        in_column = (
            carry_section is not None and current is not None and current.head.get("section") == carry_section
        )
        story = Story(orphan=orphan)
        if head:
            story.head.update(head)
        if story.head.get("section"):
            pending_section = None
        elif pending_section and not orphan:
            story.head["section"] = pending_section
            pending_section = None
        elif carry_section and current is not None and not _item_shaped(current):
            carry_section = None  # the story under the label was no column item: the label named the page
        elif carry_section and (not orphan or in_column):
            story.head["section"] = carry_section
            story.section_carried = True
        stories.append(story)
        current = story
        return story

    i = 0
    n = len(units)
    while i < n:
        unit = units[i]
        role = unit.role
        if role in HEADISH:
            j = i
            while j < n and units[j].role in HEADISH:
                j += 1
            run = units[i:j]
            k = j
            while k < n and units[k].role in ("caption", "credit"):
                k += 1
            follow = units[k] if k < n else None
            lines = [u.text for u in run]
            marked = any(u.role in ("kicker", "subtitle") for u in run)
            if _verse_under_head(current, run):
                # a poem's lines under its title and author line; a last line followed by a byline is
                # the next piece's title (a head is followed by its byline)
                n_verse = len(run) - 1 if follow is not None and follow.role in ("byline", "dateline") else len(run)
                for u in run[:n_verse]:
                    current.add(u.text, "body", True)  # type: ignore[union-attr]
                    current.continuations.extend(u.continuations)  # type: ignore[union-attr]
                current.brief_shaped = False  # type: ignore[union-attr]
                i += n_verse
                continue
            verse = _verse_run(run)
            if verse:
                # a poem: its title, then one paragraph per printed line (never joined)
                head_n = 2 if is_known_section(lines[0]) else 1
                story = open_story(assign_head(lines[:head_n]))
                story.brief_shaped = False
                carry_section = None
                for u in run[head_n:]:
                    story.add(u.text, "body", True)
                    story.continuations.extend(u.continuations)
                i = j
                continue
            pair_like = (
                len(run) == 2 and not marked and not run[0].pair and is_crosshead_pair(lines[0], lines[1])
            )
            labelled = (
                len(run) >= 2
                and not run[0].pair
                and not pair_like
                and (is_known_section(lines[0]) or is_short(lines[0]))
            )
            opens = (
                current is None
                or marked
                or labelled
                or (follow is not None and follow.role in ("byline", "dateline"))
                or current.untitled
                or current.closed
                or current.brief
                or _column_item_done(current, carry_section)
                or (current.has_body and _source_noted_item(units, j))
                or (current.has_body and _photo_item_head(units, j))
                or (current.has_byline_head and current.has_body and _signed_section(units, j))
            )
            if (
                len(run) == 1
                and not marked
                and is_known_section(lines[0])
                and follow is not None
                and follow.role in ("dateline", "body", "caption")
            ):
                # a column label right before title-less items
                pending_section = lines[0]
                carry_section = lines[0]
                i = j
                continue
            if opens and not (
                all(u.pair for u in run)
                and current is not None
                and not current.closed
                and not current.untitled
            ):
                head = assign_head(lines)
                if head["section"]:
                    carry_section = None
                story = open_story(head)
                story.brief_shaped = not (head["kicker"] or head["subtitle"])
                if head["section"]:
                    carry_section = head["section"] if story.brief_shaped else None
                elif not story.brief_shaped:
                    carry_section = None
                for u in run:
                    story.continuations.extend(u.continuations)
            else:
                for u in run:
                    current.add(u.text, "heading")  # type: ignore[union-attr]
                    current.continuations.extend(u.continuations)  # type: ignore[union-attr]
            i = j
            continue

        if role == "dateline":
            if (
                current is None
                or current.has_body
                or current.closed
                or (current.blocks and not current.head.get("title") and current.orphan)
                or _photo_group(current)
            ):
                open_story()
            current.has_dateline = True  # type: ignore[union-attr]
            current.add(unit.text, "dateline")  # type: ignore[union-attr]
        elif (
            role == "byline"
            and _photo_credit_line(unit.text)
            and current is not None
            and current.blocks
            and current.blocks[-1].role == "caption"
            and (last_caption := split_caption(current.blocks[-1].text)) is not None
            and last_caption.credit is None
        ):
            current.add(unit.text, "credit")  # C6: `本报记者 X 摄` under a caption that has no credit
        elif role in ("byline", "editor"):
            if current is None:
                open_story()
            if role == "byline" and not current.has_body:  # type: ignore[union-attr]
                current.has_byline_head = True  # type: ignore[union-attr]
                current.brief_shaped = False  # type: ignore[union-attr]
                carry_section = None
                if current.section_carried:  # type: ignore[union-attr]
                    current.head["section"] = None  # type: ignore[union-attr]
            elif (
                role == "byline"
                and current.has_byline_head  # type: ignore[union-attr]
                and not _photo_credit_line(unit.text)
                and _late_title(current)  # type: ignore[arg-type]
            ):
                # a second reporter byline right under a one-line "crosshead": that line was a new title
                k = max(i for i, b in enumerate(current.blocks) if b.role == "heading")  # type: ignore[union-attr]
                moved = current.blocks[k + 1 :]  # type: ignore[union-attr]
                title = current.blocks[k].text  # type: ignore[union-attr]
                del current.blocks[k:]  # type: ignore[union-attr]
                story = open_story({"title": title})
                story.brief_shaped = False
                story.has_byline_head = True
                for b in moved:
                    story.add(b.text, b.role, b.indented)
            elif current.has_body:  # type: ignore[union-attr]
                current.closed = True  # type: ignore[union-attr]
                if (
                    role == "byline"
                    and current.section_carried  # type: ignore[union-attr]
                    and not unit.text.strip().startswith(("(", "（", "〔", "["))
                ):
                    # a feature's own byline line: not one of the column's briefs (those sign in brackets)
                    current.head["section"] = None  # type: ignore[union-attr]
                    carry_section = None
            current.add(unit.text, role)  # type: ignore[union-attr]
        elif role in ("caption", "credit", "caption+body"):
            photo_item = not _is_marked_caption(unit.text) and role != "credit"
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
                    and _next_content(units, i + 1) is None
                )
                or _new_photo_date(current, unit.text)
                or (
                    photo_item
                    and current.has_body
                    and last_body is not None
                    and is_terminal(last_body)
                    and _next_content(units, i + 1) == "dateline"
                )
            ):
                open_story(orphan=False)
                current.head["section"] = None  # type: ignore[union-attr]
            current.add(unit.text, "body" if role == "caption+body" else role)  # type: ignore[union-attr]
            if role == "caption+body":
                current.has_body = True  # type: ignore[union-attr]
        elif role == "source":
            if current is not None:
                current.add(unit.text, "source")
                if current.has_body:
                    current.closed = True  # `（作者单位：…）`, `（据新华社电）` end a piece like an end byline
        elif role == "marker":
            if current is not None:
                current.continuations.extend(unit.continuations)
            i += 1
            continue
        else:  # body and anything unclassified
            if current is None:
                open_story(orphan=True)
            elif current.closed and (current.jumped or not _continues(current, unit.text)):
                open_story(orphan=True)
            elif current.closed and not current.jumped:
                # the text reads on across the byline: it was printed inside the story, not at its end
                current.closed = False
            elif _brief_column_item_done(current, unit.text):
                open_story()  # the next one-paragraph item of a 简讯 column (its dateline was not printed)
            current.add(unit.text, "fragment" if role == "fragment" else "body", unit.indented)  # type: ignore[union-attr]
        current.continuations.extend(unit.continuations)  # type: ignore[union-attr]
        if any(c.direction == "to" for c in unit.continuations):
            current.closed = current.jumped = True  # type: ignore[union-attr]  # it goes on on another page
        i += 1
    return stories


def _brief_column_item_done(story: Story, text: str) -> bool:
    """In a brief-news column (简讯, 快讯…) every item is one paragraph: after an item opened by its
    dateline has a complete paragraph, a body line that does not continue it is the next item."""
    if not story.brief or not is_brief_label(story.head.get("section")) or story.head.get("title"):
        return False
    bodies = [b for b in story.blocks if b.role in ("body", "dateline", "fragment")]
    return len(bodies) >= 1 and is_terminal(bodies[-1].text) and not should_join(bodies[-1].text, text)


def _photo_group(story: Story) -> bool:
    """A head over two or more photos and no text is a picture story (组图): a dateline after it opens
    the next story — a text story prints its dateline before, not after, a row of photos."""
    captions = sum(1 for b in story.blocks if b.role == "caption")
    enough = captions >= 2 or (captions == 1 and story.untitled)  # or one head-less photo item
    return not story.has_body and enough and all(b.role in ("caption", "credit") for b in story.blocks)


def _verse_run(run: list[Unit]) -> bool:
    """Four or more unpunctuated short lines in a row are no head block (a head has at most section,
    kicker, title, subtitle): it is a poem (副刊) — a title and its verse lines."""
    if len(run) < 5 or any(u.role != "heading" or u.pair for u in run):
        return False
    lines = [u.text.strip() for u in run]
    body = lines[2:] if is_known_section(lines[0]) else lines[1:]
    return len(body) >= 4 and all(len(x) <= 20 and not is_known_section(x) for x in body)


def _verse_under_head(story: Story | None, run: list[Unit]) -> bool:
    """Four or more short unpunctuated lines right under a titled, signed head with no text yet are the
    verse of a poem (副刊: title, author, lines), not a head block."""
    if story is None or story.has_body or not story.head.get("title") or not story.has_byline_head:
        return False
    return len(run) >= 4 and all(
        u.role == "heading" and not u.pair and len(u.text.strip()) <= 20 and not is_known_section(u.text)
        for u in run
    )


def _source_noted_item(units: list[Unit], start: int) -> bool:
    """A head whose few paragraphs end in a source note (`（据新华社电）`) is a reprinted item of its own:
    the note credits a whole item, never one section of another story."""
    k = start
    while k < len(units) and units[k].role in ("body", "fragment", "caption", "credit"):
        k += 1
    bodies = sum(1 for u in units[start:k] if u.role in ("body", "fragment"))
    return 0 < bodies <= 3 and k < len(units) and units[k].role == "source"


def _item_shaped(story: Story) -> bool:
    """An item of a labelled column is text without a photo. A label over a photo story or over a
    story with its picture names the page, not a column of items."""
    return story.has_body and not any(b.role == "caption" for b in story.blocks)


_CAPTION_DATE = re.compile(r"^[▲△▼↑\s]*(?:图为)?[:：]?\s*(\d{1,2}月\d{1,2}日)")


def _new_photo_date(story: Story, caption: str) -> bool:
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


def _photo_item_head(units: list[Unit], start: int) -> bool:
    """A head whose only content is a photo caption (图片新闻: head, picture, caption with its credit)
    is a photo item of its own: a crosshead is always followed by body text."""
    k = start
    while k < len(units) and units[k].role in ("caption", "credit"):
        k += 1
    if k == start or (k < len(units) and units[k].role not in HEADISH and units[k].role != "dateline"):
        return False
    return True


def _signed_section(units: list[Unit], start: int) -> bool:
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


def _column_item_done(story: Story, column: str | None) -> bool:
    """Inside a labelled column of short items (简讯, 快訊, 簡報), an item is a head and one or two
    complete paragraphs, unsigned at its head: the next head line opens the next item, not a crosshead."""
    if column is None or story.head.get("section") != column or story.has_byline_head:
        return False
    bodies = [b for b in story.blocks if b.role in ("body", "dateline", "fragment")]
    others = [b for b in story.blocks if b.role not in ("body", "dateline", "fragment", "caption", "credit")]
    return 0 < len(bodies) <= 2 and not others and is_terminal(bodies[-1].text)


def _late_title(story: Story) -> bool:
    """The story's last heading has at most one body block after it and nothing else (see the byline rule)."""
    heads = [i for i, b in enumerate(story.blocks) if b.role == "heading"]
    if not heads:
        return False
    after = story.blocks[heads[-1] + 1 :]
    return len(after) <= 1 and all(b.role in ("body", "fragment") for b in after)


def _next_content(units: list[Unit], start: int) -> str | None:
    """Role of the next unit that is not a caption or credit (None at the page end)."""
    for unit in units[start:]:
        if unit.role not in ("caption", "credit") and not (
            unit.role == "byline" and _photo_credit_line(unit.text)
        ):
            return unit.role
    return None


def _photo_credit_line(text: str) -> bool:
    credits = parse_byline_line(text, hant=True)  # t2s leaves simplified text as it is
    return bool(credits and credits.bylines) and all(b.role == "摄影" for b in credits.bylines)  # type: ignore[union-attr]


def _continues(story: Story, text: str) -> bool:
    """After an end byline: does this body text continue the story's last paragraph (interleaved byline)?"""
    last = next((b.text for b in reversed(story.blocks) if b.role in ("body", "dateline")), None)
    return last is not None and not is_terminal(last) and should_join(last, text)


# --------------------------------------------------------------------------- head-after-tail repair

_BIGRAM = re.compile(rf"(?=([{HAN}]{{2}}))")
_COMMON = frozenset(
    "我们 他们 一个 这个 没有 已经 目前 今年 去年 同时 进行 开展 工作 相关 负责 负责人 表示 介绍 记者 本报 通过 可以 "
    "不断 进一步 一些 这些 发展 建设 服务 活动 群众 我市 全市 市民 社区 企业 部门 有关 以来 时候 现在 当天 近日".split()
)


def _bigrams(text: str) -> set[str]:
    return {m.group(1) for m in _BIGRAM.finditer(text)} - _COMMON


def _cohesion(a: str, b: str, page: dict[str, int]) -> int:
    """Shared bigrams of two texts that are rare on the page (names, places, topic words)."""
    return sum(1 for g in _bigrams(a) & _bigrams(b) if page.get(g, 0) <= 2)


def _page_freq(stories: list[Story]) -> dict[str, int]:
    freq: dict[str, int] = {}
    for s in stories:
        if s.result is not None:
            for g in _bigrams(" ".join(s.result.text.paragraphs)):
                freq[g] = freq.get(g, 0) + 1
    return freq


def _is_dangling(s: Story) -> bool:
    t = s.result.text  # type: ignore[union-attr]
    return (
        bool(t.paragraphs)
        and not is_terminal(t.paragraphs[-1])
        and not any(c.direction == "to" for c in t.continuations)
    )


def _belongs(text: ArticleText, k: int, d_text: str, n_d: int, freq: dict[str, int]) -> bool:
    """Paragraph k shares ≥ 2 page-rare bigrams with d_text and, size for size, 4× more than with the text before it."""
    before = " ".join([text.title or "", *text.paragraphs[:k]])
    c_d = _cohesion(text.paragraphs[k], d_text, freq)
    c_s = _cohesion(text.paragraphs[k], before, freq)
    return c_d >= 2 and (c_d / n_d) > 4 * (c_s + 1) / max(len(_bigrams(before)), 1)


def split_foreign_runs(stories: list[Story]) -> None:
    """A headless run inside a titled story that belongs to a later dangling story (head after tail,
    seed page) is cut out as an orphan; the text after it, which neither story explains, becomes an
    untitled story. Belonging: the paragraph shares ≥ 2 page-rare bigrams with the later story and,
    relative to each text's size, over 4× as many as with the story so far."""
    freq = _page_freq(stories)
    out: list[Story] = []
    for si, story in enumerate(stories):
        out.append(story)
        text = story.result.text if story.result else None
        if text is None or story.orphan or len(text.paragraphs) < 4:
            continue
        later = [d for d in stories[si + 1 :] if d.result is not None and not d.orphan and _is_dangling(d)]
        cut = None
        for d in later:
            dt = d.result.text  # type: ignore[union-attr]
            d_text = " ".join([dt.title or "", dt.kicker or "", dt.subtitle or "", *dt.paragraphs])
            n_d = max(len(_bigrams(d_text)), 1)

            def belongs(k: int, text: ArticleText = text, d_text: str = d_text, n_d: int = n_d) -> bool:
                return _belongs(text, k, d_text, n_d, freq)

            for k in range(2, len(text.paragraphs)):
                if is_terminal(text.paragraphs[k - 1]) and belongs(k):
                    end = k + 1
                    while end < len(text.paragraphs) and belongs(end):
                        end += 1
                    cut = (k, end)
                    break
            if cut:
                break
        if not cut:
            continue
        k, end = cut
        paras = text.paragraphs
        text.paragraphs = paras[:k]
        for chunk, orphan in ((paras[k:end], True), (paras[end:], False)):
            if chunk:
                piece = Story(orphan=orphan)
                piece.result = Assembled(ArticleText(paragraphs=list(chunk), script=text.script))
                out.append(piece)
    stories[:] = out


def repair_order(stories: list[Story]) -> None:
    """Attach an orphan tail to the one dangling story that it reads on from (in place)."""
    results = [s.result for s in stories]
    if any(r is None for r in results):
        return
    doc_freq: dict[str, int] = {}
    for s in stories:
        for g in _bigrams(" ".join(s.result.text.paragraphs)):  # type: ignore[union-attr]
            doc_freq[g] = doc_freq.get(g, 0) + 1

    def dangling(s: Story) -> bool:
        paras = s.result.text.paragraphs  # type: ignore[union-attr]
        return (
            bool(paras)
            and not is_terminal(paras[-1])
            and not any(c.direction == "to" for c in s.result.text.continuations)  # type: ignore[union-attr]
        )

    used: set[int] = set()
    for oi, orphan in enumerate(stories):
        if not orphan.orphan or not orphan.result.text.paragraphs:  # type: ignore[union-attr]
            continue
        first = orphan.result.text.paragraphs[0]  # type: ignore[union-attr]
        orphan_text = " ".join(orphan.result.text.paragraphs)  # type: ignore[union-attr]
        candidates = []
        for di, story in enumerate(stories):
            if di == oi or di in used or story.orphan or not dangling(story):
                continue
            if di < oi:
                continue  # head after tail: the story's start comes later on the page
            last = story.result.text.paragraphs[-1]  # type: ignore[union-attr]
            cohesion = _cohesion(" ".join(story.result.text.paragraphs), orphan_text, doc_freq)  # type: ignore[union-attr]
            if (strong_join(last, first) and cohesion >= 1) or (
                # the page opens with the tail: a cut sentence that reads on (should_join) is evidence
                # enough when the two texts also share two page-rare words (names, topic words)
                oi == 0 and should_join(last, first) and cohesion >= 2
            ):
                candidates.append(di)
        if len(candidates) != 1:
            continue
        target = stories[candidates[0]]
        t, o = target.result.text, orphan.result.text  # type: ignore[union-attr]
        t.paragraphs[-1] = glue(t.paragraphs[-1], o.paragraphs[0])
        t.paragraphs.extend(o.paragraphs[1:])
        t.joins += 1 + o.joins
        t.captions.extend(o.captions)
        t.crossheads.extend(o.crossheads)
        t.continuations.extend(o.continuations)
        target.result.works.extend(orphan.result.works)  # type: ignore[union-attr]
        t.bylines.extend(o.bylines)
        used.add(candidates[0])
        orphan.result = None
    stories[:] = [s for s in stories if s.result is not None]


# --------------------------------------------------------------------------- public API


def gaps_of(paragraphs: list[str]) -> list[dict[str, object]]:
    """Where text is missing inside a story: a non-final paragraph that stops mid-sentence."""
    return [
        {"after_paragraph": k, "reason": "missing-text"}
        for k, p in enumerate(paragraphs[:-1])
        if not is_terminal(p)
    ]


def article_json(story: Story) -> dict[str, object]:
    text = story.result.text  # type: ignore[union-attr]
    works = story.result.works  # type: ignore[union-attr]
    return {
        "section": text.section,
        "kicker": text.kicker,
        "title": text.title,
        "subtitle": text.subtitle,
        "dateline": None
        if text.dateline is None
        else {
            "text": text.dateline.text,
            "organisation": text.dateline.organisation,
            "place": text.dateline.place,
            "date": text.dateline.date,
        },
        "bylines": [byline_dict(b, works[k] if k < len(works) else None) for k, b in enumerate(text.bylines)],
        "crossheads": list(text.crossheads),
        "captions": [caption_dict(c) for c in text.captions],
        "paragraphs": list(text.paragraphs),
        "gaps": gaps_of(text.paragraphs),
        "editors": [editor_dict(e) for e in text.editors],  # 责任编辑, 校对 … (never bylines)
    }


def segment_stories(text: str, script: str | None = None) -> list[Story]:
    """Stories with their assembled ArticleText (for callers that want records, not JSON)."""
    if text is None:
        raise ValueError("segment_page expects page text, got None")
    if not isinstance(text, str):
        raise ValueError(f"segment_page expects str, got {type(text).__name__}")
    if len(text) > MAX_PAGE_CHARS:
        raise ValueError(f"page text of {len(text)} characters is larger than the {MAX_PAGE_CHARS} limit")
    hant = resolve_script(script, text[:4000]) == "hant"
    stories = group_stories(split_units(text, hant))
    for story in stories:
        story.result = assemble(
            story.blocks,
            hant,
            story.head,
            None,
            story.continuations,
            first_is_lead=not story.orphan,
            photo_items=False,
        )
        story.result.works += [None] * (len(story.result.text.bylines) - len(story.result.works))
    split_foreign_runs(stories)
    repair_order(stories)
    return [s for s in stories if s.result is not None and _has_content(s)]


def _has_content(story: Story) -> bool:
    t = story.result.text  # type: ignore[union-attr]
    return bool(t.title or t.kicker or t.paragraphs or t.captions or t.bylines)


def segment_page(text: str, script: str | None = None) -> list[dict[str, object]]:
    """Page plain text → articles in reading order, in the corpus ARTICLE JSON shape."""
    return [article_json(s) for s in segment_stories(text, script)]


def segment_command(path: str | Path, as_json: bool = False, script: str | None = None) -> str:
    """`epaper segment FILE [--json]`: JSON, or a readable outline of each article."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"no such file: {p}")
    articles = segment_page(p.read_text(encoding="utf-8"), script)
    if as_json:
        return json.dumps(articles, ensure_ascii=False, indent=2)
    lines: list[str] = []
    for k, a in enumerate(articles, 1):
        lines.append(f"#{k} {a['title'] or '(untitled)'}")
        for key in ("section", "kicker", "subtitle"):
            if a[key]:
                lines.append(f"   {key}: {a[key]}")
        if a["dateline"]:
            lines.append(f"   dateline: {a['dateline']['text']}")  # type: ignore[index]
        for b in a["bylines"]:  # type: ignore[attr-defined]
            work = f" ({b['work']})" if b.get("work") else ""
            lines.append(f"   byline: {b['role'] or ''} {b['name'] or ''}".rstrip() + work)
        for e in a["editors"]:  # type: ignore[attr-defined]
            lines.append(f"   editor: {e['role'] or ''} {e['name'] or ''}".rstrip())
        for c in a["crossheads"]:  # type: ignore[attr-defined]
            lines.append(f"   crosshead: {c}")
        for c in a["captions"]:  # type: ignore[attr-defined]
            lines.append(f"   caption: {c['text']}" + (f" [{c['credit']}]" if c["credit"] else ""))
        paras = a["paragraphs"]
        lines.append(f"   paragraphs: {len(paras)}")  # type: ignore[arg-type]
        for g in a["gaps"]:  # type: ignore[attr-defined]
            lines.append(f"   gap after paragraph {g['after_paragraph']}: {g['reason']}")
    return "\n".join(lines) + ("\n" if lines else "")


__all__ = ["segment_page", "segment_stories", "segment_command", "has_caption_mark"]
