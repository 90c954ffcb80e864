"""Hotspot polygons (drawn on the page image) mapped onto the PDF page, and which blocks each holds.

The page HTML draws each story's hotspots in the pixel space of the displayed page image; the PDF
page is the same printed page in points. Scaling each axis by PDF size / image size maps one onto the
other (both put the origin at the top-left corner here). When the image size is unknown, the
polygons' own extent stands in for it, which under-scales a page whose stories leave a margin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.text.pdf.extract import Box


@dataclass
class Hotspot:
    """One story of the page HTML: its hotspot polygons (flat x, y, x, y … lists) and who it is."""

    polygons: list[list[float]]
    url: str | None = None
    title: str | None = None
    source_key: str | None = None


@dataclass
class HotspotSpace:
    """The hotspots of a page with the pixel size of the image they were drawn on (None: unknown)."""

    hotspots: list[Hotspot] = field(default_factory=list)
    width: float | None = None
    height: float | None = None


def scaled(space: HotspotSpace, pdf_width: float, pdf_height: float) -> list[list[list[tuple[float, float]]]]:
    """Each hotspot's polygons as point lists in PDF points (top-left origin)."""
    xs = [p[k] for h in space.hotspots for p in h.polygons for k in range(0, len(p) - 1, 2)]
    ys = [p[k] for h in space.hotspots for p in h.polygons for k in range(1, len(p), 2)]
    width = space.width or (max(xs) if xs else pdf_width)
    height = space.height or (max(ys) if ys else pdf_height)
    sx, sy = pdf_width / (width or 1.0), pdf_height / (height or 1.0)
    return [
        [[(p[k] * sx, p[k + 1] * sy) for k in range(0, len(p) - 1, 2)] for p in h.polygons if len(p) >= 6]
        for h in space.hotspots
    ]


def contains(polygon: list[tuple[float, float]], x: float, y: float) -> bool:
    """Even-odd rule: is the point inside the polygon?"""
    inside = False
    n = len(polygon)
    for k in range(n):
        (x1, y1), (x2, y2) = polygon[k], polygon[(k + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / ((y2 - y1) or 1e-9) + x1:
            inside = not inside
    return inside


def owner(box: Box, areas: list[list[list[tuple[float, float]]]]) -> int | None:
    """The hotspot holding the box's centre (the first, when hotspots overlap), else None."""
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    for k, polys in enumerate(areas):
        if any(contains(p, cx, cy) for p in polys):
            return k
    return None
