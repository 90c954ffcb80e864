"""Reading order across columns: a recursive XY-cut over the page's blocks.

A region is cut where a gap runs across it: horizontally (rows, read top to bottom) or vertically
(columns, read left to right). Horizontal cuts come first, except one right under a head (a title
belongs with the text below it): then columns are cut first, so side-by-side stories stay whole.
Captions are floats: they leave the cut (a picture with its caption may span two columns of one
story) and return after the last block above them in their column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipelines.text.pdf.extract import Box

MIN_ROW_GAP_EM = 0.5  # a row band is wider than the space between two lines of text
MIN_COLUMN_GAP_EM = 0.5  # a gutter is at least half an em wide


def xy_cut(boxes: Sequence[Box], is_head: Callable[[int], bool], em: float) -> list[int]:
    """Indexes of `boxes` in reading order."""
    return _cut(list(range(len(boxes))), boxes, is_head, em)


def _cut(idx: list[int], boxes: Sequence[Box], is_head: Callable[[int], bool], em: float) -> list[int]:
    if len(idx) <= 1:
        return idx
    rows = _groups(idx, boxes, vertical=False, min_gap=MIN_ROW_GAP_EM * em)
    cols = _groups(idx, boxes, vertical=True, min_gap=MIN_COLUMN_GAP_EM * em)
    if len(rows) > 1:
        good = _merge_head_cuts(rows, boxes, is_head)
        if len(good) > 1:
            return [i for g in good for i in _cut(g, boxes, is_head, em)]
    if len(cols) > 1:
        return [i for g in cols for i in _cut(g, boxes, is_head, em)]
    if len(rows) > 1:
        return [i for g in rows for i in _cut(g, boxes, is_head, em)]
    return sorted(idx, key=lambda i: (boxes[i].y0, boxes[i].x0))


def _groups(idx: list[int], boxes: Sequence[Box], vertical: bool, min_gap: float) -> list[list[int]]:
    """Split at every band of at least min_gap that no box crosses (columns if vertical, else rows)."""

    def span(i: int) -> tuple[float, float]:
        b = boxes[i]
        return (b.x0, b.x1) if vertical else (b.y0, b.y1)

    ordered = sorted(idx, key=lambda i: span(i))
    groups: list[list[int]] = [[ordered[0]]]
    reach = span(ordered[0])[1]
    for i in ordered[1:]:
        lo, hi = span(i)
        if lo - reach >= min_gap:
            groups.append([i])
        else:
            groups[-1].append(i)
        reach = max(reach, hi)
    return groups


def _merge_head_cuts(
    rows: list[list[int]], boxes: Sequence[Box], is_head: Callable[[int], bool]
) -> list[list[int]]:
    """Rows joined back where the row above ends in a head (its lowest box is a title, kicker …)."""
    out: list[list[int]] = [list(rows[0])]
    for row in rows[1:]:
        above = out[-1]
        lowest = max(above, key=lambda i: boxes[i].y1)
        if is_head(lowest):
            out[-1].extend(row)
        else:
            out.append(list(row))
    return out


def place_floats(order: list[int], floats: list[int], boxes: Sequence[Box]) -> list[int]:
    """Each float (a caption) goes after the last ordered box above it that shares its columns, else
    before the nearest box below it there, else last."""
    out = list(order)
    for f in sorted(floats, key=lambda i: (boxes[i].y0, boxes[i].x0)):
        fb = boxes[f]
        best = None
        for pos, i in enumerate(out):
            b = boxes[i]
            if b.y1 <= fb.y0 + 1 and min(b.x1, fb.x1) - max(b.x0, fb.x0) > 0:
                if best is None or b.y1 >= boxes[out[best]].y1 - 1:
                    best = pos
        if best is None:  # nothing above it (a picture at the top of its column): before what follows below
            below = [
                pos
                for pos, i in enumerate(out)
                if boxes[i].y0 >= fb.y1 - 1 and min(boxes[i].x1, fb.x1) - max(boxes[i].x0, fb.x0) > 0
            ]
            out.insert(min(below, key=lambda pos: boxes[out[pos]].y0) if below else len(out), f)
        else:
            out.insert(best + 1, f)
    return out
