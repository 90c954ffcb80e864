"""Compose the text stages for one article: clean → script → roles → rejoin → attribution → captions.

`process_article` serves crawled articles (head fields separate); `assemble` is the shared core that
page segmentation also uses for each story it finds, so both paths run the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.text.attribution import parse_byline_line, parse_dateline, split_end_credit
from pipelines.text.captions import attach_captions, split_caption, split_credit, split_glued, split_trailing
from pipelines.text.clean import clean_paragraph, clean_text, extract_continuations, leading_indent
from pipelines.text.headings import (
    is_crosshead_pair,
    join_crosshead,
    kicker_text,
    strip_dashes,
    subtitle_text,
)
from pipelines.text.rejoin import Block, classify_role, rejoin_blocks
from pipelines.text.script import detect_script, to_simplified
from pipelines.text.sentence import is_terminal
from schema.records import ArticleText, Byline, Caption, Continuation, Dateline, ImageRef


@dataclass
class Assembled:
    """ArticleText plus what only the page JSON shows (the `work` credit of each byline)."""

    text: ArticleText
    works: list[str | None] = field(default_factory=list)


def resolve_script(script: str | None, sample: str) -> str:
    """'hans' / 'hant'; a paper marked mixed (or unknown) is detected from its own text."""
    if script in ("hans", "hant"):
        return script
    return detect_script(sample)


def make_blocks(raw_paragraphs: list[str], continuations: list[Continuation]) -> list[Block]:
    """Raw paragraphs → cleaned one-line blocks with indentation marks; markers go to `continuations`."""
    pieces: list[tuple[str, int]] = []
    for raw in raw_paragraphs:
        if raw is None:
            continue
        indent = leading_indent(raw)
        for k, line in enumerate(clean_text(raw).split("\n")):
            if not line:
                continue
            line, found = extract_continuations(line)
            continuations.extend(found)
            if line:
                pieces.append((line, indent if k == 0 else 0))
    indented = sum(1 for _, ind in pieces if ind > 0)
    mixed = pieces and indented * 2 >= len(pieces) and indented < len(pieces)
    # indentation carries information only when some paragraph starts are not indented
    return [Block(text, "body", (None if ind > 0 else False) if mixed else None) for text, ind in pieces]


@dataclass
class Draft:
    """One story's text while the steps run: the ArticleText so far and what a later step reads."""

    text: ArticleText
    hant: bool
    works: list[str | None] = field(default_factory=list)
    joined: list[Block] = field(default_factory=list)  # the blocks after the column-break joins
    lead: tuple[Dateline | None, list[Byline]] = (
        None,
        [],
    )  # the dateline cut off the lead, with its reporters
    inline_credit: str | None = None  # reporters printed inside the dateline bracket: 本报讯(记者 乔植)
    credit_lines: list[str] = field(default_factory=list)  # byline and editor lines, in print order
    caption_lines: list[str] = field(default_factory=list)  # caption and credit lines, in print order
    byline_lines: list[str] = field(default_factory=list)
    body_captions: list[Caption] = field(default_factory=list)


def start_draft(
    head: dict[str, str | None] | None, continuations: list[Continuation] | None, hant: bool
) -> Draft:
    head = dict(head or {})
    text = ArticleText(
        kicker=head.get("kicker"),
        title=head.get("title"),
        subtitle=head.get("subtitle"),
        section=head.get("section"),
        continuations=list(continuations or []),
        script="hant" if hant else "hans",
    )
    return Draft(text, hant)


def assemble(
    blocks: list[Block],
    hant: bool,
    head: dict[str, str | None] | None = None,
    images: list[ImageRef] | None = None,
    continuations: list[Continuation] | None = None,
    first_is_lead: bool = True,
    photo_items: bool = True,
) -> Assembled:
    """Roles, dateline, bylines, editors, crossheads, captions and joins for one story's blocks.

    Three steps, the same the Scrapy stages run one by one (pipelines/stages.py); a new text rule goes
    into the step whose blocks or fields it reads:
    - rejoin_step: block roles, the head inside the body, the lead's dateline cut off, column-break
      joins, paragraphs and crossheads;
    - attribution_step: the dateline and its reporters, byline and editor lines, the body's end credit;
    - caption_step: captions and their credits, photo items and photo credits, captions on images.
    """
    draft = start_draft(head, continuations, hant)
    rejoin_step(draft, blocks, first_is_lead)
    attribution_step(draft)
    caption_step(draft, images, photo_items)
    return Assembled(draft.text, draft.works)


def rejoin_step(draft: Draft, blocks: list[Block], first_is_lead: bool = True) -> None:
    """Roles, the head inside the body, the lead's dateline cut off, joins, paragraphs and crossheads."""
    typed = _type_blocks(blocks, draft.hant)
    _head_from_body(draft.text, typed)
    _cut_lead_dateline(draft, typed, first_is_lead)
    # joins first (they may cross captions, bylines, crossheads), then read the non-body roles
    draft.joined, draft.text.joins = rejoin_blocks([b for b in typed if b.role != "used"])
    _read_roles(draft)


