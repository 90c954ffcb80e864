"""Characters → lines → blocks → paragraph pieces, by geometry alone.

A line is a run of characters on one baseline with no gap wider than a gutter; a block is a stack of
lines of one style (size, weight) in one column; a block is cut into pieces where a line is indented
or the line above it stops short of the column edge. Pieces keep whether they open with an indent,
which the rejoin rules read (a piece at a column top without indent continues the paragraph).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from functools import cached_property

from pipelines.text.pdf.extract import Box, Char

GAP_EM = 0.9  # a horizontal gap wider than this (in ems) separates two columns, not two characters
LEADING_EM = 1.0  # lines of a block are at most this far apart (gap between boxes, in ems)
INDENT_EM = 0.8  # a line starting this far right of its block's edge is indented
SHORT_EM = 1.2  # a line ending this far left of its block's right edge ends a paragraph


@dataclass
class Line:
    chars: list[Char]

    def add(self, chars: list[Char]) -> None:
        self.chars.extend(chars)
        self.__dict__.pop("box", None)  # the cached extent is stale

    @cached_property
    def box(self) -> Box:
        """The inked extent: spaces (an indent printed as U+3000) do not count."""
        chars = [c for c in self.chars if not c.text.isspace()] or self.chars
        return Box(
            min(c.x0 for c in chars),
            min(c.y0 for c in chars),
            max(c.x1 for c in chars),
            max(c.y1 for c in chars),
        )

    @property
    def size(self) -> float:
        return statistics.median(c.size for c in self.chars)

    @property
    def bold(self) -> bool:
        return sum(c.bold for c in self.chars) * 2 > len(self.chars)

    @property
    def text(self) -> str:
        out: list[str] = []
        prev: Char | None = None
        for c in self.chars:
            if prev is not None and _spaced(prev, c):
                out.append(" ")
            out.append(c.text)
            prev = c
        return re.sub(r" +", " ", "".join(out)).strip(" \u3000")  # an inner U+3000 stays as printed


def _spaced(a: Char, b: Char) -> bool:
    """A gap the page leaves without a space character (`本报记者  张三`, Latin words) reads as a space."""
    if a.text.isspace() or b.text.isspace():
        return False
    gap = b.x0 - a.x1
    em = max(a.size, b.size)
    return gap > 0.4 * em or (gap > 0.2 * em and (a.text.isascii() or b.text.isascii()))


@dataclass
class Piece:
    """A paragraph, or the part of one in a single block (column)."""

    text: str
    box: Box
    indented: bool | None


@dataclass
class TextBlock:
    lines: list[Line] = field(default_factory=list)
    edge: float | None = None  # the left edge of the column it stands in, when the page shows it

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.__dict__.pop("box", None)

    @cached_property
    def box(self) -> Box:
        boxes = [ln.box for ln in self.lines]
        return Box(
            min(b.x0 for b in boxes),
            min(b.y0 for b in boxes),
            max(b.x1 for b in boxes),
            max(b.y1 for b in boxes),
        )

    @property
    def size(self) -> float:
        return statistics.median(ln.size for ln in self.lines)

    @property
    def bold(self) -> bool:
        return sum(ln.bold for ln in self.lines) * 2 > len(self.lines)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces())

    def pieces(self) -> list[Piece]:
        """Cut at indents and short lines; each piece's `indented` is None when undecidable (one line)."""
        box, em = self.box, self.size
        out: list[list[Line]] = []
        for k, ln in enumerate(self.lines):
            lb = ln.box
            starts = (
                k == 0
                or lb.x0 - box.x0 >= INDENT_EM * em
                or self.lines[k - 1].box.x1 < box.x1 - SHORT_EM * em
            )
            if starts:
                out.append([ln])
            else:
                out[-1].append(ln)
        pieces = []
        for group in out:
            first = group[0].box
            # a one-line block has no edge of its own to measure an indent from: its column's, if known
            if len(self.lines) > 1:
                indented: bool | None = first.x0 - box.x0 >= INDENT_EM * em
            elif self.edge is not None and -0.3 * em <= first.x0 - self.edge <= 3 * em:
                indented = first.x0 - self.edge >= INDENT_EM * em
            else:
                indented = None
            text = _join_lines(
                [g.text for g in group],
                [g.chars[-1].text.isspace() or g.chars[0].text.isspace() for g in group],
            )
            pieces.append(Piece(text, TextBlock(group).box, indented))
        return pieces


