"""index-htm: field by field on its golden fixtures, URL grammar, evidence and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.families import ParseError, get_family, infer_family
from tests.families.familycases import JS_SHELL, founder_payloads, load_case, parse_fixture

FAM = get_family("index-htm")
KEY = "index-htm"
BASE = "http://qnkjb.joyhua.example/qnkjb/20240521/html/"


def test_page_number_and_name() -> None:
    index, inner = parse_fixture(KEY, "index_page"), parse_fixture(KEY, "inner_page")
    assert (index.number, index.name) == ("01", "要闻")
    assert (inner.number, inner.name) == ("03", "乡村振兴")


def test_index_file_is_the_first_page_without_a_header() -> None:
    body, meta = load_case(KEY, "index_page")
    body = body.replace("第01版：要闻</div>".encode(), b"</div>")
    page = FAM.parse_page(body, meta["url"], None)
    assert (page.number, page.name) == (
        "01",
        "要闻",
    )  # from the first page-list entry: index.htm shows page 1


def test_page_list_with_pdfs() -> None:
    page = parse_fixture(KEY, "index_page")
    assert [(p.number, p.name) for p in page.pages] == [
        ("01", "要闻"),
        ("02", "农业科技"),
        ("03", "乡村振兴"),
        ("04", "科普园地"),
    ]
    assert [p.url for p in page.pages][1] == BASE + "page_02.htm"
    assert page.pages[3].pdf_url == "http://qnkjb.joyhua.example/pdf/20240521/04.pdf"
    assert page.pdf_url == "http://qnkjb.joyhua.example/pdf/20240521/01.pdf"


def test_article_refs_polygons_and_space() -> None:
    page = parse_fixture(KEY, "index_page")
    assert [a.url for a in page.articles] == [BASE + f"index_content_{n}.htm" for n in (5101, 5102, 5103)]
    assert page.articles[1].title == "科技特派员扎根山乡十年"
    assert len(page.articles[2].polygons) == 2
    assert (page.coordinate_space.width, page.coordinate_space.height) == (360, 540)
    assert page.coordinate_space.image_url == "http://qnkjb.joyhua.example/pic/20240521/01/01_s.jpg"


def test_inner_page_articles_stay_in_the_edition() -> None:
    page = parse_fixture(KEY, "inner_page")
    assert [a.url.rsplit("/", 1)[1] for a in page.articles] == [
        "page_03_content_5131.htm",
        "page_03_content_5132.htm",
        "page_03_content_5133.htm",
    ]  # "上期回顾" links to last week's edition
    assert page.articles[0].polygons == [[10, 10, 350, 10, 350, 260, 10, 260]]
    assert page.articles[2].polygons == []  # a two-point area is no polygon


def test_article_heads() -> None:
    art = parse_fixture(KEY, "article")
    assert (art.kicker, art.title, art.subtitle) == (
        "把论文写在大地上",
        "科技特派员扎根山乡十年",
        "记州农科院高级农艺师陈国华",
    )
    assert art.source_id == "5102" and art.page_number == "01" and art.author == "本报记者 罗丹"


def test_article_body() -> None:
    art = parse_fixture(KEY, "article")
    assert art.paragraphs[0] == "■本报记者 罗丹"
    assert art.paragraphs[-1] == "“农民信的是看得见的效果。”他说。"
    assert len(art.paragraphs) == 4  # the caption cell is not a paragraph


def test_images_and_captions() -> None:
    art = parse_fixture(KEY, "article")
    assert [(i.url, i.caption) for i in art.images] == [
        (
            "http://qnkjb.joyhua.example/pic/20240521/01/5102_1.jpg",
            "陈国华（右）向茶农讲解修剪技术。 通讯员 吴明 摄",
        )
    ]


@pytest.mark.parametrize(
    ("name", "body", "url"), founder_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_founder_payload_is_not_ours(name: str, body: bytes, url: str) -> None:
    with pytest.raises(ParseError):
        if "article" in name:
            FAM.parse_article(body, BASE + "content_1.htm", None)
        else:
            FAM.parse_page(body, BASE + "page_01.htm", None)


def test_js_shell_and_empty_body() -> None:
    with pytest.raises(ParseError, match="JavaScript shell"):
        FAM.parse_page(JS_SHELL, BASE + "index.htm", None)
    with pytest.raises(ParseError, match="JavaScript shell"):
        FAM.parse_article(JS_SHELL, BASE + "content_1.htm", None)
    with pytest.raises(ParseError, match="empty"):
        FAM.parse_page(b"", BASE + "index.htm", None)


def test_url_grammar_round_trip() -> None:
    day = dt.date(2024, 5, 21)
    entry = FAM.entry_url("http://qnkjb.joyhua.example/qnkjb/", day)
    assert entry == BASE + "index.htm"
    assert FAM.page_kind(entry) == "page" and FAM.date_from_url(entry) == day
    for name in (
        "content_5102.htm",
        "index_content_5102.htm",
        "page_03_content_5131.htm",
        "index_2_content_9.htm",
    ):
        assert FAM.page_kind(BASE + name) == "article", name
        assert FAM.date_from_url(BASE + name) == day
    assert FAM.page_kind(BASE + "page_A01.htm") == "page"
    assert FAM.page_kind("http://e.example/x/20240521/mhtml/index.htm") == "page"
    assert FAM.source_id(BASE + "page_03_content_5131.htm") == "5131"


@pytest.mark.parametrize("name", ["index.htm", "page_03.htm", "index_content_5102.htm", "content_7.htm"])
def test_infer_family(name: str) -> None:
    assert infer_family(BASE + name) is FAM


def test_founder_urls_are_not_claimed() -> None:
    for url in (
        "http://e.cn/x/html/2019-05/20/content_52014.htm",
        "http://e.cn/x/html/2019-05/20/node_2.htm",
        "http://e.cn/pc/layout/202403/18/node_01.html",
        "http://e.cn/pc/content/202403/18/content_88101.html",
    ):
        assert not FAM.matches_url(url), url


@pytest.mark.parametrize("case", ["index_page", "inner_page", "article"])
def test_evidence_on_own_fixtures(case: str) -> None:
    body, meta = load_case(KEY, case)
    hits = FAM.evidence(body, meta["url"])
    assert hits[0].startswith("URL matches") and len(hits) >= 2


@pytest.mark.parametrize(
    ("name", "body", "url"), founder_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_evidence_on_founder_fixtures(name: str, body: bytes, url: str) -> None:
    assert FAM.evidence(body, url) == []


def test_article_with_a_title_but_no_body_says_so() -> None:
    body, meta = load_case(KEY, "article")
    cut = body.replace(b'<div id="zoom">', b'<div id="zoomed">')
    with pytest.raises(ParseError, match="title .* but no body container"):
        FAM.parse_article(cut, meta["url"], None)
