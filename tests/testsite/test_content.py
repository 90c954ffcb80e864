"""The story pool and make_edition: our own text with the conventions the pipelines must meet, built
deterministically and cheaply, with hotspots that tile the page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from crawler.testsite.content import (
    BRIEFS,
    POOL,
    STORIES,
    column_split,
    continued_pair,
    make_edition,
    polygon_area,
    story_paragraphs,
    tile_page,
)
from crawler.testsite.model import SiteEdition, SiteSpec

ROOT = Path(__file__).resolve().parents[2]
SPEC = SiteSpec(key="bench", name="河东日报", family="founder-pc", root="/bench/")
DAY = dt.date(2024, 5, 17)


def all_text() -> list[str]:
    out: list[str] = []
    for s in POOL:
        out += [s.title, s.kicker or "", s.subtitle or "", *s.images, *story_paragraphs(s)]
    return out


def digest(edition: SiteEdition) -> str:
    from schema.records import to_plain

    return hashlib.sha256(
        json.dumps(to_plain(edition), ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


# --------------------------------------------------------------------------- pool


def test_pool_has_enough_distinct_stories_of_several_paragraphs() -> None:
    assert len(POOL) >= 30
    assert len({s.title for s in POOL}) == len(POOL)
    assert len({s.slug for s in POOL}) == len(POOL)
    long_ones = [s for s in POOL if len(story_paragraphs(s)) >= 4]
    assert len(long_ones) >= 15
    assert len(BRIEFS) >= 10


def test_pool_text_is_gbk_encodable() -> None:
    """The demo serves a page in GBK; every string must survive it."""
    for text in all_text():
        assert text.encode("gbk").decode("gbk") == text


def test_pool_carries_the_conventions() -> None:
    kickers = [s.kicker for s in POOL if s.kicker]
    assert sum(k.endswith("——") for k in kickers) >= 5
    assert sum(bool(s.subtitle and s.subtitle.startswith("——")) for s in POOL) >= 3
    paras = [p for s in POOL for p in story_paragraphs(s)]
    assert any(re.fullmatch(r"本报记者 \S+ 实习生 \S+", p) for p in paras)
    assert any(re.fullmatch(r"本报记者 \S+ 文/图", p) for p in paras)
    assert any(re.fullmatch(r"通讯员 \S+", p) for p in paras)
    assert any(p.startswith("本报讯(记者 ") for p in paras)
    assert any(re.match(r"本报讯 （记者 .+ 通讯员 .+）", p) for p in paras)
    assert any(re.match(r"新华社北京4月2\d日电（记者 ", p) for p in paras)
    captions = [c for s in POOL for c in s.images] + [p for p in paras if p.startswith("▲")]
    assert any(c.startswith("▲") and c.endswith("(资料图片)") for c in captions)
    assert any(re.search(r"记者 \S+ 摄$", c) for c in captions)
    assert any(p.startswith("▲") for p in paras), "a caption printed inside the body"
    crossheads = [line for s in POOL for line in s.paragraphs if line.startswith("## ")]
    assert len(crossheads) >= 8


def test_column_split_breaks_mid_sentence() -> None:
    paras = story_paragraphs(STORIES["pepper"])
    split = column_split(paras, 2, 0.5)
    assert len(split) == len(paras) + 1
    assert split[2] + split[3] == paras[2]
    assert split[2][-1] not in "。！？”，、；："


def test_continued_pair_has_markers_and_keeps_all_text() -> None:
    story = STORIES["renovation"]
    first, second = continued_pair(story, 1, 2, keep=3)
    assert first.paragraphs[-1] == "（下转第2版）"
    assert second.paragraphs[0] == "（上接第1版）"
    assert first.kicker == story.kicker and second.kicker is None
    assert "".join(first.paragraphs[:-1] + second.paragraphs[1:]) == "".join(story_paragraphs(story))
    assert first.paragraphs[-2][-1] not in "。！？”", "the sentence runs on across the pages"
    assert first.images and not second.images


# --------------------------------------------------------------------------- geometry


def _cells_covered(areas: list[list[list[tuple[int, int]]]], size: tuple[int, int]) -> list[list[int]]:
    """Count, on a grid of sample points, how many polygons contain each point (ray casting)."""
    w, h = size
    polys = [poly for art in areas for poly in art]
    grid = []
    for y in range(1, h, 7):
        row = []
        for x in range(1, w, 7):
            px, py = x + 0.5, y + 0.5
            count = 0
            for poly in polys:
                inside = False
                for (xa, ya), (xb, yb) in zip(poly, poly[1:] + poly[:1], strict=True):
                    if (ya > py) != (yb > py) and px < xa + (py - ya) * (xb - xa) / (yb - ya):
                        inside = not inside
                count += inside
            row.append(count)
        grid.append(row)
    return grid


def test_hotspots_tile_the_page_without_overlap() -> None:
    size = (350, 550)
    for n in range(1, 9):
        for two in (set(), {n - 1}):
            for vary in (0.0, 0.5, 1.0):
                areas = tile_page(n, size, two, vary)
                assert len(areas) == n
                assert sum(polygon_area(p) for a in areas for p in a) == size[0] * size[1]
                assert all(c == 1 for row in _cells_covered(areas, size) for c in row)
    lead = tile_page(6, size)[0][0]
    assert len(lead) == 6, "the lead is an L-shaped rectilinear polygon"
    assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(lead, lead[1:] + lead[:1], strict=True))
    assert tile_page(0, size) == []


# --------------------------------------------------------------------------- editions


def test_make_edition_shape() -> None:
    ed = make_edition(SPEC, DAY)
    assert [p.number for p in ed.pages] == ["01", "02", "03", "04", "05", "06", "07", "08"]
    assert ed.pages[2].name == "综 合"
    assert all(len(p.articles) == 6 for p in ed.pages)
    ids = [a.id for p in ed.pages for a in p.articles]
    assert len(set(ids)) == len(ids)
    assert len({p.node for p in ed.pages}) == 8
    front, second = ed.pages[0].articles[0], ed.pages[1].articles[0]
    assert re.fullmatch(r"[（(]下转第(2|二)版[）)]", front.paragraphs[-1])
    assert re.fullmatch(r"[（(]上接第(1|一)版[）)]", second.paragraphs[0])
    assert any(p.startswith("责任编辑：") for pg in ed.pages for a in pg.articles for p in a.paragraphs)
    assert any(a.extra_polygons for pg in ed.pages for a in pg.articles)
    assert any(a.images for pg in ed.pages for a in pg.articles)
    for page in ed.pages:
        total = sum(polygon_area(p) for a in page.articles for p in [a.polygon, *a.extra_polygons])
        assert total == page.image_size[0] * page.image_size[1]


def test_make_edition_is_deterministic_and_depends_on_key_and_date() -> None:
    a, b = make_edition(SPEC, DAY), make_edition(SPEC, DAY)
    assert a == b and a is not b
    assert make_edition(SPEC, DAY + dt.timedelta(days=1)) != a
    other = SiteSpec(key="other", name="河东日报", family="founder-pc")
    assert [x.title for p in make_edition(other, DAY).pages for x in p.articles] != [
        x.title for p in a.pages for x in p.articles
    ]


def test_make_edition_is_the_same_in_another_process() -> None:
    """No dependence on hash randomisation or run order."""
    code = (
        "import datetime as dt, hashlib, json\n"
        "from schema.records import to_plain\n"
        "from crawler.testsite.content import make_edition\n"
        "from crawler.testsite.model import SiteSpec\n"
        "ed = make_edition(SiteSpec(key='bench', name='河东日报', family='founder-pc', root='/bench/'), dt.date(2024, 5, 17))\n"
        "print(hashlib.sha256(json.dumps(to_plain(ed), ensure_ascii=False, sort_keys=True).encode()).hexdigest())\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == digest(make_edition(SPEC, DAY))


def test_a_year_of_editions_builds() -> None:
    start = dt.date(2024, 1, 1)
    editions = [make_edition(SPEC, start + dt.timedelta(days=i)) for i in range(365)]
    assert sum(len(p.articles) for e in editions for p in e.pages) == 365 * 48
    ids = {a.id for e in editions for p in e.pages for a in p.articles}
    assert len(ids) == 365 * 48, "content ids are unique across the site"


def test_classic_pages_use_cms_node_ids() -> None:
    spec = SiteSpec(key="classic", name="北塬日报", family="founder-classic", skin="table", root="/classic/")
    nodes = [p.node for p in make_edition(spec, DAY, pages=4).pages]
    numbers = [int(n.removeprefix("node_")) for n in nodes]
    assert numbers == list(range(numbers[0], numbers[0] + 4)) and numbers[0] > 100