def attribution_step(draft: Draft) -> None:
    """The dateline and its reporters, bylines and editors of the credit lines, the body's end credit."""
    text = draft.text
    dateline, bylines = draft.lead
    text.dateline = dateline
    text.bylines.extend(bylines)
    draft.works.extend([None] * len(bylines))
    for line in draft.credit_lines:
        _read_credit_line(draft, line)
    _end_credit(draft)
    text.byline_text = " / ".join(draft.byline_lines) or draft.inline_credit


def caption_step(draft: Draft, images: list[ImageRef] | None, photo_items: bool = True) -> None:
    """Captions with their credits, a photo item's caption as its body, captions attached to images."""
    for line in draft.caption_lines:
        _read_caption(draft, line)
    text = draft.text
    if (
        photo_items
        and not text.paragraphs
        and draft.body_captions
        and not any(b.role in ("body",) for b in draft.joined)
    ):
        _photo_item(draft)
    elif text.paragraphs:
        _photo_credit_tail(text, draft.hant, draft.works, images or [])
    text.captions = attach_captions(draft.body_captions, images or [], draft.hant)


def _type_blocks(blocks: list[Block], hant: bool) -> list[Block]:
    """Split blocks that carry two roles (body with a glued caption), then classify each."""
    typed: list[Block] = []
    for block in blocks:
        if block.role == "fragment":  # known body (e.g. it carried a continuation marker)
            typed.append(Block(block.text, "body", block.indented))
            continue
        if block.role != "body":
            typed.append(block)
            continue
        role = classify_role(block.text, hant)
        if role == "body+caption":
            body, _ = split_trailing(block.text, hant)
            typed.append(Block(body, classify_role(body, hant), block.indented))
            typed.append(Block(block.text[len(body) :].strip(), "caption", block.indented))
        elif role == "caption+body":
            cap, rest = split_glued(block.text, hant)
            typed.append(Block(block.text[: len(block.text) - len(rest)].strip(), "caption", block.indented))
            typed.append(Block(rest, classify_role(rest, hant), block.indented))
        else:
            typed.append(Block(block.text, role, block.indented))
    return typed


def _head_from_body(text: ArticleText, typed: list[Block]) -> None:
    """The head may arrive inside the body (subtitle as first paragraph, kicker before the title)."""
    seen_body = False
    for block in typed:
        if block.role in ("body", "dateline"):
            seen_body = True
        if block.role == "subtitle" and not seen_body and text.subtitle is None:
            text.subtitle, block.role = subtitle_text(block.text), "used"
        elif block.role == "kicker" and not seen_body and text.kicker is None:
            text.kicker, block.role = kicker_text(block.text), "used"
        elif block.role in ("subtitle", "kicker"):
            block.role = "body"
        elif block.role == "series":
            text.section = text.section or block.text.strip("【】")
            block.role = "used"


def _cut_lead_dateline(draft: Draft, typed: list[Block], first_is_lead: bool) -> None:
    """Only the story's first body paragraph opens with a dateline (and its bracketed reporters): it is
    cut off here, before the joins, and kept on the draft for attribution_step."""
    hant = draft.hant
    first_body = next((b for b in typed if b.role in ("body", "dateline")), None)
    for block in typed:
        if block.role == "dateline" and block is not first_body:
            block.role = "body"
    if first_body is not None and first_body.role == "dateline" and first_is_lead:
        dateline, bylines, rest = parse_dateline(first_body.text, hant)
        draft.lead = (dateline, bylines)
        if bylines and dateline is not None:  # the reporters as printed in the dateline's bracket
            printed = first_body.text[: len(first_body.text) - len(rest)]
            draft.inline_credit = printed[len(dateline.text) :].strip(" \u3000()（）[]【】〔〕:：") or None
        first_body.text = rest
        first_body.role = "body" if rest else "used"
    elif first_body is not None and first_body.role == "dateline":
        first_body.role = "body"


def _read_roles(draft: Draft) -> None:
    """Joined blocks → paragraphs and crossheads; credit and caption lines kept for the later steps."""
    text, joined = draft.text, draft.joined
    pending_heads: list[str] = []

    def flush_heads() -> None:
        i = 0
        while i < len(pending_heads):
            if i + 1 < len(pending_heads) and is_crosshead_pair(pending_heads[i], pending_heads[i + 1]):
                text.crossheads.append(join_crosshead(pending_heads[i : i + 2]))
                i += 2
            else:
                text.crossheads.append(pending_heads[i].strip())
                i += 1
        pending_heads.clear()

    last_body = max(
        (
            i
            for i, b in enumerate(joined)
            if b.role in ("body", "dateline") and (len(b.text) >= 20 or is_terminal(b.text))
        ),
        default=-1,
    )
    for i, block in enumerate(joined):
        if block.role == "heading" and i > last_body:
            block.role = "body"  # nothing follows: a signature or date line, not a crosshead
        if block.role != "heading":
            flush_heads()
        if block.role in ("body", "dateline"):
            text.paragraphs.append(block.text)
        elif block.role == "heading":
            pending_heads.append(block.text)
        elif block.role in ("byline", "editor"):
            draft.credit_lines.append(block.text)
        elif block.role in ("caption", "credit"):
            draft.caption_lines.append(block.text)
    flush_heads()


