"""Targeted behaviour of the Founder parsers, on small pages written for each rule."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crawler.families import FAMILIES, ParseError, get_family, infer_family, parse_file
from crawler.families.founder.classic import FounderClassic
from crawler.families.markup import parse_coords, parse_label

CLASSIC = get_family("founder-classic")
PC = get_family("founder-pc")
FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://epaper.example.cn/hdrb/html/2024-04/02/"


def classic_page(areas: str, items: str = "", extra: str = "") -> bytes:
    return (
        "<html><head><meta charset=utf-8><title>河东日报</title></head><body>"
        "<table><tr><td class=default>&nbsp;<a id=pageLink href=node_11.htm>第01版：要闻</a></td>"
        "<td><a href=../../../page/1/2024-04-02/01/p1.pdf>pdf</a></td></tr>"
        "<tr><td class=default>&nbsp;<a id=pageLink href=node_12.htm>第02版：综 合</a></td>"
        "<td><a href=../../../page/1/2024-04-02/02/p2.pdf>pdf</a></td></tr></table>"
        f"<MAP NAME=pagepicmap>{areas}</MAP><IMG src=../../../page/1/2024-04-02/02/p2.jpg USEMAP=#PagePicMap width=300 height=480>"
        f"<table>{items}</table>{extra}</body></html>"
    ).encode()


def test_div_duplicates_are_merged_with_all_polygons() -> None:
    areas = (
        '<Area coords="1,1,50,1,50,40,1,40" shape="polygon" href="content_700.htm?div=-1">'
        '<area coords="1,1,50,1,50,40,1,40" shape="polygon" href="content_700.htm?div=0">'
        '<AREA coords="60,1,99,1,99,40,60,40" shape="polygon" href="content_700.htm?div=-1">'
        '<Area coords="1,50,99,50,99,90,1,90" shape="polygon" href=content_701.htm>'
    )
    items = "<tr><td class=default><a href=content_700.htm><div id=mp700>石桥村修通致富路</div></a></td></tr>"
    page = CLASSIC.parse_page(classic_page(areas, items), BASE + "node_12.htm", None)
    assert [a.url for a in page.articles] == [BASE + "content_700.htm", BASE + "content_701.htm"]
    first = page.articles[0]
    assert first.title == "石桥村修通致富路"
    assert first.polygons == [[1, 1, 50, 1, 50, 40, 1, 40], [60, 1, 99, 1, 99, 40, 60, 40]]
    assert first.source_key == "content_700"
    assert page.articles[1].title is None and len(page.articles[1].polygons) == 1
    assert (page.coordinate_space.width, page.coordinate_space.height) == (300, 480)


def test_links_leaving_the_edition_are_ignored() -> None:
    extra = (
        "<a id=pageLink href=../01/node_11.htm>第01版：要闻</a>"  # another date's page in a look-alike link
        "<a href=../01/content_650.htm><div id=mp650>昨日新闻</div></a>"
        "<a href=http://other.example.cn/hdrb/html/2024-04/02/content_702.htm><div id=mp702>外站</div></a>"
        "<a href=../../../paperindex.htm>今日报纸</a>"
    )
    areas = '<Area coords="1,1,9,1,9,9" href="../01/content_651.htm">'
    page = CLASSIC.parse_page(classic_page(areas, extra=extra), BASE + "node_12.htm", None)
    assert [p.url for p in page.pages] == [BASE + "node_11.htm", BASE + "node_12.htm"]
    assert page.articles == []


def test_current_page_label_and_name_without_spaces() -> None:
    page = CLASSIC.parse_page(classic_page(""), BASE + "node_12.htm", None)
    assert (page.number, page.name) == ("02", "综合")
    assert page.pages[1].name == "综合"
    assert page.pdf_url == "http://epaper.example.cn/hdrb/page/1/2024-04-02/02/p2.pdf"


@pytest.mark.parametrize(
    ("label", "number", "name"),
    [
        ("第A01版：头版", "A01", "头版"),
        ("A01： 头版", "A01", "头版"),
        ("01版:要闻", "01", "要闻"),
        ("第1版　　　　要闻", "1", "要闻"),
        ("第01版 国 际", "01", "国际"),
        ("B02：综\u00a0合", "B02", "综合"),
    ],
)
def test_parse_label(label: str, number: str, name: str) -> None:
    assert parse_label(label) == (number, name)


def test_front_page_comes_from_the_page_list_not_node_1() -> None:
    body = (
        (FIXTURES / "founder-classic/table_page/body.bin")
        .read_bytes()
        .replace(b'<td width="202" align=left class=px12>', b'<td width="202" align=left class=other>')
    )
    page = CLASSIC.parse_page(body, "http://epaper.dongling.example/dlrb/html/2019-05/20/node_623.htm", None)
    assert page.pages[0].url.endswith("/node_621.htm") and page.pages[0].number == "A01"
    assert (page.number, page.name) == ("A03", "综合")  # found from its list entry


def test_entry_refresh_targets() -> None:
    meta = (
        b'<html><head><META HTTP-EQUIV="Refresh" CONTENT="0; URL=html/2024-04/02/node_11.htm"></head></html>'
    )
    assert CLASSIC.parse_entry(meta, "http://e.example.cn/hdrb/paperindex.htm") == (
        "http://e.example.cn/hdrb/html/2024-04/02/node_11.htm"
    )
    js = b'<html><body><script>window.location.href = "202404/02/node_01.html";</script></body></html>'
    assert PC.parse_entry(js, "http://e.example.cn/pc/layout/index.html") == (
        "http://e.example.cn/pc/layout/202404/02/node_01.html"
    )
    assert CLASSIC.parse_entry(classic_page(""), BASE + "node_12.htm") is None


def test_version_selection_by_date() -> None:
    class Redesigned(FounderClassic):
        VERSIONS = (("V1", dt.date(2019, 12, 31)), ("V2", None))

    fam = Redesigned()
    assert fam.parser_version(dt.date(2019, 12, 31)) == "founder-classic/V1"
    assert fam.parser_version(dt.date(2020, 1, 1)) == "founder-classic/V2"
    assert fam.parser_version(None) == "founder-classic/V2"
    assert CLASSIC.parser_version(dt.date(2001, 1, 1)) == "founder-classic/V1"
    page = fam.parse_page(classic_page(""), "http://e.example.cn/html/2019-05/20/node_12.htm", None)
    assert page.parser_version == "founder-classic/V1"


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"\x00\x01\x02 not html at all", b"<html><body><p>404 Not Found</p></body></html>"],
    ids=["empty", "blank", "garbage", "error-page"],
)
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_parse_error_on_non_pages(family: str, body: bytes) -> None:
    fam = get_family(family)
    with pytest.raises(ParseError) as err:
        fam.parse_page(body, "http://e.example.cn/html/2024-04/02/node_1.htm", None)
    assert err.value.reason
    with pytest.raises(ParseError):
        fam.parse_article(body, "http://e.example.cn/html/2024-04/02/content_1.htm", None)


@pytest.mark.parametrize("case", ["founder-classic/table_page", "founder-pc/newslist_page"])
def test_parse_error_on_truncated_page(case: str) -> None:
    meta = json.loads((FIXTURES / case / "meta.json").read_text(encoding="utf-8"))
    body = (FIXTURES / case / "body.bin").read_bytes()
    fam = get_family(meta["family"])
    fam.parse_page(body, meta["url"], None)  # the whole body parses
    with pytest.raises(ParseError, match="truncated"):
        fam.parse_page(body[: len(body) * 2 // 3], meta["url"], None)


def test_page_of_the_other_family_is_rejected() -> None:
    body = (FIXTURES / "founder-classic/table_page/body.bin").read_bytes()
    with pytest.raises(ParseError, match="page list"):
        PC.parse_page(body, "http://e.example.cn/pc/layout/201905/20/node_01.html", None)


def test_url_grammar() -> None:
    assert CLASSIC.page_kind("http://e.cn/x/html/2019-05/20/node_621.htm") == "page"
    assert CLASSIC.page_kind("http://e.cn/x/html/2019-05/20/content_1_1001.htm") == "article"
    assert CLASSIC.page_kind("http://e.cn/x/paperindex.htm") == "entry"
    assert PC.page_kind("http://e.cn/pc/layout/202403/18/node_A01.html") == "page"
    assert PC.page_kind("http://e.cn/PC/layout/202403/18/colA01.html") == "page"
    assert PC.page_kind("http://e.cn/pc/content/202403/18/content_88101.html") == "article"
    assert PC.page_kind("http://e.cn/pc/layout/index.html") == "entry"
    assert PC.page_kind("http://e.cn/x/html/2019-05/20/node_621.htm") is None
    assert CLASSIC.date_from_url("http://e.cn/html/2019-05/20/node_1.htm") == dt.date(2019, 5, 20)
    assert PC.date_from_url("http://e.cn/pc/layout/202403/18/node_01.html") == dt.date(2024, 3, 18)
    assert infer_family("http://e.cn/pc/layout/202403/18/node_01.html") is PC
    assert infer_family("http://e.cn/x/html/2019-05/20/content_52014.htm") is CLASSIC
    assert infer_family("http://e.cn/news/today.html") is None


def test_entry_and_index_urls() -> None:
    day = dt.date(2024, 3, 8)
    assert PC.entry_url("http://e.cn/wbpaper", day) == "http://e.cn/wbpaper/pc/layout/202403/08/node_01.html"
    assert CLASSIC.entry_url("http://e.cn/jxrb/", day, "html/{date:%Y-%m}/{date:%d}/node_187.htm") == (
        "http://e.cn/jxrb/html/2024-03/08/node_187.htm"
    )
    assert CLASSIC.index_url("http://e.cn/jxrb") == "http://e.cn/jxrb/paperindex.htm"
    assert PC.index_url("http://e.cn/") == "http://e.cn/pc/layout/index.html"


@pytest.mark.parametrize(
    ("url", "source_id"),
    [
        ("http://e.cn/html/2017-10/09/content_52014.htm", "52014"),
        ("http://e.cn/html/2017-10/09/content_1_1001.htm", "1_1001"),
        ("http://e.cn/pc/content/202302/11/content_211250.html", "211250"),
    ],
)
def test_source_id(url: str, source_id: str) -> None:
    assert CLASSIC.source_id(url) == source_id


def test_article_fields_from_npm_comments_and_trailer() -> None:
    body = (
        "<html><body><founder-title>山路通了</founder-title>"
        "<founder-author><!--<npm:article-author>-->胡杨<!--</npm:article-author>--></founder-author>"
        "<div><!--enpcontent--><p>　　第一段。</p><p>  </p><p>&nbsp;</p><p>第二段。</p><!--/enpcontent--></div>"
        "</body></html><!--enpproperty <articleid>9</articleid><introtitle>引题在此</introtitle>"
        "<subtitle>——副题在此</subtitle><pagenum>第B03版</pagenum>/enpproperty-->"
    ).encode()
    art = CLASSIC.parse_article(body, BASE + "content_3_9.htm?div=0", None)
    assert art.title == "山路通了" and art.author == "胡杨"
    assert art.kicker == "引题在此" and art.subtitle == "副题在此"
    assert art.paragraphs == ["第一段。", "第二段。"]
    assert art.source_id == "3_9" and art.url == BASE + "content_3_9.htm"
    assert art.page_number == "B03" and art.metadata["articleid"] == "9"
    assert art.edition_date == dt.date(2024, 4, 2)


def test_article_without_title_is_a_parse_error() -> None:
    body = b"<html><body><founder-content><p>only body</p></founder-content></body></html>"
    with pytest.raises(ParseError, match="title"):
        CLASSIC.parse_article(body, BASE + "content_1.htm", None)


def test_site_selector_override_is_data() -> None:
    body = classic_page("", extra="<ol class=bulletin><li><a href=content_801.htm>公告</a></li></ol>")
    plain = CLASSIC.parse_page(body, BASE + "node_12.htm", None)
    assert plain.articles == []
    custom = CLASSIC.parse_page(
        body, BASE + "node_12.htm", None, options={"selectors": {"article_links": "ol.bulletin li a"}}
    )
    assert [(a.url, a.title) for a in custom.articles] == [(BASE + "content_801.htm", "公告")]


def test_parse_coords_shapes() -> None:
    assert parse_coords("1,2,3,4", "rect") == [1, 2, 3, 2, 3, 4, 1, 4]
    assert parse_coords("5,5,3", "circle") == []
    assert parse_coords("1,2,3,4,5,6,7", "polygon") == [1, 2, 3, 4, 5, 6]
    assert parse_coords(" 1 , 2 ,3,4 ,5,6", None) == [1, 2, 3, 4, 5, 6]


def test_parse_file_decides_kind_from_url(tmp_path: Path) -> None:
    meta = json.loads((FIXTURES / "founder-pc/newslist_article/meta.json").read_text(encoding="utf-8"))
    path = tmp_path / "a.html"
    path.write_bytes((FIXTURES / "founder-pc/newslist_article/body.bin").read_bytes())
    data = parse_file(path, meta["url"])
    assert data["kind"] == "article" and data["title"] == "临江新港二期码头今春开港"
    page_meta = json.loads((FIXTURES / "founder-classic/table_page/meta.json").read_text(encoding="utf-8"))
    path.write_bytes((FIXTURES / "founder-classic/table_page/body.bin").read_bytes())
    assert parse_file(path, page_meta["url"], "founder-classic")["kind"] == "page"
    with pytest.raises(ParseError):
        parse_file(path, "http://e.cn/unknown/page.html")


def test_newslist_title_block_with_bare_paragraphs() -> None:
    body = (
        '<html><body><div class="newsdetatit"><p>引题一行</p><h3>主标题</h3><p>——副题一行</p>'
        '<p><span class="Author">版次：A05</span><span class="Author">作者：</span></p></div>'
        '<div class="newsdetatext"><founder-content><p>正文。</p></founder-content></div></body></html>'
    ).encode()
    art = PC.parse_article(body, "http://e.cn/pc/content/202403/18/content_5.html", None)
    assert (art.kicker, art.title, art.subtitle) == ("引题一行", "主标题", "副题一行")
    assert art.page_number == "A05" and art.author is None and art.paragraphs == ["正文。"]
    bare = body.replace("<p>引题一行</p>".encode(), b"").replace("<p>——副题一行</p>".encode(), b"")
    art = PC.parse_article(bare, "http://e.cn/pc/content/202403/18/content_5.html", None)
    assert (art.kicker, art.subtitle) == (None, None)
