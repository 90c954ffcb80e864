"""shtml: both skins field by field on the golden fixtures (GBK included), URL grammar, evidence and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.families import ParseError, get_family, infer_family
from crawler.families.shtml.family import style_box
from tests.families.familycases import JS_SHELL, founder_payloads, load_case, parse_fixture

FAM = get_family("shtml")
KEY = "shtml"
SX = "http://epaper.jinyang.example/shtml/jyrb/20240610/"
HX = "https://www.xishu.example/shtml/xsdsb/20240610/"


def test_fixtures_are_served_as_gbk() -> None:
    body, meta = load_case(KEY, "conrlist_index_gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "charset" not in meta["headers"]["Content-Type"]


def test_page_number_and_name() -> None:
    sx, hx = parse_fixture(KEY, "conrlist_index_gbk"), parse_fixture(KEY, "selectbox_page")
    assert (sx.number, sx.name, sx.paper_name) == ("01", "要闻", "晋阳日报")
    assert (hx.number, hx.name) == ("A02", "要闻")


def test_page_lists() -> None:
    sx = parse_fixture(KEY, "conrlist_index_gbk")
    assert [(p.number, p.name) for p in sx.pages] == [
        ("01", "要闻"),
        ("02", "综合"),
        ("03", "经济"),
        ("04", "黄河文化"),
    ]
    assert sx.pages[1].pdf_url == "http://epaper.jinyang.example/pdf/jyrb/20240610/v02.pdf"
    hx = parse_fixture(KEY, "selectbox_page")
    assert [p.number for p in hx.pages] == ["A01", "A02", "A03", "B01"]
    assert hx.pages[2].name == "天府新闻" and hx.pages[2].url == HX + "vA3.shtml"
    assert hx.pdf_url == "https://www.xishu.example/pdf/xsdsb/20240610/A02.pdf"


def test_map_hotspots_in_the_image_space() -> None:
    sx = parse_fixture(KEY, "conrlist_index_gbk")
    assert [a.title for a in sx.articles] == [
        "汾河两岸绿意浓",
        "全省夏粮收购全面展开",
        "“晋”字号农产品走俏长三角",
    ]
    assert sx.articles[1].polygons == [[10, 220, 195, 220, 195, 590, 10, 590]]
    assert (sx.coordinate_space.width, sx.coordinate_space.height) == (400, 600)


def test_positioned_boxes_become_polygons_in_the_page_box_space() -> None:
    hx = parse_fixture(KEY, "selectbox_page")
    assert [a.url for a in hx.articles] == [HX + "221501.shtml", HX + "221502.shtml", HX + "221503.shtml"]
    assert hx.articles[1].title == "夜市烟火里的新生意"  # from @title: the boxes have no text
    assert hx.articles[1].polygons == [[12, 290, 242, 290, 242, 730, 12, 730]]
    assert (hx.coordinate_space.width, hx.coordinate_space.height) == (500, 750)
    assert hx.coordinate_space.image_url == "https://www.xishu.example/pic/xsdsb/20240610/A02/A02_b.jpg"


def test_style_box() -> None:
    assert style_box("position:absolute; left:12px; top:20.5px; width:40px;height:9") == {
        "left": 12,
        "top": 20.5,
        "width": 40,
        "height": 9,
    }
    assert style_box("border-left: 1px; margin-top:3px") == {}


def test_article_heads_both_skins() -> None:
    det = parse_fixture(KEY, "detcon_article_gbk")
    assert (det.kicker, det.title, det.subtitle) == (
        "优质优价 应收尽收",
        "全省夏粮收购全面展开",
        "首批新麦入库，收购价格保持平稳",
    )
    assert det.page_number == "01" and det.source_id == "170302"
    hx = parse_fixture(KEY, "ozoom_article")
    assert (hx.kicker, hx.title, hx.subtitle) == (
        "小摊位 大民生",
        "夜市烟火里的新生意",
        "老街夜市重开一个月，摊主收入翻番",
    )
    assert hx.page_number == "A02" and hx.author == "记者 何小川 摄影 杜平"


def test_article_body() -> None:
    det = parse_fixture(KEY, "detcon_article_gbk")
    assert det.paragraphs[0].startswith("本报讯（记者 高山）") and len(det.paragraphs) == 3
    hx = parse_fixture(KEY, "ozoom_article")
    assert (
        len(hx.paragraphs) == 3 and hx.paragraphs[1] == "“一晚上能卖三百多份。”摊主刘姐一边忙着打包一边说。"
    )


def test_images_and_captions() -> None:
    det = parse_fixture(KEY, "detcon_article_gbk")
    assert [i.caption for i in det.images] == [
        "6月9日，运城一家粮库正在收购新麦。本报记者 高山 摄",
        "农民排队售粮。",
    ]
    assert det.images[0].url == "http://epaper.jinyang.example/pic/jyrb/20240610/170302_1.jpg"
    hx = parse_fixture(KEY, "ozoom_article")
    assert [(i.url.rsplit("/", 1)[1], i.caption) for i in hx.images] == [
        ("221502_1.jpg", "夜市里人头攒动。 杜平 摄")
    ]


@pytest.mark.parametrize(
    ("name", "body", "url"), founder_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_founder_payload_is_not_ours(name: str, body: bytes, url: str) -> None:
    with pytest.raises(ParseError):
        if "article" in name:
            FAM.parse_article(body, SX + "1.shtml", None)
        else:
            FAM.parse_page(body, SX + "v01.shtml", None)


def test_js_shell_says_so() -> None:
    with pytest.raises(ParseError, match="JavaScript shell"):
        FAM.parse_page(JS_SHELL, SX + "index.shtml", None)


def test_url_grammar_round_trip() -> None:
    day = dt.date(2024, 6, 10)
    entry = FAM.entry_url("http://epaper.jinyang.example/shtml/jyrb/", day)
    assert entry == SX + "index.shtml" and FAM.page_kind(entry) == "page" and FAM.date_from_url(entry) == day
    for name in ("v01.shtml", "vA1.shtml", "vA01.shtml", "v1.shtml"):
        assert FAM.page_kind(SX + name) == "page", name
    assert FAM.page_kind(SX + "170302.shtml") == "article" and FAM.date_from_url(SX + "170302.shtml") == day
    assert (
        FAM.page_kind("http://news.example/shtml/2024/0610/170302.shtml") is None
    )  # a news site, not an edition


@pytest.mark.parametrize("url", [SX + "index.shtml", SX + "v01.shtml", HX + "vA2.shtml", HX + "221502.shtml"])
def test_infer_family(url: str) -> None:
    assert infer_family(url) is FAM


@pytest.mark.parametrize(
    "case", ["conrlist_index_gbk", "detcon_article_gbk", "selectbox_page", "ozoom_article"]
)
def test_evidence_on_own_fixtures(case: str) -> None:
    body, meta = load_case(KEY, case)
    hits = FAM.evidence(body, meta["url"])
    assert hits[0].startswith("URL matches") and len(hits) >= 2


def test_evidence_of_markup_without_the_url() -> None:
    body, _ = load_case(KEY, "selectbox_page")
    assert FAM.evidence(body, "file:///tmp/saved.html") == [
        "hotspot boxes div.page a.selectBox: 3 element(s) (div.page a.selectBox)"
    ]


@pytest.mark.parametrize(
    ("name", "body", "url"), founder_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_evidence_on_founder_fixtures(name: str, body: bytes, url: str) -> None:
    assert FAM.evidence(body, url) == []


def test_javascript_interstitial_names_its_target() -> None:
    jump = (
        b"<html><head><meta charset='utf-8'><title>...</title></head><body>"
        b"<script>var t = 3; window.location.href = '/shtml/jyrb/20240610/index.shtml?v=1';</script>"
        b"</body></html>"
    )
    with pytest.raises(
        ParseError,
        match=r"JavaScript redirect page .* http://epaper\.jinyang\.example/shtml/jyrb/20240610/index\.shtml\?v=1",
    ):
        FAM.parse_page(jump, SX + "index.shtml", None)


def test_saved_copy_with_a_utf8_bom_parses_the_same() -> None:
    body, meta = load_case(KEY, "selectbox_page")
    plain = FAM.parse_page(body, meta["url"], None)
    assert FAM.parse_page(b"\xef\xbb\xbf" + body, meta["url"], None) == plain
