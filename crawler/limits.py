"""Limits against hostile or broken sites: which hosts a paper may be fetched from, how large a response and how
crowded a page may be.

A site that lists 5,000 articles on one page, 300 pages in one edition or an area with 200,000 coordinates is
broken or hostile; fetching all of it costs hours and stores garbage. The caps are settings with defaults
sized for e-papers (crawler/settings.py); a cap that is hit is logged, counted in the stats
(`epaper/limits/...`) and explained in the ledger. Pure functions: the spider applies them to parsed records.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.registry import Paper
from schema.records import PageRecord

MIB = 1024 * 1024


@dataclass(frozen=True)
class PaperLimits:
    """What a paper's registry entry says about hosts and response sizes."""

    allowed_hosts: frozenset[str]  # host names (no port) its requests may go to, redirects included
    max_response_bytes: int | None  # None: the DOWNLOAD_MAXSIZE setting
    # page images and PDFs may come from these hosts too (a CDN, a media host): `media_hosts`, the homepage's host
    media_hosts: frozenset[str] = frozenset()
    # ... and from any host under these registrable domains (those of the paper's own hosts)
    media_domains: frozenset[str] = frozenset()

    def allows(self, host: str, media: bool = False) -> bool:
        """May a request (a media request: `media`) of the paper go to this host?"""
        if host in self.allowed_hosts:
            return True
        return media and (host in self.media_hosts or registrable_domain(host) in self.media_domains)


def paper_limits(paper: Paper) -> PaperLimits:
    """The one reader of the registry fields of this module: `allowed_hosts` (list of host names, for papers
    whose pages, images or PDFs live on other hosts than their base URLs), `media_hosts` (hosts that serve only
    its page images and PDFs) and `max_response_mb` (number, MiB). Media may also come from the homepage's host
    and from any host of the same registrable domain as a base URL (`img.example.cn` for `epaper.example.cn`)."""
    own = {host_of(layout.base_url) for layout in paper.layouts}
    hosts = own | _host_list(paper.options.get("allowed_hosts"))
    media = _host_list(paper.options.get("media_hosts"))
    if paper.homepage:
        media.add(host_of(paper.homepage))
    size = paper.options.get("max_response_mb")
    max_bytes = int(float(size) * MIB) if size not in (None, "") else None
    domains = {registrable_domain(h) for h in own | ({host_of(paper.homepage)} if paper.homepage else set())}
    return PaperLimits(frozenset(h for h in hosts if h), max_bytes, frozenset(h for h in media if h),
                       frozenset(d for d in domains if d))


def _host_list(value: Any) -> set[str]:
    values = [value] if isinstance(value, str) else value or []
    return {str(h).strip().lower() for h in values}


# Second-level labels under which a registrable domain has three labels (`example.com.cn`), for the suffixes
# the registry's papers use; an unknown suffix errs on the side of the shorter (two-label) domain only when
# the second label is not one of these.
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co", "idv", "ltd", "info", "xin"})


def registrable_domain(host: str) -> str:
    """The domain a host was registered under: `img.epaper.example.com.cn` → `example.com.cn`,
    `cdn.example.cn` → `example.cn`. An IP address or a one-label name is its own domain (127.0.0.1 never
    shares a domain with 127.0.0.2)."""
    host = host.strip(".").lower()
    labels = host.split(".")
    if len(labels) < 2 or all(label.isdigit() for label in labels) or ":" in host:
        return host
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class PageCaps:
    """EPAPER_MAX_* settings: how much of one page list, article list and hotspot polygon is believed."""

    pages: int = 200
    articles: int = 500
    polygon_coordinates: int = 20000

    @classmethod
    def from_settings(cls, settings: Any) -> PageCaps:
        return cls(
            settings.getint("EPAPER_MAX_PAGES_PER_EDITION", cls.pages),
            settings.getint("EPAPER_MAX_ARTICLES_PER_PAGE", cls.articles),
            settings.getint("EPAPER_MAX_POLYGON_COORDINATES", cls.polygon_coordinates),
        )


@dataclass(frozen=True)
class CapHit:
    """One cap a page hit: the stats key suffix, how many things were dropped, the first dropped URL (None for
    polygons: the article itself is still fetched) and the reason for the ledger."""

    stat: str
    dropped: int
    url: str | None
    reason: str


def cap_page(record: PageRecord, caps: PageCaps) -> tuple[PageRecord, list[CapHit]]:
    """The record with its page list, article list and polygons cut to the caps, and what was cut."""
    hits: list[CapHit] = []
    pages, articles = record.pages, record.articles
    if caps.pages > 0 and len(pages) > caps.pages:
        hits.append(
            CapHit(
                "pages_per_edition",
                len(pages) - caps.pages,
                pages[caps.pages].url,
                f"skipped: the page list has {len(pages)} pages, over EPAPER_MAX_PAGES_PER_EDITION={caps.pages}; "
                f"{len(pages) - caps.pages} not fetched",
            )
        )
        pages = pages[: caps.pages]
    if caps.articles > 0 and len(articles) > caps.articles:
        hits.append(
            CapHit(
                "articles_per_page",
                len(articles) - caps.articles,
                articles[caps.articles].url,
                f"skipped: page {record.number} lists {len(articles)} articles, over "
                f"EPAPER_MAX_ARTICLES_PER_PAGE={caps.articles}; {len(articles) - caps.articles} not fetched",
            )
        )
        articles = articles[: caps.articles]
    dropped_polygons = 0
    if caps.polygon_coordinates > 0:
        kept_refs = []
        for ref in articles:
            kept = [p for p in ref.polygons if len(p) <= caps.polygon_coordinates]
            if len(kept) != len(ref.polygons):
                dropped_polygons += len(ref.polygons) - len(kept)
                ref = dataclasses.replace(ref, polygons=kept)
            kept_refs.append(ref)
        articles = kept_refs
    if dropped_polygons:
        hits.append(
            CapHit(
                "polygon_coordinates",
                dropped_polygons,
                None,
                f"page {record.number}: {dropped_polygons} hotspot polygon(s) over "
                f"EPAPER_MAX_POLYGON_COORDINATES={caps.polygon_coordinates} coordinates not stored",
            )
        )
    if not hits:
        return record, hits
    return dataclasses.replace(record, pages=list(pages), articles=list(articles)), hits


def summary(notes: Iterable[str], limit: int = 500) -> str:
    """Notes for an edition's reason column, one sentence each, cut to `limit` characters."""
    text = "; ".join(dict.fromkeys(notes))
    return text if len(text) <= limit else text[: limit - 1] + "…"
