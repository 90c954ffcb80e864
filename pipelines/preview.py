"""One parsed article through the real text stages and the store's row mapping (`epaper parse --text`).

A maintainer checking a saved page wants what the database would hold, not a second implementation of
it: the stages of TEXT_STAGES run in their crawl order on an ArticleItem made from the record, and
schema.store.rows.article_rows turns the result into the article row, its bylines, images (captions with
their credits) and continuation markers, exactly as the store writes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from scrapy.exceptions import DropItem
from scrapy.utils.misc import load_object

from pipelines.stages import TEXT_STAGES
from schema.records import ArticleItem, ArticleRecord, ArticleRef, ArticleText
from schema.store.rows import article_rows


def article_item(
    record: ArticleRecord, script: Literal["hans", "hant"] | None = None, region: str | None = None
) -> ArticleItem:
    """The crawl item for a record parsed on its own; the script is detected from the text when None."""
    return ArticleItem(
        paper="",
        date=record.edition_date or dt.date.today(),
        page_url="",
        page_number=record.page_number or "",
        seq=1,
        ref=ArticleRef(url=record.url, title=record.title),
        article=record,
        script=script,
        region=region or "mainland",
    )


def run_text_stages(item: ArticleItem) -> ArticleItem:
    """Run every text stage on the item, in ITEM_PIPELINES order; DropItem as the crawl would."""
    for path in sorted(TEXT_STAGES, key=TEXT_STAGES.__getitem__):
        item = load_object(path)().process_item(item)
    return item


def stored_article(
    record: ArticleRecord, script: Literal["hans", "hant"] | None = None, region: str | None = None,
    printed: ArticleText | None = None,
) -> dict[str, Any]:
    """What the store would write for this record: {article, bylines, images, continuations}; `printed`: a
    pdf-only story's text as its page PDF prints it, which the PDF stage stores as in the crawl.

    ValueError when the text stages would drop the article (no title and no body)."""
    item = article_item(record, script, region)
    item.printed = printed
    try:
        run_text_stages(item)
    except DropItem as exc:
        raise ValueError(f"the text stages would drop this article: {exc}") from None
    rows = article_rows(item)
    return {
        "article": rows.values,
        "bylines": rows.bylines,
        "images": rows.images,
        "continuations": rows.continuations,
    }