def _join_lines(lines: list[str], spaced: list[bool] | None = None) -> str:
    """Chinese lines run on without a space; Latin words broken over two lines get one, and so does a
    break the page printed a space at (`嵐港市推3項措施 改善交通安全` broken at its space)."""
    out = ""
    for k, ln in enumerate(lines):
        if out and ((_latin(out[-1]) and _latin(ln[:1])) or (spaced and (spaced[k - 1] or spaced[k]))):
            out += " "
        out += ln
    return out


def build_lines(chars: list[Char]) -> list[Line]:
    """Characters in content order → lines; lines cut by the content order but on one row are merged."""
    lines: list[Line] = []
    for c in chars:
        if lines and _continues_line(lines[-1], c):
            lines[-1].add([c])
        else:
            lines.append(Line([c]))
    lines.sort(key=lambda ln: (round(ln.box.y0), ln.box.x0))
    merged: list[Line] = []
    for ln in lines:
        target = next((m for m in reversed(merged[-8:]) if _same_row_next(m, ln)), None)
        if target is not None:
            target.add(ln.chars)
        else:
            merged.append(ln)
    for ln in merged:
        ln.chars.sort(key=lambda c: c.x0)  # the extent does not change
    return [ln for ln in merged if ln.text]


def _continues_line(line: Line, c: Char) -> bool:
    last = line.chars[-1]
    overlap = min(last.y1, c.y1) - max(last.y0, c.y0)
    height = min(last.y1 - last.y0, c.y1 - c.y0) or 1.0
    em = max(last.size, c.size, 1.0)
    return (
        overlap >= 0.5 * height
        and -0.3 * em <= c.x0 - last.x1 <= GAP_EM * em
        and abs(c.size - last.size) <= 0.2 * em
    )


def _same_row_next(a: Line, b: Line) -> bool:
    ab, bb = a.box, b.box
    overlap = min(ab.y1, bb.y1) - max(ab.y0, bb.y0)
    em = max(a.size, b.size, 1.0)
    return (
        overlap >= 0.5 * min(ab.height, bb.height)
        and -0.3 * em <= bb.x0 - ab.x1 <= GAP_EM * em
        and abs(a.size - b.size) <= 0.2 * em
    )


def build_blocks(lines: list[Line]) -> list[TextBlock]:
    """Lines (top to bottom) → blocks: a line joins the nearest block above it of its style and column."""
    blocks: list[TextBlock] = []
    for ln in sorted(lines, key=lambda x: (x.box.y0, x.box.x0)):
        best: TextBlock | None = None
        best_gap = 0.0
        for b in blocks:
            gap = _stack_gap(b, ln)
            if gap is not None and (best is None or gap < best_gap):
                best, best_gap = b, gap
        if best is None:
            blocks.append(TextBlock([ln]))
        else:
            best.add(ln)
    return blocks


def _stack_gap(block: TextBlock, ln: Line) -> float | None:
    """The vertical gap when `ln` can be the next line of `block` (same style, column and leading)."""
    last = block.lines[-1]
    lb, nb = last.box, ln.box
    em = max(last.size, 1.0)
    if abs(ln.size - last.size) > 0.1 * em or ln.bold != last.bold:
        return None
    gap = nb.y0 - lb.y1
    if gap < -0.3 * em or gap > LEADING_EM * em:
        return None
    bx = block.box
    overlap = min(bx.x1, nb.x1) - max(bx.x0, nb.x0)
    if overlap < 0.5 * min(bx.width, nb.width) or nb.x0 < bx.x0 - 3 * em or nb.x0 > bx.x0 + 3 * em:
        return None
    return gap


def body_size(blocks: list[TextBlock]) -> float:
    """The size most characters are set in: the page's body text."""
    weights: dict[float, int] = {}
    for b in blocks:
        for ln in b.lines:
            key = round(ln.size * 2) / 2
            weights[key] = weights.get(key, 0) + len(ln.chars)
    return max(weights, key=lambda k: weights[k]) if weights else 10.0


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def column_edges(blocks: list[TextBlock]) -> list[float]:
    """Left edges of the page's text columns: where blocks of two or more lines start."""
    return sorted({round(b.box.x0, 1) for b in blocks if len(b.lines) > 1})


def set_edges(blocks: list[TextBlock], edges: list[float]) -> None:
    """Give each one-line block the column edge at or just left of it (within 3 ems)."""
    for b in blocks:
        if len(b.lines) == 1:
            x0, em = b.box.x0, b.size
            near = [e for e in edges if -0.3 * em <= x0 - e <= 3 * em]
            b.edge = max(near) if near else None
