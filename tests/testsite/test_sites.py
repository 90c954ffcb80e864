"""Named sites: the demo paper has the features the lead's demo shows; test sites and site_for."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import tomllib

from crawler.testsite.content import polygon_area
from crawler.testsite.sites import DEMO_PAPER, SITES, demo_paper, site_for

ROOT = Path(__file__).resolve().parents[2]


def demo_articles():
    site = SITES["demo"]
    for date in site.dates:
        ed = site.edition(date)
        for page in ed.pages:
            for art in page.articles:
                yield date, page, art


def test_named_sites_exist_with_their_families() -> None:
    assert {"demo", "pc-newslist", "pc-resultlist", "pc-articlelist", "classic", "bench"} <= set(SITES)
    assert SITES["pc-resultlist"].spec.skin == "resultlist"
    assert SITES["pc-articlelist"].spec.skin == "articlelist"
    assert SITES["classic"].spec.family == "founder-classic"
    roots = [s.root for s in SITES.values()]
    assert len(set(roots)) == len(roots)
    for key in ("pc-newslist", "pc-resultlist", "pc-articlelist", "classic"):
        assert 2 <= len(SITES[key].dates) <= 3


def test_demo_size() -> None:
    site = SITES["demo"]
    assert site.dates == (dt.date(2025, 4, 25), dt.date(2025, 4, 26))
    assert sum(len(site.edition(d).pages) for d in site.dates) >= 8
    assert len(list(demo_articles())) >= 40
    titles = [a.title for _, _, a in demo_articles()]
    assert len(set(titles)) >= len(titles) - 1  # only the continued story repeats its title


def test_demo_features() -> None:
    arts = [a for _, _, a in demo_articles()]
    paras = [p for a in arts for p in a.paragraphs]
    assert any(a.kicker and a.kicker.endswith("——") for a in arts)
    assert any(a.subtitle and a.subtitle.startswith("——") for a in arts)
    assert any(re.fullmatch(r"本报记者 \S+ 实习生 \S+", p) for p in paras)
    assert any(p.endswith("文/图") for p in paras)
    assert any(p.startswith("通讯员 ") for p in paras)
    assert any(p.startswith("新华社北京") for p in paras)
    captions = [i.caption for a in arts for i in a.images if i.caption]
    assert any(c.startswith("▲") and c.endswith("(资料图片)") for c in captions)
    assert any(c.endswith(" 摄") for c in captions)
    assert any(p.startswith("责任编辑：") for p in paras)
    assert sum(len(a.images) for a in arts) >= 8
    assert any(a.extra_polygons for a in arts)


def test_demo_continued_story() -> None:
    site = SITES["demo"]
    ed = site.edition(dt.date(2025, 4, 25))
    front = ed.pages[0].articles[0]
    cont = ed.pages[1].articles[0]
    assert front.paragraphs[-1] == "（下转第2版）"
    assert cont.paragraphs[0] == "（上接第1版）"
    assert cont.title == front.title and cont.kicker is None


def test_demo_image_only_and_gbk_pages() -> None:
    ed = SITES["demo"].edition(dt.date(2025, 4, 25))
    # the photo page: its stories' article pages show only a photo; their text is printed in the page PDF
    image_only = [p for p in ed.pages if p.articles and all(not a.paragraphs and a.printed for a in p.articles)]
    assert len(image_only) == 1 and all(a.images for a in image_only[0].articles)
    gbk = [p for p in ed.pages if p.charset == "gbk"]
    assert len(gbk) == 1 and gbk[0].articles


def test_demo_hotspots_tile_each_page() -> None:
    for date in SITES["demo"].dates:
        for page in SITES["demo"].edition(date).pages:
            if page.articles:
                total = sum(polygon_area(p) for a in page.articles for p in [a.polygon, *a.extra_polygons])
                assert total == page.image_size[0] * page.image_size[1]


def test_demo_paper_registry_data_agrees_with_the_renderer() -> None:
    site = SITES["demo"]
    live = demo_paper("http://127.0.0.1:8765")
    assert live["layouts"][0]["entry"] == DEMO_PAPER["layouts"][0]["entry"]
    assert live["layouts"][0]["base_url"] == "http://127.0.0.1:8765/demo/"
    assert live["index"] == "http://127.0.0.1:8765/demo/pc/layout/index.html"
    assert live["dates"] == ["2025-04-25", "2025-04-26"]
    for date in site.dates:
        expected = site.renderer().entry_path(site.spec, date, site.edition(date))
        assert DEMO_PAPER["layouts"][0]["entry"].format(date=date) == expected


def test_demo_paper_matches_the_project_registry() -> None:
    # the registry and its demo entry are part of the project, not a prerequisite: their absence is a failure
    entry = tomllib.loads((ROOT / "data" / "papers.toml").read_text(encoding="utf-8"))["papers"].get("demo")
    assert entry is not None, "data/papers.toml has no demo entry"
    for key in ("name", "region", "script"):
        assert entry[key] == DEMO_PAPER[key]
    ours, theirs = DEMO_PAPER["layouts"][0], entry["layouts"][0]
    for key in ("family", "base_url", "entry"):
        assert theirs[key] == ours[key], key


def test_bench_site() -> None:
    site = SITES["bench"]
    assert len(site.dates) == 365 and site.dates[0] == dt.date(2024, 1, 1)
    ed = site.edition(site.dates[100])
    assert len(ed.pages) == 8 and all(len(p.articles) == 6 for p in ed.pages)
    assert site.edition(site.dates[100]) is ed, "cached"
    assert site.edition(dt.date(2023, 12, 31)) is None


def test_edition_cache_is_bounded() -> None:
    site = site_for("bench", cache_size=4)
    for d in site.dates[:20]:
        site.edition(d)
    assert len(site._cache) == 4


def test_site_for_overrides() -> None:
    five = site_for("bench", start=dt.date(2020, 1, 1), days=5 * 365 + 1, pages=4, articles_per_page=3)
    assert len(five.dates) == 1826 and five.dates[-1] == dt.date(2024, 12, 30)
    ed = five.edition(dt.date(2022, 2, 28))
    assert len(ed.pages) == 4 and all(len(p.articles) == 3 for p in ed.pages)
    renamed = site_for("pc-newslist", key="other", dates=[dt.date(2025, 1, 2)])
    assert renamed.root == "/other/" and renamed.dates == (dt.date(2025, 1, 2),)
    assert SITES["pc-newslist"].key == "pc-newslist", "the named site is untouched"
    demo_more = site_for("demo", dates=[dt.date(2025, 4, 24), *SITES["demo"].dates])
    assert demo_more.edition(dt.date(2025, 4, 25)) == SITES["demo"].edition(dt.date(2025, 4, 25))
    assert len(demo_more.edition(dt.date(2025, 4, 24)).pages) == 8
    with pytest.raises(TypeError):
        site_for("demo", colour="red")
