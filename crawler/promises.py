"""The page and article URLs a run asked for and has not heard back about.

Scrapy drops some requests without calling their errback: the dupefilter drops a redirect back to a URL already
requested (a redirect loop, a page that redirects to itself), UrlLengthMiddleware drops a URL over
URLLENGTH_LIMIT. Left alone, such a page or article silently never arrives and its edition ends `partial` with
no reason. The spider records every request it makes here, ticks it off in its callback or errback, and when
the crawl runs dry turns what is left into failure rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scrapy import Request


def origin_url(request: Request) -> str:
    """The URL the spider asked for: a redirected request remembers it first in its redirect chain."""
    chain = request.meta.get("redirect_urls") or []
    return chain[0] if chain else request.url


@dataclass(frozen=True)
class Unanswered:
    paper: str
    day: dt.date
    kind: str  # "page" | "article"
    url: str
    page_url: str | None
    reason: str


class Promises:
    """Requests made and not yet answered, by URL (a URL asked for twice is answered once)."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[str, dt.date, str, str | None]] = {}
        self._dropped: dict[str, str] = {}  # URL → why the dupefilter dropped its redirect

    def __bool__(self) -> bool:
        return bool(self._open)

    def made(self, request: Request, paper: str, day: dt.date, kind: str, page_url: str | None) -> None:
        self._open.setdefault(request.url, (paper, day, kind, page_url))

    def answered(self, request: Request) -> None:
        self._open.pop(origin_url(request), None)

    def dropped(self, request: Request) -> None:
        """The scheduler's dupefilter dropped `request` (the request_dropped signal)."""
        url = origin_url(request)
        if url not in self._open:
            return
        chain = request.meta.get("redirect_urls") or []
        if not chain:
            # a plain duplicate: the URL was requested before in this run (or in the JOBDIR run it resumes), and
            # that request answers for it
            self._open.pop(url, None)
        elif request.url in chain:
            self._dropped[url] = "redirect loop: " + " → ".join([*chain, request.url])
        else:
            self._dropped[url] = "redirected to a URL this run had already requested: " + " → ".join(
                [*chain, request.url]
            )

    def settle(self, url_length_limit: int = 0) -> list[Unanswered]:
        """Everything still unanswered, with the best reason known; the book is empty afterwards."""
        result = []
        for url, (paper, day, kind, page_url) in self._open.items():
            reason = self._dropped.get(url)
            if reason is None and url_length_limit and len(url) > url_length_limit:
                reason = (
                    f"URL of {len(url)} characters, over URLLENGTH_LIMIT={url_length_limit}: not requested"
                )
            result.append(
                Unanswered(
                    paper,
                    day,
                    kind,
                    url,
                    page_url,
                    reason or "dropped by a Scrapy filter before it was fetched",
                )
            )
        self._open.clear()
        return result
