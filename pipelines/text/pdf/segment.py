"""A page PDF → articles in the `epaper segment` JSON shape, with hotspot polygons when known.

Without hotspots the page's blocks in reading order run through the head grammar as one page; with
them each hotspot's blocks are segmented on their own and kept as one story (the page HTML says where a
story is; the text rules still say what its lines are), and blocks outside every hotspot are segmented
by layout. A page without a text layer (a scan) yields no articles and is reported, not skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.text.article import resolve_script
from pipelines.text.grouping import group_stories
from pipelines.text.pdf.extract import PdfPage, read_pdf
from pipelines.text.pdf.hotspots import Hotspot, HotspotSpace, owner, scaled
from pipelines.text.pdf.stories import PageText, PlacedBlock, page_text, units_of
from pipelines.text.rejoin import Block, should_join
from pipelines.text.repair import attach_tail, is_dangling, repair_order, split_foreign_runs
from pipelines.text.segment import article_json, assemble_stories, has_content
from pipelines.text.story_shapes import Story


@dataclass
class PdfSegmentation:
    """What a PDF gave: the articles, and the pages that had no text layer (1-based)."""

    articles: list[dict[str, object]] = field(default_factory=list)
    pages: int = 0
    scanned_pages: list[int] = field(default_factory=list)

    @property
    def no_text_layer(self) -> bool:
        return self.pages > 0 and len(self.scanned_pages) == self.pages


def segment_pdf(
    data: bytes, hotspots: HotspotSpace | None = None, script: str | None = None, page: int | None = None
) -> PdfSegmentation:
    """Every page (or page index `page`) of a PDF → articles; scanned pages are listed, not parsed."""
    pages = read_pdf(data, None if page is None else [page])
    out = PdfSegmentation(pages=len(pages))
    for p in pages:
        if not p.text_layer:
            out.scanned_pages.append(p.index + 1)
            continue
        out.articles.extend(segment_pdf_page(p, hotspots, script))
    return out


def segment_pdf_page(
    page: PdfPage, hotspots: HotspotSpace | None = None, script: str | None = None
) -> list[dict[str, object]]:
    """One page with a text layer → articles; each has `polygon` (hotspot coordinates or null) and `pdf_page`."""
    text = page_text(page)
    sample = "".join(b.block.text for b in text.blocks)[:4000]
    hant = resolve_script(script, sample) == "hant"
    if not hotspots or not hotspots.hotspots:
        return [_json(s, None, page.index) for s in layout_segment(text, hant)]
    placed, loose = hotspot_stories(text, hotspots, hant, page.width, page.height)
    out: list[dict[str, object]] = []
    for h, story in placed:
        art = _json(story, h.polygons, page.index)
        art["url"], art["source_key"] = h.url, h.source_key
        out.append(art)
    out.extend(_json(s, None, page.index) for s in _segment(loose, text.body_size, hant))
    return out


def hotspot_stories(
    text: PageText, hotspots: HotspotSpace, hant: bool, width: float, height: float
) -> tuple[list[tuple[Hotspot, Story]], list[PlacedBlock]]:
    """Each hotspot's story (in the page HTML's order), and the blocks no hotspot holds."""
    areas = scaled(hotspots, width, height)
    owned: dict[int, list[PlacedBlock]] = {}
    loose: list[PlacedBlock] = []
    for b in text.blocks:
        k = owner(b.block.box, areas)
        (owned.setdefault(k, []) if k is not None else loose).append(b)
    placed = []
    for k, h in enumerate(hotspots.hotspots):
        story = (
            _one_story(group_stories(units_of(owned[k], text.body_size, hant)), hant) if k in owned else None
        )
        if story is not None:
            placed.append((h, story))
    return placed, loose


def layout_segment(text: PageText, hant: bool) -> list[Story]:
    """A page's stories by layout alone (no hotspots): what `epaper segment page.pdf` prints and the pdf-only
    family stores."""
    return _segment(text.blocks, text.body_size, hant)


def _segment(blocks: list[PlacedBlock], size: float, hant: bool) -> list[Story]:
    """The page-text segmenter's steps on typeset units: head grammar, assembly, head-after-tail repair."""
    stories = group_stories(units_of(blocks, size, hant))
    assemble_stories(stories, hant)
    split_foreign_runs(stories)
    repair_order(stories)
    attach_continued(stories)
    return [s for s in stories if s.result is not None and has_content(s)]


def attach_continued(stories: list[Story]) -> None:
    """An orphan that opens without indent continues a paragraph cut at a column foot: attached to the
    one earlier story left dangling whose last sentence reads on into it (two stories interleaved)."""
    for oi, orphan in enumerate(stories):
        o = orphan.result.text if orphan.result is not None else None
        if not orphan.orphan or o is None or not o.paragraphs or not orphan.blocks:
            continue
        if orphan.blocks[0].indented is not False:
            continue
        first = o.paragraphs[0]
        targets = [
            s
            for s in stories[:oi]
            if s.result is not None
            and not s.orphan
            and is_dangling(s)
            and should_join(s.result.text.paragraphs[-1], first, False)
        ]
        if len(targets) == 1:
            attach_tail(targets[0], orphan)
        elif oi > 0 and not targets and _open(stories[oi - 1]):
            # no story is waiting for it: a sentence ended at the column's foot and the paragraph goes on
            attach_tail(stories[oi - 1], orphan)
    stories[:] = [s for s in stories if s.result is not None]


def _open(story: Story) -> bool:
    """A story read so far that no end byline closed."""
    return story.result is not None and not story.closed and bool(story.result.text.paragraphs)


def _one_story(stories: list[Story], hant: bool) -> Story | None:
    """A hotspot is one story: the pieces the grammar saw are joined, the one under the typeset head
    first (a tail printed before the head goes after it), later heads become crossheads."""
    if not stories:
        return None
    first = next((s for s in stories if s.typeset), None) or next(
        (s for s in stories if s.head.get("title")), stories[0]
    )
    merged = Story(head=dict(first.head))  # not an orphan: the hotspot's first text is its lead
    for s in [first, *(s for s in stories if s is not first)]:
        if s is not first and s.head.get("title"):
            merged.blocks.append(Block(s.head["title"] or "", "heading"))
        merged.blocks.extend(s.blocks)
        merged.continuations.extend(s.continuations)
    assemble_stories([merged], hant)
    return merged if has_content(merged) else None


def _json(story: Story, polygons: list[list[float]] | None, index: int) -> dict[str, object]:
    art = article_json(story)
    art["polygon"] = polygons
    art["pdf_page"] = index + 1
    return art
