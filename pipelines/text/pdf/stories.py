"""Ordered blocks → line units with roles → stories, through the page-text segmenter's own steps.

Font size names the head: in a run of blocks set larger than the body, the largest is the title, the
lines above it the kicker (a short first one a section label), below it the subtitle; a bold or
slightly larger line inside the text is a head line whose part (crosshead or a brief's title) the head
grammar decides, as for plain text. Everything else is classified by the text rules (datelines,
bylines, captions …). A block under a picture in a smaller face is its caption; text set right under a
picture that is no caption opens a story (its title was set as a picture). The units then run through
pipelines.text.grouping, article.assemble and the head-after-tail repair, exactly as page text does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.text.clean import clean_text, extract_continuations
from pipelines.text.headings import is_crosshead_pair, join_crosshead, kicker_text, subtitle_text
from pipelines.text.pdf.extract import Box, PdfPage
from pipelines.text.pdf.layout import TextBlock, body_size, build_blocks, build_lines, column_edges, set_edges
from pipelines.text.pdf.order import place_floats, xy_cut
from pipelines.text.rejoin import classify_role
from pipelines.text.units import HEADISH, Unit, is_furniture

TITLE_RATIO = 1.45  # a title is set at least this much larger than the body
HEAD_RATIO = 1.12  # kickers, subtitles and crossheads at least this much (or bold)
CAPTION_RATIO = 0.96  # captions are set smaller than the body


@dataclass
class PlacedBlock:
    """A block with what the layout says about it."""

    block: TextBlock
    kind: str = "body"  # title | head | caption | body
    under_picture: bool = False


@dataclass
class PageText:
    """A page's blocks in reading order and the body size, ready to become units."""

    blocks: list[PlacedBlock] = field(default_factory=list)
    body_size: float = 10.0


def page_text(page: PdfPage) -> PageText:
    """Characters → blocks in reading order, each marked title / head / caption / body."""
    blocks = build_blocks(build_lines(page.chars))
    size = body_size(blocks)
    set_edges(blocks, column_edges([b for b in blocks if abs(b.size - size) <= 0.1 * size]))
    placed = [_place(b, size, page.images) for b in blocks]
    boxes = [b.block.box for b in placed]
    floats = [k for k, p in enumerate(placed) if p.kind == "caption"]
    rest = [k for k in range(len(placed)) if k not in set(floats)]
    # pictures take part in the cut (no band runs through a picture) and leave the order after it
    cut_boxes = [boxes[k] for k in rest] + list(page.images)
    order = xy_cut(cut_boxes, lambda i: i < len(rest) and placed[rest[i]].kind in ("title", "head"), size)
    ordered = place_floats([rest[i] for i in order if i < len(rest)], floats, boxes)
    return PageText([placed[k] for k in ordered], size)


def _place(block: TextBlock, size: float, images: list[Box]) -> PlacedBlock:
    bsize, box = block.size, block.box
    picture = _picture_above(box, images, size)
    if bsize >= TITLE_RATIO * size:
        return PlacedBlock(block, "title")
    if bsize >= HEAD_RATIO * size or (block.bold and bsize >= 0.98 * size):
        return PlacedBlock(block, "head", picture is not None)
    if picture is not None and bsize <= CAPTION_RATIO * size:
        return PlacedBlock(block, "caption", True)
    return PlacedBlock(block, "body", picture is not None)


def _picture_above(box: Box, images: list[Box], em: float) -> Box | None:
    """A picture ending right above the box (within two lines) and at least as wide as half of it."""
    for im in images:
        overlap = min(im.x1, box.x1) - max(im.x0, box.x0)
        if 0 <= box.y0 - im.y1 <= 2 * em and overlap >= 0.5 * min(box.width, im.width):
            return im
    return None


def units_of(blocks: list[PlacedBlock], size: float, hant: bool) -> list[Unit]:
    """The grammar's units: head runs by font size, the text's roles by the text rules."""
    units: list[Unit] = []
    k = 0
    while k < len(blocks):
        if blocks[k].kind in ("title", "head"):
            end = k
            while end < len(blocks) and blocks[end].kind in ("title", "head"):
                end += 1
            run = blocks[k:end]
            if any(b.kind == "title" for b in run):
                units.extend(_head_stack(run))
            elif len(run) == 2 and is_crosshead_pair(_clean(run[0].block.text), _clean(run[1].block.text)):
                # two parallel halves of one crosshead, set as two lines (as split_units joins them)
                pair = [_clean(run[0].block.text), _clean(run[1].block.text)]
                units.append(Unit(join_crosshead(pair), "heading", pair=True))
            else:
                for b in run:
                    units.extend(_text_units(b, hant, position=len(units)))
            k = end
            continue
        units.extend(_text_units(blocks[k], hant, position=len(units)))
        k += 1
    return [u for u in units if u.text or u.continuations]


def _head_stack(run: list[PlacedBlock]) -> list[Unit]:
    """Kicker(s) above the largest lines, the title, subtitle(s) below: a new story's head."""
    top = max(b.block.size for b in run)
    first = next(k for k, b in enumerate(run) if b.block.size >= top - 0.5)
    last = max(k for k, b in enumerate(run) if b.block.size >= top - 0.5)
    out: list[Unit] = []
    for k, b in enumerate(run):
        text = _clean(b.block.text)
        if not text:
            continue
        if k < first:
            level = "kicker"
            text = kicker_text(text) or text
        elif k <= last:
            level = "title"
        else:
            level = "subtitle"
            text = subtitle_text(text) or text
        out.append(Unit(text, "heading" if level == "title" else level, head_level=level))
    titles = [u for u in out if u.head_level == "title"]
    if len(titles) > 1:  # a title set over two blocks (two sizes of one face) is one title
        titles[0].text = "".join(u.text for u in titles)
        out = [u for u in out if u.head_level != "title" or u is titles[0]]
    return out


def _clean(text: str) -> str:
    return clean_text(text, fold_width=False).strip()


def _text_units(p: PlacedBlock, hant: bool, position: int) -> list[Unit]:
    """One unit per paragraph piece; roles by the text rules, a picture's small print as caption."""
    out: list[Unit] = []
    for n, piece in enumerate(p.block.pieces()):
        line, found = extract_continuations(_clean(piece.text))
        if not line and not found:
            continue
        if line and is_furniture(line, position + len(out)):
            continue
        if not line:
            out.append(Unit("", "marker", continuations=found))
            continue
        role = classify_role(line, hant)
        if p.kind == "caption" and role in ("body", "heading", *HEADISH):
            role = "caption"
        elif p.kind == "head" and role == "body":
            role = "heading"
        elif p.kind != "head" and role in ("heading", "series"):
            role = "body"  # a head line is set apart by its face; a short line in body type is text
        elif found and role in HEADISH:
            role = "fragment"
        unit = Unit(line, role, continuations=found, indented=piece.indented)
        unit.opens = (
            p.kind == "body" and p.under_picture and n == 0 and role in ("body", "dateline", "byline")
        )
        out.append(unit)
    return out
