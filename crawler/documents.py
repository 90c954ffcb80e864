"""Companion documents in a crawl: the `…_plist.htm`, `data.js` or page JSON a page's parse needs first.

A family parser that needs another document of the edition raises contract.NeedsDocuments with its URLs. The
spider hands the response here (`fetch`): every named URL not yet held is requested once per edition
(dont_filter: a plist is named by every page of the edition), the waiting response is kept, and when its last
document arrives the spider's own callback is called again with the same response, now with
`options["documents"]` (`options`). A document that cannot be fetched becomes a failure row of every page
waiting for it, never a silent loss; a parser that names a document it was already given gets a ParseError
(`parse`), as the contract says.

Bodies are kept per (paper, date) for the run; an edition's documents are small (a page list, a data file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.families.contract import NeedsDocuments, ParseError
from schema.records import EditionItem, FailureItem

Edition = tuple[str, dt.date]


@dataclass
class _Waiting:
    response: Response
    callback: Callable[[Response], Iterator[Any]]
    urls: tuple[str, ...]


@dataclass
class Documents:
    """The companion documents of the editions a spider is crawling, and the responses waiting for them."""

    bodies: dict[Edition, dict[str, bytes]] = field(default_factory=dict)
    failed: dict[Edition, dict[str, str]] = field(default_factory=dict)
    waiting: dict[Edition, list[_Waiting]] = field(default_factory=dict)
    requested: set[tuple[str, dt.date, str]] = field(default_factory=set)

    def options(self, paper: str, day: dt.date, options: Mapping[str, Any]) -> dict[str, Any]:
        """The parser options with the edition's documents fetched so far (unchanged when there are none)."""
        held = self.bodies.get((paper, day))
        return {**options, "documents": dict(held)} if held else dict(options)

    def parse(self, parse: Callable[..., Any], paper: str, day: dt.date, *args: Any) -> Any:
        """`parse(*args)`; a NeedsDocuments for a document the parser was already given is a ParseError."""
        try:
            return parse(*args)
        except NeedsDocuments as needs:
            held = self.bodies.get((paper, day), {})
            again = [u for u in needs.urls if u in held]
            if again:
                raise ParseError(
                    f"{needs.reason}: asked again for {', '.join(again)} after it was given"
                ) from needs
            raise

    def fetch(
        self,
        response: Response,
        needs: NeedsDocuments,
        callback: Callable[[Response], Iterator[Any]],
        errback: Callable[[Failure], Iterator[Any]] | None = None,
    ) -> Iterator[Any]:
        """Requests for the documents the response's parse needs; the response waits for them."""
        meta = response.meta
        paper, day = meta["paper"], meta["day"]
        edition = (paper, day)
        failed = self.failed.get(edition, {})
        lost = [u for u in needs.urls if u in failed]
        if lost:
            yield from self._failure(response, lost[0], failed[lost[0]])
            return
        self.waiting.setdefault(edition, []).append(_Waiting(response, callback, needs.urls))
        for url in needs.urls:
            if (paper, day, url) in self.requested:
                continue  # another page of the edition asked first: one request serves both
            self.requested.add((paper, day, url))
            keep = ("paper", "day", "family", "dont_obey_robotstxt")
            doc_meta: dict[str, Any] = {k: meta[k] for k in keep if k in meta}
            doc_meta.update(kind="document", document_for=response.url)
            yield scrapy.Request(
                url, callback=self.arrived, errback=self.lost, meta=doc_meta, dont_filter=True, priority=10
            )

    def arrived(self, response: Response) -> Iterator[Any]:
        """A document came: keep it, and re-run every waiting parse whose documents are now all held."""
        meta = response.meta
        edition = (meta["paper"], meta["day"])
        self.bodies.setdefault(edition, {})[response.url] = response.body
        requested = response.request.url if response.request is not None else response.url
        if requested != response.url:  # a redirected document answers for the URL the parser named
            self.bodies[edition][requested] = response.body
        held = self.bodies[edition]
        ready = [w for w in self.waiting.get(edition, []) if all(u in held for u in w.urls)]
        self.waiting[edition] = [w for w in self.waiting.get(edition, []) if w not in ready]
        for w in ready:
            yield from w.callback(w.response)

    def lost(self, failure: Failure) -> Iterator[Any]:
        """A document could not be fetched: a failure row for each page waiting for it."""
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy's errback
        meta = request.meta
        edition = (meta["paper"], meta["day"])
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        self.failed.setdefault(edition, {})[request.url] = reason
        waiting = [w for w in self.waiting.get(edition, []) if request.url in w.urls]
        self.waiting[edition] = [w for w in self.waiting.get(edition, []) if w not in waiting]
        for w in waiting:
            yield from self._failure(w.response, request.url, reason)

    @staticmethod
    def _failure(response: Response, url: str, reason: str) -> Iterator[Any]:
        meta = response.meta
        kind = meta["kind"]
        why = f"companion document {url}: {reason}"
        attempts = meta.get("retry_times", 0) + 1
        yield FailureItem(meta["paper"], meta["day"], response.url, kind, why, attempts, meta.get("page_url"))
        if kind == "edition":
            yield EditionItem(meta["paper"], meta["day"], url=response.url, status="failed", reason=why)
