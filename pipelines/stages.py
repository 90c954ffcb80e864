"""Thin Scrapy item pipelines, one per text stage, over the pure functions in pipelines/text/.

Each stage acts on ArticleItem only and runs its own step of `pipelines.text.article`, in the order
`process_article` runs them, so the crawl and `epaper reparse` give the same text: clean (prepare) →
script (resolve_script) → rejoin (rejoin_step) → attribution (attribution_step) → caption (caption_step,
fill_simplified) → pdf (the page PDF's text for an article without HTML text, or its coverage figure) → validate. The working state travels on the item between stages; the result is the
ArticleText in item.text. Stats are namespaced `epaper/text/...`.

Enable with `ITEM_PIPELINES = {**TEXT_STAGES, ...}`.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from pipelines.text.article import (
    Draft,
    attribution_step,
    caption_step,
    fill_simplified,
    prepare,
    rejoin_step,
    resolve_script,
    start_draft,
)
from pipelines.text.pdf.fill import needs_pdf_text, text_coverage, text_from_pdf
from pipelines.text.rejoin import Block
from schema.records import ArticleItem, ArticleText

logger = logging.getLogger(__name__)

TEXT_STAGES: dict[str, int] = {
    "pipelines.stages.CleanStage": 300,
    "pipelines.stages.ScriptStage": 310,
    "pipelines.stages.RejoinStage": 320,
    "pipelines.stages.AttributionStage": 330,
    "pipelines.stages.CaptionStage": 340,
    "pipelines.stages.PdfStage": 345,
    "pipelines.stages.ValidateStage": 350,
}


class _Stage:
    """Shared plumbing: stats, and the working state carried on the item between stages."""

    name = "stage"

    def __init__(self, stats: Any = None, region_of: dict[str, str] | None = None) -> None:
        self.stats = stats
        self.region_of = region_of or {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> _Stage:
        regions = crawler.settings.getdict("EPAPER_PAPER_REGIONS") if crawler.settings else {}
        return cls(crawler.stats, regions)

    def inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(f"epaper/text/{key}", count)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        self.apply(item)
        return item

    def apply(self, item: ArticleItem) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def state_of(self, item: ArticleItem) -> dict[str, Any]:
        """The working state: head, blocks, continuations, script and, after rejoin, the draft.

        It starts from the cleaned article. CleanStage starts it; a pipeline that leaves CleanStage out
        gets it started by the first stage that needs it, with the same clean step (no stage runs twice)."""
        state = getattr(item, _STATE, None)
        if state is None:
            state = _start_state(item, self)
        return state


# The working state (blocks, head, continuations, draft) lives in a private attribute of the item between
# stages; the final result is the ArticleText in item.text.
_STATE = "_text_state"


def _start_state(item: ArticleItem, stage: _Stage) -> dict[str, Any]:
    """The clean step: head fields and body blocks cleaned, continuation markers taken out, item.text begun."""
    art = item.article
    head, blocks, continuations = prepare(art.kicker, art.title, art.subtitle, art.paragraphs)
    item.text = ArticleText(kicker=head["kicker"], title=head["title"], subtitle=head["subtitle"])
    state: dict[str, Any] = {"head": head, "blocks": blocks, "continuations": continuations, "hant": False}
    setattr(item, _STATE, state)
    stage.inc("continuations", len(continuations))
    stage.inc("cleaned")
    return state


class CleanStage(_Stage):
    """Clean characters, remove continuation markers, build item.text with the head fields."""

    name = "clean"

    def apply(self, item: ArticleItem) -> None:
        _start_state(item, self)


class ScriptStage(_Stage):
    """Decide the article's script (a mixed paper is detected per article)."""

    name = "script"

    def apply(self, item: ArticleItem) -> None:
        state = self.state_of(item)
        sample = (item.text.title or "") + "".join(b.text for b in state.get("blocks", [])[:3])  # type: ignore[union-attr]
        script = resolve_script(item.script, sample)
        state["hant"] = script == "hant"
        item.text.script = script  # type: ignore[union-attr]
        self.inc(f"script/{script}")


