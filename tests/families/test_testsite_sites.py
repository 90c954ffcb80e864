"""Every page and article of the fixture server's named sites parses back to its model.

Uses the site definitions of crawler/testsite/sites.py.
"""

from __future__ import annotations

import re

import pytest

from crawler.families import get_family
from crawler.testsite import sites

HOST = "http://127.0.0.1:8765"
SMALL = ["demo", "pc-newslist", "pc-resultlist", "pc-articlelist", "classic", "people"]  # a missing one is a KeyError


def _polygons(article) -> list[list[float]]:
    out: list[list[float]] = []
    for poly in ([article.polygon] if article.polygon else []) + article.extra_polygons:
        flat = [float(v) for point in poly for v in point]
        if flat not in out:
            out.append(flat)
    return out


@pytest.mark.parametrize("key", SMALL)
def test_site_parses_back_to_its_model(key: str) -> None:
    site = sites.SITES[key]
    spec, renderer, family = site.spec, site.renderer(), get_family(site.spec.family)
    date = site.dates[0]
    edition = site.edition(date)
    for page in edition.pages:
        page_url = HOST + spec.root + renderer.page_path(spec, date, page)
        body = renderer.render_page(spec, edition, page).encode(page.charset)
        rec = family.parse_page(body, page_url, date, {"Content-Type": "text/html"})
        assert (rec.number, rec.name) == (page.number, re.sub(r"\s", "", page.name))
        assert len(rec.pages) == len(edition.pages)
        assert [a.title for a in rec.articles] == [a.title for a in page.articles]
        assert [a.polygons for a in rec.articles] == [_polygons(a) for a in page.articles]
        for art in page.articles:
            art_url = HOST + spec.root + renderer.article_path(spec, date, art)
            body = renderer.render_article(spec, edition, page, art).encode(page.charset)
            got = family.parse_article(body, art_url, date, {})
            assert (got.kicker, got.title) == (art.kicker or None, art.title)
            assert got.subtitle == (re.sub(r"^[—\s]+", "", art.subtitle) or None if art.subtitle else None)
            assert got.paragraphs == [p.strip() for p in art.paragraphs if p.strip()]
            assert [i.caption for i in got.images] == [i.caption or None for i in art.images]
            assert got.author == (art.author or None)
            assert got.page_number == page.number
