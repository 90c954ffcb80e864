"""Each text stage runs its own step (pipelines.stages): nothing later happens early, nothing runs twice."""

from __future__ import annotations

import datetime as dt

from scrapy.utils.test import get_crawler

from pipelines.stages import (
    AttributionStage,
    CaptionStage,
    CleanStage,
    RejoinStage,
    ScriptStage,
    ValidateStage,
)
from pipelines.text.article import process_article
from schema.records import ArticleItem, ArticleRecord, ArticleRef, ImageRef

PARAGRAPHS = [
    "\u3000\u3000本报讯(记者 祁远)3月12日，春季植树行动在北山启动。",
    "\u3000\u3000据市林业局介绍，今年造林将重点围绕荒山荒坡、河道两岸和城市",
    "\u3000\u3000周边展开，兼顾生态效益和景观效果。",
    "\u3000\u3000责任编辑：岑雪",
]
IMAGES = [ImageRef(url="p.jpg", caption="▲志愿者植树。(资料图片)")]


def _item(
    paragraphs: list[str], images: list[ImageRef], title: str | None = "今年新增造林三万亩"
) -> ArticleItem:
    record = ArticleRecord(
        url="http://example.test/a.htm",
        edition_date=dt.date(2026, 3, 13),
        source_id="1",
        title=title,
        paragraphs=paragraphs,
        images=images,
    )
    return ArticleItem(
        paper="qh",
        date=dt.date(2026, 3, 13),
        page_url="http://example.test/p.htm",
        page_number="01",
        seq=1,
        ref=ArticleRef(url=record.url),
        article=record,
        script="hans",
    )


def test_rejoin_leaves_attribution_and_captions_to_their_stages() -> None:
    crawler = get_crawler()
    clean, script, rejoin, attribution, caption, validate = (
        cls.from_crawler(crawler)
        for cls in (CleanStage, ScriptStage, RejoinStage, AttributionStage, CaptionStage, ValidateStage)
    )
    item = rejoin.process_item(script.process_item(clean.process_item(_item(PARAGRAPHS, IMAGES))))
    assert item.text.joins == 1 and len(item.text.paragraphs) == 2
    assert item.text.dateline is None and item.text.bylines == [] and item.text.editors == []
    item = attribution.process_item(item)
    assert item.text.dateline is not None and [b.name for b in item.text.bylines] == ["祁远"]
    assert [e.name for e in item.text.editors] == ["岑雪"]
    assert item.text.captions == []
    item = validate.process_item(caption.process_item(item))
    assert [c.text for c in item.text.captions] == ["▲志愿者植树。"]
    assert item.text == process_article(None, "今年新增造林三万亩", None, PARAGRAPHS, IMAGES)
    assert crawler.stats.get_value("epaper/text/cleaned") == 1  # the clean step ran once


def test_a_photo_items_credit_is_counted_as_a_byline_by_the_caption_stage() -> None:
    crawler = get_crawler()
    stages = [
        cls.from_crawler(crawler)
        for cls in (CleanStage, ScriptStage, RejoinStage, AttributionStage, CaptionStage, ValidateStage)
    ]
    item = _item(["志愿者在北山植树。记者 祁远 摄"], [ImageRef(url="p.jpg")], title="北山植树")
    for stage in stages:
        item = stage.process_item(item)
    assert [(b.name, b.role) for b in item.text.bylines] == [("祁远", "摄影")]
    assert crawler.stats.get_value("epaper/text/bylines") == len(item.text.bylines)


def test_attribution_and_caption_without_rejoin_leave_the_item_alone() -> None:
    crawler = get_crawler()
    item = _item(PARAGRAPHS, IMAGES)
    for cls in (CleanStage, AttributionStage, CaptionStage):
        item = cls.from_crawler(crawler).process_item(item)
    assert item.text.paragraphs == [] and item.text.bylines == [] and item.text.captions == []
    assert crawler.stats.get_value("epaper/text/bylines") is None