class RejoinStage(_Stage):
    """Block roles, the lead's dateline cut off, column-break joins, paragraphs and crossheads."""

    name = "rejoin"

    def apply(self, item: ArticleItem) -> None:
        state = self.state_of(item)
        blocks: list[Block] = state["blocks"]
        draft = start_draft(state["head"], state["continuations"], state["hant"])
        rejoin_step(draft, [Block(b.text, b.role, b.indented) for b in blocks])
        draft.text.script = item.text.script  # type: ignore[union-attr]
        state["draft"] = draft
        item.text = draft.text
        self.inc("joins", draft.text.joins)


class AttributionStage(_Stage):
    """The dateline and its reporters, bylines and editors (credit lines, the body's end credit); counted."""

    name = "attribution"

    def apply(self, item: ArticleItem) -> None:
        draft: Draft | None = self.state_of(item).get("draft")
        if draft is None:
            return  # nothing rejoined (RejoinStage left out of the pipeline): nothing to attribute
        attribution_step(draft)
        text = draft.text
        self.inc("bylines", len(text.bylines))
        self.inc("editors", len(text.editors))
        if text.dateline is not None:
            self.inc("datelines")


class CaptionStage(_Stage):
    """Captions split from their credits and attached to images, photo items; simplified text; counted."""

    name = "caption"

    def apply(self, item: ArticleItem) -> None:
        draft: Draft | None = self.state_of(item).get("draft")
        if draft is None:
            return  # nothing rejoined (RejoinStage left out of the pipeline): no captions read
        text = draft.text
        bylines = len(text.bylines)
        caption_step(draft, item.article.images)
        self.inc("bylines", len(text.bylines) - bylines)  # a photo item's 摄影 credit is a byline too
        fill_simplified(text, self.region_of.get(item.paper, item.region))
        self.inc("captions", len(text.captions))


class PdfStage(_Stage):
    """With the page PDF on the item (EPAPER_MEDIA pdf/all, or a reparse of an archive that holds it): an article
    without HTML text gets the text its hotspots print (`text_source='pdf'`); one with HTML text gets its
    `pdf_coverage`; a story of a pdf-only paper gets the text its page prints (`printed`). The bytes are dropped from the
    item either way. Counted `epaper/text/pdf/...`."""

    name = "pdf"

    def apply(self, item: ArticleItem) -> None:
        pdf, item.page_pdf = item.page_pdf, None
        if item.printed is not None:  # a pdf-only paper's story: its text is the page PDF's
            story, item.printed = item.printed, None
            fill_simplified(story, self.region_of.get(item.paper, item.region))
            item.text = story
            self.inc("pdf/printed")
            return
        if not pdf or item.text is None or not item.ref.polygons:
            return
        width, height = item.page_space
        try:
            printed = text_from_pdf(pdf, item.ref.polygons, width, height, item.text.script)
        except Exception as exc:  # noqa: BLE001 - a PDF that cannot be read leaves the HTML text as it is
            logger.warning("page PDF of %s unreadable: %s", item.article.url, exc)
            self.inc("pdf/unreadable")
            return
        if printed is None:
            self.inc("pdf/no_text")  # a scan, or nothing printed inside the hotspots
            return
        if not needs_pdf_text(item.text):
            item.pdf_coverage = text_coverage(printed.body, " ".join(
                [item.text.kicker or "", item.text.title or "", item.text.subtitle or "", item.text.body]))
            self.inc("pdf/compared")
            return
        html = item.text
        for name in ("kicker", "title", "subtitle", "section"):
            if getattr(printed, name) is None:
                setattr(printed, name, getattr(html, name))  # the HTML's own heads where the print has none
        if not printed.captions:
            printed.captions = html.captions
        fill_simplified(printed, self.region_of.get(item.paper, item.region))
        item.text = printed
        self.inc("pdf/filled")


class ValidateStage(_Stage):
    """Drop articles with neither title nor body, with a logged reason and a counted stat."""

    name = "validate"

    def apply(self, item: ArticleItem) -> None:
        if hasattr(item, _STATE):
            delattr(item, _STATE)  # the working state does not travel on to storage
        text = item.text
        if text is not None and (text.title or text.paragraphs):
            self.inc("valid")
            return
        reason = f"article {item.article.url} has no title and no body text"
        logger.warning("dropping: %s", reason)
        self.inc("dropped/empty")
        raise DropItem(reason)
