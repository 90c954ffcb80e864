"""Thin Scrapy item pipelines, one per text stage, over the pure functions in pipelines/text/.

Each stage acts on ArticleItem only and keeps its state in `item.text` (an ArticleText made from
item.article by the first stage). The stages run the same functions, in the same order, as
`pipelines.text.article.process_article`, so the crawl and `epaper reparse` give the same text.
Stats are namespaced `epaper/text/...`.

Enable with `ITEM_PIPELINES = {**TEXT_STAGES, ...}`.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from pipelines.text.article import assemble, fill_simplified, prepare, resolve_script
from pipelines.text.rejoin import Block
from schema.records import ArticleItem, ArticleText

logger = logging.getLogger(__name__)

TEXT_STAGES: dict[str, int] = {
    "pipelines.stages.CleanStage": 300,
    "pipelines.stages.ScriptStage": 310,
    "pipelines.stages.RejoinStage": 320,
    "pipelines.stages.AttributionStage": 330,
    "pipelines.stages.CaptionStage": 340,
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
        if item.text is None and self.name != "clean":
            CleanStage(self.stats, self.region_of).process_item(item)
        self.apply(item)
        return item

    def apply(self, item: ArticleItem) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


# The working state (blocks, head, continuations) lives in a private attribute of the item between
# stages; the final result is the ArticleText in item.text.
_STATE = "_text_state"


def _state(item: ArticleItem) -> dict[str, Any]:
    state = getattr(item, _STATE, None)
    if state is None:
        state = {}
        setattr(item, _STATE, state)
    return state


class CleanStage(_Stage):
    """Clean characters, remove continuation markers, build item.text with the head fields."""

    name = "clean"

    def apply(self, item: ArticleItem) -> None:
        art = item.article
        head, blocks, continuations = prepare(art.kicker, art.title, art.subtitle, art.paragraphs)
        item.text = ArticleText(kicker=head["kicker"], title=head["title"], subtitle=head["subtitle"])
        state = _state(item)
        state.update(head=head, blocks=blocks, continuations=continuations, hant=False)
        self.inc("continuations", len(continuations))
        self.inc("cleaned")


class ScriptStage(_Stage):
    """Decide the article's script (a mixed paper is detected per article)."""

    name = "script"

    def apply(self, item: ArticleItem) -> None:
        state = _state(item)
        sample = (item.text.title or "") + "".join(b.text for b in state.get("blocks", [])[:3])  # type: ignore[union-attr]
        script = resolve_script(item.script, sample)
        state["hant"] = script == "hant"
        item.text.script = script  # type: ignore[union-attr]
        self.inc(f"script/{script}")


class RejoinStage(_Stage):
    """Roles, column-break joins, dateline, bylines, crossheads: the shared assemble() core."""

    name = "rejoin"

    def apply(self, item: ArticleItem) -> None:
        state = _state(item)
        blocks: list[Block] = state.get("blocks", [])
        result = assemble(
            [Block(b.text, b.role, b.indented) for b in blocks],
            state.get("hant", False),
            state.get("head"),
            item.article.images,
            state.get("continuations"),
        )
        result.text.script = item.text.script  # type: ignore[union-attr]
        state["assembled"] = result
        item.text = result.text
        self.inc("joins", result.text.joins)


class AttributionStage(_Stage):
    """Datelines and bylines were parsed by the shared core; count them and keep byline_text."""

    name = "attribution"

    def apply(self, item: ArticleItem) -> None:
        text = item.text
        if text is None:
            return
        self.inc("bylines", len(text.bylines))
        self.inc("editors", len(text.editors))
        if text.dateline is not None:
            self.inc("datelines")


class CaptionStage(_Stage):
    """Captions were split and attached to images by the shared core; fill simplified text; count."""

    name = "caption"

    def apply(self, item: ArticleItem) -> None:
        text = item.text
        if text is None:
            return
        fill_simplified(text, self.region_of.get(item.paper, item.region))
        self.inc("captions", len(text.captions))


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
