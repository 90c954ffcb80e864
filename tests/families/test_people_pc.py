"""人民日报's pc/layout template (2024-12 on) as founder-pc's "people" skin, and the registry's switch by date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.families import get_family, infer_family
from crawler.families.encoding import decode_html
from crawler.families.fixtures import load_meta
from crawler.registry import load_registry

FIXTURES = Path(__file__).parent / "fixtures" / "founder-pc"
PC = get_family("founder-pc")
DAY = dt.date(2025, 3, 5)


def _load(name: str) -> tuple[bytes, dict]:
    return (FIXTURES / name / "body.bin").read_bytes(), load_meta(FIXTURES / name)


def _page(options: dict | None = None):
    body, meta = _load("people_page")
    return PC.parse_page(body, meta["url"], DAY, meta["headers"], options)


def _article(name: str = "people_article", options: dict | None = None):
    body, meta = _load(name)
    return PC.parse_article(body, meta["url"], DAY, meta["headers"], options)


def test_page_number_name_and_list() -> None:
    page = _page()
    assert (page.number, page.name) == ("01", "要闻")
    assert [p.number for p in page.pages] == ["01", "02", "05", "12"]
    assert page.pages[2].url == "http://paper.people.example/rmrb/pc/layout/202503/05/node_05.html"
    assert page.pdf_url == "http://paper.people.example/rmrb/pc/attachement/202503/05/rmrb2025030501.pdf"


def test_forced_skin_reads_the_same() -> None:
    assert _page({"skin": "people"}) == _page()
    assert _article(options={"skin": "people"}) == _article()


def test_printed_label_beats_the_trailer() -> None:
    body, _ = _load("people_page")
    assert b"<founder-pagenum>01B</founder-pagenum>" in body
    assert _page().number == "01"
    article = _article()
    assert article.metadata["founder-pagenum"] == "01B" and article.page_number == "01"


def test_hotspots_and_coordinate_space() -> None:
    page = _page()
    assert [a.source_key for a in page.articles] == ["content_30062001", "content_30062002", "content_30062003"]
    assert all(len(a.polygons) == 1 for a in page.articles)
    assert (page.coordinate_space.width, page.coordinate_space.height) == (360, 520)


def test_editor_credit_box_is_not_an_article() -> None:
    body, _ = _load("people_page")
    assert "本版责编".encode() in body and b"content_30062004" in body  # in the list and in the map
    assert all("30062004" not in a.url for a in _page().articles)


def test_map_link_to_another_site_is_not_an_article() -> None:
    body, _ = _load("people_page")
    assert b'href="http://www.people.example/special/2025lh/"' in body
    assert all(a.url.startswith("http://paper.people.example/rmrb/pc/content/202503/05/") for a in _page().articles)


def test_article_heads_byline_body_images() -> None:
    art = _article()
    assert (art.kicker, art.title, art.subtitle) == ("城市更新见实效", "新建口袋公园三百余处", "多地利用边角地改善居民身边环境")
    assert art.author == "本报记者　宋雨桐"  # p.sec's own text, without its date span
    assert len(art.paragraphs) == 2 and not any("摄" in p for p in art.paragraphs)
    assert art.images[0].caption == "改造后的街角公园。　本报记者　宋雨桐摄"


def test_meta_charset_that_lies() -> None:
    body, _ = _load("people_bom_gbk_meta_article")
    assert body.startswith(b"\xef\xbb\xbf") and b"charset=gbk" in body
    assert "新建口袋公园" not in body[3:].decode("gb18030", errors="replace")  # what trusting the meta gives
    text, codec = decode_html(body, {"Content-Type": "text/html; charset=gbk"})
    assert codec == "utf-8" and "新建口袋公园三百余处" in text and not text.startswith("\ufeff")
    assert _article("people_bom_gbk_meta_article") == _article()
    # the same bytes without the BOM: a strict UTF-8 decode still beats the meta's gbk
    text, codec = decode_html(body[3:], {"Content-Type": "text/html"})
    assert codec == "utf-8" and "新建口袋公园三百余处" in text


# --------------------------------------------------------------------------- the registry's switch by date


@pytest.fixture(scope="module")
def rmrb():
    return load_registry()["rmrb"]


@pytest.mark.parametrize(
    ("day", "family", "kind"),
    [
        (dt.date(1946, 5, 15), "people-nbs", "page"),
        (dt.date(2017, 10, 16), "people-nbs", "page"),
        (dt.date(2024, 11, 30), "people-nbs", "page"),
        (dt.date(2024, 12, 1), "founder-pc", "page"),
        (dt.date(2026, 7, 29), "founder-pc", "page"),
    ],
)
def test_layout_for_picks_the_family_by_date(rmrb, day: dt.date, family: str, kind: str) -> None:
    layout = rmrb.layout_for(day)
    assert layout is not None and layout.family == family
    fam = get_family(layout.family)
    url = fam.entry_url(layout.base_url, day, layout.entry)
    assert fam.page_kind(url) == kind and fam.date_from_url(url) == day
    assert infer_family(url) is fam
    assert url.startswith("http://paper.people.com.cn/rmrb/")


def test_new_template_uses_the_people_skin(rmrb) -> None:
    assert rmrb.layout_for(dt.date(2024, 12, 1)).skin == "people"
    assert rmrb.layout_for(dt.date(2024, 11, 30)).skin is None


def test_the_spider_requests_each_template_on_its_side_of_the_switch() -> None:
    from scrapy.settings import Settings

    from crawler import settings as project_settings
    from crawler.spiders.epaper import EpaperSpider

    spider = EpaperSpider(paper="rmrb", start="2024-11-29", end="2024-12-02", refresh="1")
    spider.select(Settings({k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}))
    requests = [r for r in spider.start_items() if hasattr(r, "url") and hasattr(r, "meta")]
    got = {r.meta["day"]: (r.meta["family"], r.url) for r in requests}
    assert got[dt.date(2024, 11, 30)] == (
        "people-nbs", "http://paper.people.com.cn/rmrb/html/2024-11/30/nbs.D110000renmrb_01.htm")
    assert got[dt.date(2024, 12, 1)] == (
        "founder-pc", "http://paper.people.com.cn/rmrb/pc/layout/202412/01/node_01.html")
    assert [got[d][0] for d in sorted(got)] == ["people-nbs", "people-nbs", "founder-pc", "founder-pc"]


def test_page_list_labels_with_a_space_instead_of_a_colon() -> None:
    body, meta = _load("people_page")
    spaced = body.replace("版：".encode(), "版 ".encode())
    page = PC.parse_page(spaced, meta["url"], DAY, meta["headers"])
    assert [(p.number, p.name) for p in page.pages][:2] == [("01", "要闻"), ("02", "要闻")]
    assert (page.number, page.name) == ("01", "要闻")
