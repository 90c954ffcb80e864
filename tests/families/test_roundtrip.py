"""Render a small SiteEdition with each renderer, parse the HTML back, and get the model's values."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crawler.families import get_family
from crawler.testsite import render_founder_classic, render_founder_pc
from crawler.testsite.model import SiteArticle, SiteEdition, SiteImage, SitePage, SiteSpec

HOST = "http://127.0.0.1:8765"
DAY = dt.date(2025, 2, 28)


def edition() -> SiteEdition:
    lead = SiteArticle(
        id=3101,
        kicker="优化营商环境——",
        title="河东新区“一网通办”上线",
        subtitle="——企业开办最快半天办结",
        paragraphs=[
            "本报讯（记者 林晓 通讯员 吴双）27日，河东新区政务服务平台正式上线。",
            "平台整合了四十六个部门的事项。",
        ],
        images=[
            SiteImage("f3a9.jpg", "工作人员指导市民使用自助终端。 本报记者 马原 摄"),
            SiteImage("c771.jpg", None),
        ],
        author="林晓",
        polygon=[(4, 6), (340, 6), (340, 200), (4, 200)],
        extra_polygons=[
            [(4, 206), (120, 206), (120, 300), (4, 300)],
            [(130, 206), (340, 206), (340, 300), (130, 300)],
        ],
    )
    brief = SiteArticle(
        id=3102,
        title="简讯",
        paragraphs=["春季植树活动将于下周启动。"],
        polygon=[(4, 310), (340, 310), (4, 520)],
    )
    unmapped = SiteArticle(id=3103, title="本版导读", paragraphs=["详见第二版。"])
    sport = SiteArticle(
        id=3201,
        title="冬泳爱好者迎春下水",
        subtitle="——记者手记",
        paragraphs=["清晨六点，河面还飘着薄雾。"],
        polygon=[(10, 10), (200, 10), (200, 160), (10, 160)],
    )
    return SiteEdition(
        date=DAY,
        pages=[
            SitePage("A01", "要闻", "node_41", [lead, brief, unmapped], (350, 540)),
            SitePage("A02", "文 体", "node_42", [sport], (320, 500), charset="gbk"),
        ],
    )


RENDERERS = {"founder-pc": render_founder_pc, "founder-classic": render_founder_classic}
SPECS = [
    SiteSpec("hd", "河东日报", "founder-pc", "newslist", "/hd/"),
    SiteSpec("hd", "河东日报", "founder-pc", "resultlist", "/hd/"),
    SiteSpec("hd", "河东日报", "founder-pc", "articlelist", "/hd/"),
    SiteSpec("hd", "河东日报", "founder-classic", "table", "/hd/"),
]
IDS = [f"{s.family}-{s.skin}" for s in SPECS]


def url(spec: SiteSpec, path: str) -> str:
    return HOST + spec.root + path


def served(html: str, charset: str, with_header: bool) -> tuple[bytes, dict[str, str]]:
    headers = {"Content-Type": f"text/html; charset={charset}" if with_header else "text/html"}
    return html.encode(charset), headers


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@pytest.mark.parametrize("page_index", [0, 1], ids=["utf8-page", "gbk-page"])
def test_page_round_trip(spec: SiteSpec, page_index: int) -> None:
    ed = edition()
    page = ed.pages[page_index]
    r = RENDERERS[spec.family]
    body, headers = served(r.render_page(spec, ed, page), page.charset, with_header=page_index == 0)
    rec = get_family(spec.family).parse_page(body, url(spec, r.page_path(spec, DAY, page)), DAY, headers)
    assert (rec.number, rec.name) == (page.number, re.sub(r"\s", "", page.name))
    assert [(p.number, p.name, p.url) for p in rec.pages] == [
        (p.number, re.sub(r"\s", "", p.name), url(spec, r.page_path(spec, DAY, p))) for p in ed.pages
    ]
    assert all(p.pdf_url and p.pdf_url.endswith(".pdf") for p in rec.pages)
    assert rec.pdf_url == rec.pages[page_index].pdf_url
    assert [a.url for a in rec.articles] == [url(spec, r.article_path(spec, DAY, a)) for a in page.articles]
    assert [a.title for a in rec.articles] == [a.title for a in page.articles]
    for got, art in zip(rec.articles, page.articles, strict=True):
        want = [
            [float(v) for pt in poly for v in pt]
            for poly in ([art.polygon] if art.polygon else []) + art.extra_polygons
        ]
        assert got.polygons == want
        assert got.source_key == f"content_{art.id}"
    assert (rec.coordinate_space.width, rec.coordinate_space.height) == page.image_size
    assert rec.image_url == rec.coordinate_space.image_url and rec.image_url.endswith(".jpg")
    assert rec.edition_date == DAY and rec.printed_date == DAY
    assert rec.paper_name == spec.name


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@pytest.mark.parametrize(
    ("page_index", "article_index"), [(0, 0), (0, 1), (1, 0)], ids=["lead", "brief", "gbk"]
)
def test_article_round_trip(spec: SiteSpec, page_index: int, article_index: int) -> None:
    ed = edition()
    page = ed.pages[page_index]
    art = page.articles[article_index]
    r = RENDERERS[spec.family]
    body, headers = served(r.render_article(spec, ed, page, art), page.charset, with_header=False)
    rec = get_family(spec.family).parse_article(body, url(spec, r.article_path(spec, DAY, art)), DAY, headers)
    assert rec.title == art.title
    assert rec.kicker == art.kicker
    assert rec.subtitle == (art.subtitle.lstrip("—") if art.subtitle else None)
    assert rec.paragraphs == art.paragraphs
    assert [i.url.rsplit("/", 1)[-1] for i in rec.images] == [i.src for i in art.images]
    assert [i.caption for i in rec.images] == [i.caption for i in art.images]
    assert all(i.url.startswith(HOST + spec.root) for i in rec.images)
    assert rec.author == art.author
    assert rec.page_number == page.number
    assert rec.source_id == str(art.id)
    assert rec.metadata.get("title") == art.title


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_index_round_trip(spec: SiteSpec) -> None:
    ed = edition()
    r = RENDERERS[spec.family]
    fam = get_family(spec.family)
    index = url(spec, r.index_path(spec))
    assert fam.page_kind(index) == "entry"
    assert fam.index_url(HOST + spec.root) == index
    target = fam.parse_entry(r.render_index(spec, ed).encode("utf-8"), index)
    assert target == url(spec, r.entry_path(spec, DAY, ed))
    assert fam.page_kind(target) == "page" and fam.date_from_url(target) == DAY
