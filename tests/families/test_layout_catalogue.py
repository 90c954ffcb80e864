"""layout-catalogue: field by field on its golden fixtures, URL grammar, evidence and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.families import ParseError, get_family, infer_family, infer_family_of
from tests.families.familycases import JS_SHELL, founder_payloads, load_case, parse_fixture

FAM = get_family("layout-catalogue")
KEY = "layout-catalogue"
DAHE = "https://newpaper.zhongyuan.example/zyrb/html/2024-03/18/"
MUYE = "https://rb.muye.example/epaper/2024-03/18/"


def test_page_number_and_name() -> None:
    first, inner = parse_fixture(KEY, "first_page"), parse_fixture(KEY, "inner_page")
    assert (first.number, first.name) == ("01", "要闻")  # the header's "下载PDF" link is not part of the name
    assert (inner.number, inner.name) == ("03", "经济")


def test_page_list_with_pdf_per_entry() -> None:
    page = parse_fixture(KEY, "first_page")
    assert [(p.number, p.name) for p in page.pages] == [
        ("01", "要闻"),
        ("02", "综合新闻"),
        ("03", "经济"),
        ("04", "文化周刊"),
    ]
    assert page.pages[2].url == DAHE + "node_3.htm"
    assert (
        page.pages[3].pdf_url
        == "https://newpaper.zhongyuan.example/zyrb/images/2024-03/18/04/ZYRB2024031804.pdf"
    )
    inner = parse_fixture(KEY, "inner_page")
    assert inner.pages[3].pdf_url is None  # an entry without a PDF does not borrow its neighbour's
    assert inner.pdf_url == "https://rb.muye.example/images/2024-03/18/03/MYRB2024031803.pdf"


def test_article_refs_and_polygons() -> None:
    page = parse_fixture(KEY, "first_page")
    assert [a.url.rsplit("/", 1)[1] for a in page.articles] == [
        "content_30011.htm",
        "content_30012.htm",
        "content_30013.htm",
        "content_30014.htm",
    ]
    split = page.articles[2]
    assert split.title == "乡村夜校开进田间地头" and len(split.polygons) == 2  # ?div=0 and ?div=-1 merged
    assert page.articles[3].polygons == [[36, 1240, 1164, 1240, 1164, 1760, 36, 1760]]  # a rect area
    assert page.articles[0].source_key == "content_30011"


def test_editor_entries_and_other_dates_are_not_articles() -> None:
    page = parse_fixture(KEY, "inner_page")
    urls = [a.url for a in page.articles]
    assert MUYE + "content_41023.html" not in urls  # "本版责编 王可"
    assert all("/17/" not in u for u in urls)  # an area pointing at yesterday's edition
    assert page.articles[-1].url == MUYE + "content_41024.html" and page.articles[-1].title is None


def test_coordinate_space_is_the_declared_full_image_not_the_displayed_one() -> None:
    first = parse_fixture(KEY, "first_page")
    assert (first.coordinate_space.width, first.coordinate_space.height) == (
        1200,
        1800,
    )  # img width=440 shown
    assert first.coordinate_space.image_url == first.image_url
    inner = parse_fixture(KEY, "inner_page")
    assert (inner.coordinate_space.width, inner.coordinate_space.height) == (1000, 1480)  # script variables


def test_coordinate_space_unknown_when_areas_exceed_the_shown_image() -> None:
    body, meta = load_case(KEY, "first_page")
    body = body.replace(b' data-width="1200" data-height="1800"', b' height="660"')
    page = FAM.parse_page(body, meta["url"], None)
    assert (page.coordinate_space.width, page.coordinate_space.height) == (None, None)
    assert page.coordinate_space.image_url == page.image_url


def test_article_heads() -> None:
    art = parse_fixture(KEY, "article")
    assert (art.kicker, art.title, art.subtitle) == (
        "抓住窗口期 打好主动仗",
        "小麦返青期田管技术要点",
        "省农技专家走进田间答疑解惑",
    )
    assert art.page_number == "01" and art.author == "本报记者 周明远" and art.source_id == "30012"


def test_article_body_keeps_byline_and_drops_captions() -> None:
    art = parse_fixture(KEY, "article")
    assert art.paragraphs[0].startswith("本报讯（记者 周明远 通讯员 李春燕）")
    assert len(art.paragraphs) == 5 and not any("摄" in p for p in art.paragraphs)
    cms = parse_fixture(KEY, "cms_content_article")
    assert cms.paragraphs[-1] == "（牧野日报记者 孙卫东）" and cms.page_number == "03"


def test_images_and_captions() -> None:
    art = parse_fixture(KEY, "article")
    assert [(i.url.rsplit("/", 1)[1], i.caption) for i in art.images] == [
        ("30012_1.jpg", "专家在麦田里查看苗情。本报记者 周明远 摄"),
        ("30012_2.jpg", "种植户向专家询问病虫害防治方法。"),
    ]


@pytest.mark.parametrize(
    ("name", "body", "url"), founder_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_founder_payload_is_not_ours(name: str, body: bytes, url: str) -> None:
    with pytest.raises(ParseError):
        if "article" in name:
            FAM.parse_article(body, DAHE + "content_1.htm", None)
        else:
            FAM.parse_page(body, DAHE + "node_1.htm", None)


def test_js_shell_says_so() -> None:
    with pytest.raises(ParseError, match="JavaScript shell"):
        FAM.parse_page(JS_SHELL, DAHE + "node_1.htm", None)


def test_url_grammar_round_trip() -> None:
    day = dt.date(2024, 3, 18)
    entry = FAM.entry_url("https://newpaper.zhongyuan.example/zyrb/", day)
    assert entry == DAHE + "node_1.htm"
    assert FAM.page_kind(entry) == "page" and FAM.date_from_url(entry) == day
    own = FAM.entry_url("https://rb.muye.example/epaper", day, "{date:%Y-%m}/{date:%d}/node_1.html")
    assert own == MUYE + "node_1.html" and FAM.date_from_url(own) == day
    assert FAM.page_kind(MUYE + "content_41022.html") == "article"
    assert FAM.page_kind(DAHE + "content_30012.htm") == "article"
    assert FAM.page_kind("https://rb.muye.example/epaper/202403/18/node_1.html") is None


def test_infer_family_claims_only_the_unambiguous_shape() -> None:
    assert infer_family(MUYE + "node_3.html") is FAM
    assert infer_family(MUYE + "content_41022.html") is FAM
    # the .htm shape is founder-classic's: the URL alone keeps naming Founder; evidence() tells them apart
    assert infer_family(DAHE + "node_1.htm") is get_family("founder-classic")
    assert infer_family(DAHE + "content_30012.htm") is get_family("founder-classic")


@pytest.mark.parametrize("case", ["first_page", "inner_page", "article", "cms_content_article"])
def test_evidence_on_own_fixtures(case: str) -> None:
    body, meta = load_case(KEY, case)
    hits = FAM.evidence(body, meta["url"])
    assert any("layout-catalogue-list" in h or "div#articleContent" in h or "cms-content" in h for h in hits)


@pytest.mark.parametrize(
    ("name", "body", "url"), founder_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_no_evidence_on_founder_fixtures(name: str, body: bytes, url: str) -> None:
    assert FAM.evidence(body, url) == []


def test_payload_inference_tells_the_shared_url_shape_apart() -> None:
    body, meta = load_case(KEY, "first_page")
    assert infer_family_of(body, meta["url"]) is FAM
    article, art_meta = load_case(KEY, "article")
    assert infer_family_of(article, art_meta["url"]) is FAM


@pytest.mark.parametrize(
    ("name", "body", "url"), founder_payloads(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_payload_inference_keeps_founder_pages_founder(name: str, body: bytes, url: str) -> None:
    assert infer_family_of(body, url) is get_family(name.split("/")[0])
