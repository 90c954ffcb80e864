"""The fixture-site renderers of the listing families parse back to their model, field by field."""

from __future__ import annotations

import pytest

from crawler.families import get_family, infer_family
from crawler.testsite.sites import SITES

HOST = "http://127.0.0.1:8765"
KEYS = ["catalogue", "indexhtm", "shtml-conrlist", "shtml-selectbox"]


def _pages(key: str):
    site = SITES[key]
    day = site.dates[0]
    edition = site.edition(day)
    return site, site.renderer(), day, edition


@pytest.mark.parametrize("key", KEYS)
def test_pages_parse_back(key: str) -> None:
    site, r, day, edition = _pages(key)
    spec, family = site.spec, get_family(site.spec.family)
    for page in edition.pages:
        url = HOST + spec.root + r.page_path(spec, day, page)
        record = family.parse_page(r.render_page(spec, edition, page).encode(page.charset), url, day)
        assert (record.number, record.name) == (page.number, page.name.replace(" ", ""))
        assert [p.number for p in record.pages] == [p.number for p in edition.pages]
        assert all(p.pdf_url for p in record.pages)
        assert [a.url for a in record.articles] == [
            HOST + spec.root + r.article_path(spec, day, a) for a in page.articles
        ]
        for ref, model in zip(record.articles, page.articles, strict=True):
            assert ref.title == model.title
            assert len(ref.polygons) == len(([model.polygon] if model.polygon else []) + model.extra_polygons)
        assert (record.coordinate_space.width, record.coordinate_space.height) == page.image_size
        assert family.page_kind(url) == "page" and family.date_from_url(url) == day


@pytest.mark.parametrize("key", KEYS)
def test_articles_parse_back(key: str) -> None:
    site, r, day, edition = _pages(key)
    spec, family = site.spec, get_family(site.spec.family)
    seen_images = 0
    for page in edition.pages:
        for model in page.articles:
            url = HOST + spec.root + r.article_path(spec, day, model)
            art = family.parse_article(
                r.render_article(spec, edition, page, model).encode(page.charset), url, day
            )
            assert (art.kicker, art.title) == (model.kicker or None, model.title)
            assert art.subtitle == ((model.subtitle or "").lstrip("—") or None)
            assert art.paragraphs == model.paragraphs
            assert [i.caption for i in art.images] == [im.caption or None for im in model.images]
            assert art.page_number == page.number
            seen_images += len(art.images)
    assert seen_images  # the small sites carry photos, so captions were really checked


@pytest.mark.parametrize("key", ["indexhtm", "shtml-conrlist", "shtml-selectbox"])
def test_served_urls_infer_their_family(key: str) -> None:
    site, r, day, edition = _pages(key)
    page = edition.pages[0]
    assert infer_family(HOST + site.root + r.page_path(site.spec, day, page)) is get_family(site.spec.family)
    assert infer_family(HOST + site.root + r.article_path(site.spec, day, page.articles[0])) is get_family(
        site.spec.family
    )
