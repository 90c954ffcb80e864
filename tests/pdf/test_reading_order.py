"""The reading-order and hotspot geometry on hand-made boxes (no PDF needed)."""

from __future__ import annotations

from pipelines.text.pdf.extract import Box
from pipelines.text.pdf.hotspots import Hotspot, HotspotSpace, contains, owner, scaled
from pipelines.text.pdf.order import place_floats, xy_cut

EM = 9.0


def test_side_by_side_briefs_are_read_story_by_story() -> None:
    """Two titles in a row above two bodies: the row cut under the titles would pair title with title."""
    boxes = [Box(0, 0, 100, 20), Box(120, 0, 220, 20), Box(0, 30, 100, 200), Box(120, 30, 220, 150)]
    heads = {0, 1}
    assert xy_cut(boxes, lambda i: i in heads, EM) == [0, 2, 1, 3]


def test_a_lead_over_four_columns_then_the_stories_below_it() -> None:
    title = Box(0, 0, 460, 30)
    cols = [Box(120 * k, 40, 120 * k + 100, 300) for k in range(4)]
    below = [Box(0, 330, 220, 350), Box(0, 360, 220, 500), Box(240, 330, 460, 350), Box(240, 360, 460, 500)]
    boxes = [title, *cols, *below]
    heads = {0, 5, 7}
    assert xy_cut(boxes, lambda i: i in heads, EM) == [0, 1, 2, 3, 4, 5, 6, 7, 8]


def test_a_caption_returns_after_the_text_above_its_picture() -> None:
    boxes = [Box(0, 0, 100, 100), Box(0, 200, 100, 300), Box(0, 160, 100, 180)]  # caption at index 2
    assert place_floats([0, 1], [2], boxes) == [0, 2, 1]


def test_hotspots_scale_from_the_image_onto_the_page() -> None:
    space = HotspotSpace(
        [Hotspot([[0, 0, 200, 0, 200, 100, 0, 100]]), Hotspot([[200, 0, 400, 0, 400, 100, 200, 100]])],
        400,
        200,
    )
    areas = scaled(space, 800, 400)  # the PDF page is twice the image
    assert areas[1][0][2] == (800.0, 200.0)
    assert owner(Box(500, 50, 600, 60), areas) == 1 and owner(Box(10, 300, 20, 310), areas) is None
    unknown = HotspotSpace(space.hotspots)  # no image size: the polygons' extent stands in
    assert scaled(unknown, 800, 400)[1][0][2] == (800.0, 400.0)
    assert contains([(0, 0), (10, 0), (10, 10), (0, 10)], 5, 5) and not contains(
        [(0, 0), (10, 0), (0, 10)], 8, 8
    )
