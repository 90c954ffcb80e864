"""End-to-end crawls of the fixture sites of the listing families (layout-catalogue, index-htm, shtml) and of
page-articel and plist (whose pages need the edition's plist document)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES

from .conftest import expected_counts, registry_for, run_crawl


@pytest.mark.parametrize(
    "key", ["catalogue", "indexhtm", "shtml-conrlist", "shtml-selectbox", "articel", "plist"]
)
def test_small_site_crawls_complete(key: str, db_url: str, tmp_path: Path) -> None:
    site = SITES[key]  # editions on 03-03, 03-04 and 03-06; none on 03-05
    with FixtureServer([site]) as server:
        result = run_crawl(
            server.base_url,
            db_url,
            key.replace("-", "_"),
            start="2025-03-04",
            end="2025-03-05",
            registry=registry_for(tmp_path / "r.toml", site),
        )
    assert result.returncode == 0, result.log[-3000:]
    statuses = dict(result.rows("select date, status from edition order by date"))
    assert {str(d): s for d, s in statuses.items()} == {
        "2025-03-04": "complete",
        "2025-03-05": "not_published",
    }
    pages, articles = expected_counts(site, [site.dates[1]])
    assert result.scalar("select count(*) from page") == pages
    assert result.scalar("select count(*) from article_part") == articles
    assert result.scalar("select count(*) from failure") == 0
    # every article's hotspots were stored with the space they are drawn in (the model's page image size)
    polygons = [
        json.loads(p) if isinstance(p, str) else p for (p,) in result.rows("select polygon from article")
    ]
    assert (
        len(polygons) == result.scalar("select count(*) from article") >= articles - 1
    )  # a continued story joins
    sizes = {(p["coordinate_space"]["width"], p["coordinate_space"]["height"]) for p in polygons}
    assert sizes == {site.edition(site.dates[1]).pages[0].image_size}
    assert all(p["polygons"] for p in polygons)
