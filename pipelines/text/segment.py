"""Page plain text → articles in reading order (the `epaper segment` JSON shape).

The steps, each in its own module: split the page into line units with their roles (pipelines.text.units);
group units into stories with the head grammar (pipelines.text.grouping); run each story through
article.assemble (the same rules as crawled articles); last, repair head-after-tail pages
(pipelines.text.repair): orphans whose text clearly reads on into exactly one dangling story are attached
to it; all others stay apart, title null.
"""

from __future__ import annotations

from pipelines.text.article import assemble, editor_dict, resolve_script
from pipelines.text.attribution import byline_dict
from pipelines.text.captions import caption_dict, has_caption_mark
from pipelines.text.grouping import group_stories
from pipelines.text.repair import repair_order, split_foreign_runs
from pipelines.text.sentence import is_terminal
from pipelines.text.story_shapes import Story
from pipelines.text.units import split_units

MAX_PAGE_CHARS = 20_000_000


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
    _check_page_text(text)
    hant = resolve_script(script, text[:4000]) == "hant"
    stories = group_stories(split_units(text, hant))
    assemble_stories(stories, hant)
    split_foreign_runs(stories)
    repair_order(stories)
    return [s for s in stories if s.result is not None and has_content(s)]


def _check_page_text(text: str) -> None:
    if text is None:
        raise ValueError("segment_page expects page text, got None")
    if not isinstance(text, str):
        raise ValueError(f"segment_page expects str, got {type(text).__name__}")
    if len(text) > MAX_PAGE_CHARS:
        raise ValueError(f"page text of {len(text)} characters is larger than the {MAX_PAGE_CHARS} limit")


def assemble_stories(stories: list[Story], hant: bool) -> None:
    """Each story's blocks through article.assemble, the rules crawled articles get (in place)."""
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


def has_content(story: Story) -> bool:
    t = story.result.text  # type: ignore[union-attr]
    return bool(t.title or t.kicker or t.paragraphs or t.captions or t.bylines)


def segment_page(text: str, script: str | None = None) -> list[dict[str, object]]:
    """Page plain text → articles in reading order, in the corpus ARTICLE JSON shape."""
    return [article_json(s) for s in segment_stories(text, script)]


__all__ = ["segment_page", "segment_stories", "has_caption_mark"]
