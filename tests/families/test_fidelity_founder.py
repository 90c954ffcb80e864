"""Cases seen on real pages, on the Founder families (founder-pc's 人民日报 skin has its own in test_people_pc.py)."""

from __future__ import annotations

import pytest

from crawler.families import get_family
from crawler.families.markup import is_editor_credit

CLASSIC = get_family("founder-classic")
PC = get_family("founder-pc")
BASE = "http://epaper.example.cn/hdrb/html/2024-04/02/"


def classic_page(items: str, areas: str, trailer: str = "", label: str = "第02版：综合") -> bytes:
    return (
        "<html><head><meta charset=utf-8></head><body>"
        "<table><tr><td class=default>&nbsp;<a id=pageLink href=node_11.htm>第01版：要闻</a></td></tr>"
        "<tr><td class=default>&nbsp;<a id=pageLink href=node_12.htm>第02版：综合</a></td></tr></table>"
        f"<table><tr><td class=px12>{label}</td></tr></table>"
        f"<MAP NAME=PagePicMap>{areas}</MAP><IMG src=p2.jpg USEMAP=#PagePicMap width=300 height=480>"
        f"<table>{items}</table></body></html>{trailer}"
    ).encode()


ITEMS = (
    "<tr><td class=default><a href=content_700.htm><div id=mp700>石桥村修通致富路</div></a></td></tr>"
    "<tr><td class=default><a href=content_709.htm><div id=mp709>本版编辑：陈河　美编：李禾</div></a></td></tr>"
)
AREAS = (
    '<Area coords="1,1,99,1,99,80,1,80" shape="polygon" href="content_700.htm">'
    '<Area coords="1,440,60,440,60,470,1,470" shape="polygon" href="content_709.htm">'
    '<Area coords="1,90,99,90,99,200,1,200" shape="polygon" href="http://www.example.org/zt/index.html">'
)


def test_classic_editor_credit_box_and_foreign_area_are_not_articles() -> None:
    page = CLASSIC.parse_page(classic_page(ITEMS, AREAS), BASE + "node_12.htm", None)
    assert [a.url for a in page.articles] == [BASE + "content_700.htm"]
    assert page.articles[0].polygons == [[1, 1, 99, 1, 99, 80, 1, 80]]


def test_classic_printed_label_beats_the_trailer() -> None:
    trailer = "<!--enpproperty <founder-pagenum>02B</founder-pagenum> /enpproperty-->"
    page = CLASSIC.parse_page(classic_page(ITEMS, AREAS, trailer), BASE + "node_12.htm", None)
    assert (page.number, page.name) == ("02", "综合")


@pytest.mark.parametrize(
    ("title", "credit"),
    [
        ("本版责编：史一棋", True),
        ("本版编辑：陈河　美编：李禾", True),
        ("（责任编辑：王某）", True),
        ("编辑 : 赵某", True),
        ("编辑部的故事：一位老编辑的三十年", False),  # a story about editors is a story
        ("新闻编辑室里的春节", False),
        (None, False),
    ],
)
def test_editor_credit_rule(title: str | None, credit: bool) -> None:
    assert is_editor_credit(title) is credit
