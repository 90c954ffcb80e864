"""A fixture paper whose CMS changes skin mid-backfill: the case the layout-drift monitor exists for.

From `changed_on` on, every edition is served as before (same URLs, same page lists, HTTP 200) but the
articles look the way a redesign looks to an unchanged parser: with `footer_bodies` the story text has moved
somewhere the parser does not read, so each body is only the site footer (and the photos are gone); with
`no_titles` the headline element is gone. Editions before `changed_on` are the base site's, untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from crawler.testsite.content import clone_edition
from crawler.testsite.model import SiteEdition
from crawler.testsite.sites import SiteDef

FOOTER = "版权所有 未经授权不得转载"
CHANGES = ("footer_bodies", "no_titles")


@dataclass(eq=False)
class RedesignedSite(SiteDef):
    """A SiteDef whose editions from `changed_on` on are passed through `change` (one of CHANGES)."""

    changed_on: dt.date = dt.date.max
    change: str = "footer_bodies"

    def __post_init__(self) -> None:
        if self.change not in CHANGES:
            raise ValueError(f"change must be one of {CHANGES}, not {self.change!r}")
        super().__post_init__()

    def build(self, date: dt.date) -> SiteEdition:
        edition = super().build(date)
        return redesign(edition, self.change) if date >= self.changed_on else edition


def redesign(edition: SiteEdition, change: str) -> SiteEdition:
    """A copy of the edition as the redesigned site serves it."""
    edition = clone_edition(edition)
    for page in edition.pages:
        for article in page.articles:
            if change == "footer_bodies":
                article.paragraphs = [FOOTER]
                article.images = []
            elif change == "no_titles":
                article.title = ""
                article.kicker = None
                article.subtitle = None
    return edition


def redesigned(site: SiteDef, changed_on: dt.date, change: str = "footer_bodies") -> RedesignedSite:
    """The same paper (spec, dates, sizes, seed) with its redesign on `changed_on`."""
    fields = {f.name: getattr(site, f.name) for f in dataclasses.fields(SiteDef) if f.init}
    return RedesignedSite(**fields, changed_on=changed_on, change=change)
