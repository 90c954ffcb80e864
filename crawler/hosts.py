"""Requests of a paper go to the paper's own hosts only, redirects included.

A page or article that redirects to another host would otherwise be followed, and that host's content stored and
archived as the paper's. Scrapy's OffsiteMiddleware knows one domain list per spider and lets `dont_filter`
requests (our entry pages) through; a run covers many papers, each with its own hosts: the hosts of its
registry base URLs plus its optional `allowed_hosts` list (crawler/limits.py). Page images and PDFs are often
served by a CDN or a media host: a media request may also go to the paper's `media_hosts`, its homepage's host
and any host of a base URL's registrable domain (`PaperLimits.allows`); a redirect anywhere else is refused
all the same. A refused request reaches the spider's errback, which records a failure row with the reason.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.limits import PaperLimits, host_of, paper_limits

logger = logging.getLogger(__name__)


class OffHostRequest(IgnoreRequest):
    """A request (usually a redirect) of a paper to a host that is not the paper's."""


class AllowedHostsMiddleware:
    """Refuse requests of a paper (meta `paper`) to hosts outside the paper's allowed hosts."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._limits: dict[str, PaperLimits] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        return cls(crawler)

    def allowed(self, paper_key: str) -> PaperLimits | None:
        """The paper's host rules, or None when the spider knows no such paper (then nothing is refused)."""
        if paper_key not in self._limits:
            registry = getattr(self.crawler.spider, "registry", None) or {}
            if paper_key not in registry:
                return None
            self._limits[paper_key] = paper_limits(registry[paper_key])
        return self._limits[paper_key]

    def process_request(self, request: Request) -> None:
        paper_key = request.meta.get("paper")
        if not paper_key:
            return
        limits = self.allowed(paper_key)
        host = host_of(request.url)
        media = request.meta.get("media") is not None  # a page image or PDF (also a pdf-only family's page)
        if limits is None or not request.url.startswith(("http:", "https:")) or limits.allows(host, media):
            return
        hosts = limits.media_hosts | limits.allowed_hosts if media else limits.allowed_hosts
        chain = request.meta.get("redirect_urls") or []
        if chain:
            reason = f"redirect to another host refused: {chain[0]} → {request.url}"
        else:
            reason = f"request to another host refused: {request.url}"
        hint = "allowed_hosts or media_hosts" if media else "allowed_hosts"
        reason += f" ({host} is not among the paper's hosts {', '.join(sorted(hosts))}; see {hint})"
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("epaper/limits/off_host")
        logger.warning("%s: %s", paper_key, reason)
        raise OffHostRequest(reason)
