"""The Scrapy stages (pipelines.stages) give what process_article gives, and count into stats."""

from __future__ import annotations

import datetime as dt

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines.stages import (
    TEXT_STAGES,
    AttributionStage,
    CaptionStage,
    CleanStage,
    RejoinStage,
    ScriptStage,
    ValidateStage,
)
from pipelines.text.article import process_article
from schema.records import ArticleItem, ArticleRecord, ArticleRef, ImageRef, PageItem, PageRecord

PARAGRAPHS = [
    "\u3000\u3000本报讯(记者 祁远)3月12日，春季植树行动在北山启动。",
    "\u3000\u3000据市林业局介绍，今年造林将重点围绕荒山荒坡、河道两岸和城市",
    "\u3000\u3000周边展开，兼顾生态效益和景观效果。（下转第2版）",
    "\u3000\u3000责任编辑：岑雪",
]


def _item(
    paragraphs: list[str], title: str | None = "今年新增造林三万亩", script: str = "hans"
) -> ArticleItem:
    record = ArticleRecord(
        url="http://example.test/a.htm",
        edition_date=dt.date(2026, 3, 13),
        source_id="1",
        kicker="我市启动春季植树行动——",
        title=title,
        paragraphs=paragraphs,
        images=[ImageRef(url="p.jpg", caption="▲志愿者植树。(资料图片)")],
    )
    return ArticleItem(
        paper="qh",
        date=dt.date(2026, 3, 13),
        page_url="http://example.test/p.htm",
        page_number="01",
        seq=1,
        ref=ArticleRef(url=record.url),
        article=record,
        script=script,  # type: ignore[arg-type]
    )


def _stages():
    crawler = get_crawler(settings_dict={"EPAPER_PAPER_REGIONS": {"tw1": "tw"}})
    classes = [CleanStage, ScriptStage, RejoinStage, AttributionStage, CaptionStage, ValidateStage]
    return crawler, [cls.from_crawler(crawler) for cls in classes]


def test_stages_match_process_article_and_count() -> None:
    crawler, stages = _stages()
    item = _item(PARAGRAPHS)
    for stage in stages:
        item = stage.process_item(item)
    expected = process_article(
        "我市启动春季植树行动——",
        "今年新增造林三万亩",
        None,
        PARAGRAPHS,
        [ImageRef(url="p.jpg", caption="▲志愿者植树。(资料图片)")],
    )
    assert item.text == expected
    assert item.text.joins == 1 and item.text.kicker == "我市启动春季植树行动"
    assert [(c.direction, c.page) for c in item.text.continuations] == [("to", "2")]
    stats = crawler.stats.get_stats()
    assert stats["epaper/text/joins"] == 1
    assert stats["epaper/text/bylines"] == 1
    assert stats["epaper/text/editors"] == 1
    assert stats["epaper/text/captions"] == 1
    assert not hasattr(item, "_text_state")


def test_traditional_article_gets_simplified_fields() -> None:
    _, stages = _stages()
    item = _item(["【明報專訊】政府昨公布兩星期後會展開社區檢測。"], title="社區檢測下月展開", script="hant")
    item.paper = "tw1"
    for stage in stages:
        item = stage.process_item(item)
    assert item.text.script == "hant"
    assert item.text.paragraphs == ["政府昨公布兩星期後會展開社區檢測。"]
    assert item.text.title_simplified == "社区检测下月展开"
    assert item.text.body_simplified == "政府昨公布两星期后会展开社区检测。"


def test_validate_drops_empty_articles_with_reason() -> None:
    crawler, stages = _stages()
    item = _item(["\u3000\u3000"], title=None)
    item.article.kicker = None
    item.article.images = []
    for stage in stages[:-1]:
        item = stage.process_item(item)
    with pytest.raises(DropItem, match="no title and no body"):
        stages[-1].process_item(item)
    assert crawler.stats.get_value("epaper/text/dropped/empty") == 1


def test_other_items_pass_untouched() -> None:
    _, stages = _stages()
    page = PageItem(
        paper="qh",
        date=dt.date(2026, 3, 13),
        seq=1,
        page=PageRecord(url="u", edition_date=None, number="01", name="要闻"),
    )
    for stage in stages:
        assert stage.process_item(page) is page


def test_a_later_stage_alone_still_works() -> None:
    _, stages = _stages()
    item = stages[2].process_item(_item(PARAGRAPHS))  # RejoinStage without CleanStage before it
    assert item.text is not None and item.text.joins == 1


def test_stage_order_is_exported() -> None:
    assert list(TEXT_STAGES) == [
        "pipelines.stages.CleanStage",
        "pipelines.stages.ScriptStage",
        "pipelines.stages.RejoinStage",
        "pipelines.stages.AttributionStage",
        "pipelines.stages.CaptionStage",
        "pipelines.stages.PdfStage",
        "pipelines.stages.ValidateStage",
    ]
    assert list(TEXT_STAGES.values()) == sorted(TEXT_STAGES.values())
