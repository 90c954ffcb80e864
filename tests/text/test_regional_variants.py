"""A Hong Kong or Taiwan paper's region reaches OpenCC: registry → spider → text stages → simplified text.

Mainland t2s leaves the regional forms (HK 衞, TW 著 for 着) as they are, so a region dropped anywhere on the way
(registry, spider, stages) shows in the simplified search text. Our own sentences, in the two regions' forms.
"""

from __future__ import annotations

import datetime as dt

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.registry import load_registry
from crawler.spiders.epaper import EpaperSpider
from pipelines.stages import (
    AttributionStage,
    CaptionStage,
    CleanStage,
    RejoinStage,
    ScriptStage,
    ValidateStage,
)
from schema.records import ArticleItem, ArticleRef

DAY = dt.date(2025, 4, 25)
REGISTRY = """
[papers.gdrb]
name = "港島日報"
script = "hant"
region_code = "hk"
[[papers.gdrb.layouts]]
family = "founder-pc"
base_url = "http://hk.example/gdrb/"

[papers.bdrb]
name = "寶島日報"
script = "hant"
region_code = "tw"
[[papers.bdrb.layouts]]
family = "founder-pc"
base_url = "http://tw.example/bdrb/"
"""
ARTICLE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>{title}</title>
</head><body><div class="newsdetabox"><div class="newsdetatit"><h3>{title}</h3></div>
<div class="newsdetatext"><founder-content><!--enpcontent--><p>　　{body}</p><!--/enpcontent--></founder-content>
</div></div></body></html>"""
CASES = {
    "gdrb": (
        "社區衞生中心延長服務",
        "衞生署昨日表示，全港社區衞生中心下月起延長服務時間。",
        "社区卫生中心延长服务",
        "卫生署昨日表示，全港社区卫生中心下月起延长服务时间。",
    ),
    "bdrb": (
        "颱風逼近漁民著急返港",
        "氣象署表示颱風明晚登陸，沿海漁民著急返港避風。",
        "台风逼近渔民着急返港",
        "气象署表示台风明晚登陆，沿海渔民着急返港避风。",
    ),
}


@pytest.fixture(scope="module")
def spider(tmp_path_factory: pytest.TempPathFactory) -> EpaperSpider:
    path = tmp_path_factory.mktemp("registry") / "papers.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    spider = EpaperSpider(paper="gdrb,bdrb")
    spider.registry = load_registry(path)
    return spider


def crawled(spider: EpaperSpider, paper: str) -> ArticleItem:
    """The spider's ArticleItem for one article page of `paper` (no network: the response is built here)."""
    title, body = CASES[paper][:2]
    url = f"{spider.registry[paper].layouts[0].base_url}pc/content/202504/25/content_7.html"
    ref = ArticleRef(url=url, title=title, source_key="content_7")
    meta = {
        "paper": paper,
        "day": DAY,
        "family": "founder-pc",
        "kind": "article",
        "ref": ref,
        "page_url": url.replace("content/", "layout/").replace("content_7", "node_01"),
        "page_number": "01",
        "seq": 1,
    }
    response = HtmlResponse(
        url,
        body=ARTICLE.format(title=title, body=body).encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=Request(url, meta=meta),
    )
    (item,) = list(spider.parse_article(response))
    return item


@pytest.mark.parametrize("paper, region", [("gdrb", "hk"), ("bdrb", "tw")])
def test_the_registry_region_reaches_the_simplified_text(
    spider: EpaperSpider, paper: str, region: str
) -> None:
    item = crawled(spider, paper)
    assert isinstance(item, ArticleItem) and item.region == region
    crawler = get_crawler()  # no EPAPER_PAPER_REGIONS: the item's own region decides, as in a real crawl
    for stage in (CleanStage, ScriptStage, RejoinStage, AttributionStage, CaptionStage, ValidateStage):
        item = stage.from_crawler(crawler).process_item(item)
    title, body, title_simplified, body_simplified = CASES[paper]
    assert item.text.script == "hant"
    assert (item.text.title, item.text.body) == (title, body)  # the printed text is kept as printed
    assert item.text.title_simplified == title_simplified
    assert item.text.body_simplified == body_simplified
