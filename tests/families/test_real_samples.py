"""The real pages excerpted in ../shared/research/samples (read in place, never copied into the project)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.families import get_family
from tests.services import require_file

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "research" / "samples"
JXRB = SAMPLES / "jxrb_founder_classic_node_2017-10-09.excerpt.htm"
RMRB = SAMPLES / "rmrb_nbs_node_2017-10-16.excerpt.htm"
CLASSIC = get_family("founder-classic")
NBS = get_family("people-nbs")


def _read(path: Path) -> bytes:
    return require_file(path, "a real sample of ../shared (present in the development checkout and in CI)").read_bytes()


@pytest.fixture(scope="module")
def jxrb():
    url = "http://epaper.jxnews.com.cn/jxrb/html/2017-10/09/node_187.htm"
    return CLASSIC.parse_page(_read(JXRB), url, dt.date(2017, 10, 9))


@pytest.fixture(scope="module")
def rmrb():
    url = "http://paper.people.com.cn/rmrb/html/2017-10/16/nbs.D110000renmrb_01.htm"
    # The excerpt ends before </body> (the sample omits the footer), hence allow_truncated.
    return NBS.parse_page(_read(RMRB), url, dt.date(2017, 10, 16), options={"allow_truncated": True})


def test_jxrb_number_and_name(jxrb) -> None:
    assert (jxrb.number, jxrb.name) == ("A01", "头版")


def test_jxrb_page_list(jxrb) -> None:
    assert len(jxrb.pages) == 12
    assert [p.number for p in jxrb.pages[:5]] == ["A01", "A02", "A03", "A04", "B01"]
    assert jxrb.pages[0].url == "http://epaper.jxnews.com.cn/jxrb/html/2017-10/09/node_187.htm"
    assert jxrb.pages[-1].name == "体育·娱乐"
    # PDFs only for the rows the excerpt kept (A01..A04).
    assert [p.pdf_url is not None for p in jxrb.pages] == [True] * 4 + [False] * 8


def test_jxrb_articles_with_polygons(jxrb) -> None:
    assert len(jxrb.articles) == 5
    assert all(a.polygons and a.title for a in jxrb.articles)
    assert jxrb.articles[0].url.endswith("/content_401862.htm")
    degenerate = [94, 242, 29, 242, 29, 242]  # repeated vertices are kept as printed
    assert jxrb.articles[2].polygons[0][:6] == degenerate
    xs = [v for a in jxrb.articles for poly in a.polygons for v in poly[0::2]]
    assert max(xs) == 344


def test_jxrb_coordinate_space_and_files(jxrb) -> None:
    # The page image has no width/height attributes: the space is known only by its image.
    assert (jxrb.coordinate_space.width, jxrb.coordinate_space.height) == (None, None)
    assert jxrb.coordinate_space.image_url == (
        "http://epaper.jxnews.com.cn/jxrb/page/186/2017-10-09/A01/58271507497937890.jpg"
    )
    assert jxrb.pdf_url.endswith("/A01/51281507497937890.pdf")
    assert jxrb.paper_name == "江西日报" and jxrb.printed_date == dt.date(2017, 10, 9)


def test_rmrb_nbs_page_list_and_hotspots(rmrb) -> None:
    assert (rmrb.number, rmrb.name) == ("01", "要闻")
    assert [p.number for p in rmrb.pages] == ["01", "02", "09", "24"]
    assert all(p.pdf_url and p.pdf_url.endswith(".pdf") for p in rmrb.pages)
    assert len(rmrb.articles) == 5 and all(len(a.polygons) == 1 for a in rmrb.articles)
    assert rmrb.articles[1].title and "<br>" not in rmrb.articles[1].title
    assert (rmrb.coordinate_space.width, rmrb.coordinate_space.height) == (400, 575)
    assert rmrb.printed_date == dt.date(2017, 10, 16) and rmrb.paper_name == "人民日报"