def _read_credit_line(draft: Draft, line: str) -> None:
    credits = parse_byline_line(line, draft.hant)
    if credits is None:
        return
    draft.text.bylines.extend(credits.bylines)
    draft.works.extend([credits.work] * len(credits.bylines))
    draft.text.editors.extend(credits.editors)
    if credits.bylines:  # an editor credit (责任编辑：…) is not a byline
        draft.byline_lines.append(line.strip())


def _read_caption(draft: Draft, line: str) -> None:
    cap = split_caption(line, draft.hant)
    if cap is None:
        return
    captions = draft.body_captions
    if not cap.text and captions and captions[-1].credit is None:
        captions[-1].credit = cap.credit  # C6: a credit line under its caption
    elif cap.text:
        captions.append(cap)


def _end_credit(draft: Draft) -> None:
    """Body + end credit (…（編輯：陳承功）1151002): the credits leave the last paragraph."""
    text = draft.text
    if not text.paragraphs:
        return
    last, editors, end_bylines = split_end_credit(text.paragraphs[-1], draft.hant)
    if editors or end_bylines:
        text.editors.extend(editors)
        text.bylines.extend(end_bylines)
        draft.works.extend([None] * len(end_bylines))
        if last:
            text.paragraphs[-1] = last
        else:
            text.paragraphs.pop()


def _photo_item(draft: Draft) -> None:
    """A photo-news item: the caption is the article (C2) — body = caption text, credit = 摄影 byline."""
    text, hant = draft.text, draft.hant
    lead = draft.body_captions[0]
    if not lead.text.startswith(("▲", "△", "▼", "↑")):
        text.paragraphs.append(lead.text)
        if lead.credit:
            credits = parse_byline_line(lead.credit, hant)
            if credits:
                text.bylines.extend(b for b in credits.bylines if b.role == "摄影")
                draft.works.extend([None] * sum(1 for b in credits.bylines if b.role == "摄影"))


def _photo_credit_tail(
    text: ArticleText, hant: bool, works: list[str | None], images: list[ImageRef]
) -> None:
    """A one-paragraph photo item whose body ends in `本报记者 X 摄`: the credit is a 摄影 byline."""
    if len(text.paragraphs) != 1 or not images:
        return
    body, credit = split_credit(text.paragraphs[0], hant)
    if not credit or not body:
        return
    credits = parse_byline_line(credit, hant)
    if credits and any(b.role == "摄影" for b in credits.bylines):
        text.paragraphs[0] = body
        photo = [b for b in credits.bylines if b.role == "摄影"]
        text.bylines.extend(photo)
        works.extend([None] * len(photo))


def fill_simplified(text: ArticleText, region: str | None) -> None:
    """Traditional articles keep their text and gain simplified title/body for search."""
    if text.script == "hant":
        text.title_simplified = to_simplified(text.title, region) if text.title else None
        text.body_simplified = to_simplified(text.body, region) if text.paragraphs else None


def prepare(
    kicker: str | None, title: str | None, subtitle: str | None, paragraphs: list[str]
) -> tuple[dict[str, str | None], list[Block], list[Continuation]]:
    """The clean stage: head fields and body blocks cleaned, continuation markers taken out."""
    if paragraphs is None or isinstance(paragraphs, str):
        raise ValueError("process_article: paragraphs must be a list of strings")
    continuations: list[Continuation] = []
    head: dict[str, str | None] = {}
    for name, value in (("kicker", kicker), ("title", title), ("subtitle", subtitle)):
        if value is None:
            head[name] = None
            continue
        cleaned, found = extract_continuations(clean_paragraph(value))
        continuations.extend(found)
        head[name] = strip_dashes(cleaned, name) if name != "title" else (cleaned or None)
    return head, make_blocks(list(paragraphs), continuations), continuations


def process_article(
    kicker: str | None,
    title: str | None,
    subtitle: str | None,
    paragraphs: list[str],
    images: list[ImageRef] | None = None,
    script: str | None = "hans",
    region: str | None = "mainland",
) -> ArticleText:
    """All text stages for a crawled article whose head fields come separately from the HTML."""
    return process_article_full(kicker, title, subtitle, paragraphs, images, script, region).text


def process_article_full(
    kicker: str | None,
    title: str | None,
    subtitle: str | None,
    paragraphs: list[str],
    images: list[ImageRef] | None = None,
    script: str | None = "hans",
    region: str | None = "mainland",
) -> Assembled:
    """As process_article, also returning the byline work credits (文/图) for JSON output."""
    head, blocks, continuations = prepare(kicker, title, subtitle, paragraphs)
    hant = resolve_script(script, (head["title"] or "") + "".join(b.text for b in blocks[:3])) == "hant"
    result = assemble(blocks, hant, head, images, continuations)
    fill_simplified(result.text, region)
    return result


def editor_dict(b: Byline) -> dict[str, str | None]:
    return {"name": b.name, "role": b.role}
