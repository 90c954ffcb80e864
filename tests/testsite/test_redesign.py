"""The fixture paper that changes skin mid-backfill (crawler/testsite/redesign.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.testsite.redesign import FOOTER, redesigned
from crawler.testsite.sites import site_for

D = dt.date
BASE = site_for("pc-newslist", start=D(2025, 3, 1), days=4, pages=2, articles_per_page=3)


def _articles(edition):
    return [a for p in edition.pages for a in p.articles]


def test_editions_before_the_change_are_the_base_sites_and_after_it_bodies_are_a_footer() -> None:
    site = redesigned(BASE, D(2025, 3, 3))
    assert site.dates == BASE.dates and site.spec == BASE.spec
    assert site.edition(D(2025, 3, 2)) == BASE.edition(D(2025, 3, 2))
    after, before = _articles(site.edition(D(2025, 3, 3))), _articles(BASE.edition(D(2025, 3, 3)))
    # same stories, same URLs: only the skin changed
    assert [a.title for a in after] == [a.title for a in before]
    assert all(a.paragraphs == [FOOTER] and a.images == [] for a in after)
    assert any(len(a.paragraphs) > 1 for a in before)  # the base site's (cached) edition is untouched


def test_no_titles_and_unknown_changes() -> None:
    site = redesigned(BASE, D(2025, 3, 1), "no_titles")
    assert all(a.title == "" and a.paragraphs for a in _articles(site.edition(D(2025, 3, 4))))
    with pytest.raises(ValueError, match="change must be one of"):
        redesigned(BASE, D(2025, 3, 1), "new_colours")
