"""Companion documents in a crawl: the `…_plist.htm`, `data.js` or page JSON a page's parse needs first.

A family parser that needs another document of the edition raises contract.NeedsDocuments with its URLs. The
spider hands the response here (`fetch`): every named URL not yet held is requested once per edition and
worker (dont_filter: a plist is named by every page of the edition), and the waiting response is kept. When its
last document arrives (`arrived`) the spider's own callback is called again with that response, now with
`options["documents"]` (`options`). A document that cannot be fetched (`lost`) becomes a failure row of every
page waiting for it, never a silent loss; a parser that names a document it was already given gets a
ParseError (`parse`), as the contract says.

The document request also carries the waiting page (URL, body, headers, meta) in its meta, and its callbacks
are spider methods: so it survives a JOBDIR disk queue and a shared Redis frontier, where the worker that
fetches the document may not be the one that parsed the page. Bodies are kept per (paper, date) for the run;
an edition's documents are small (a page list, a data file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.families.contract import NeedsDocuments, ParseError
from crawler.fetch_failure import failure_reason
from schema.records import EditionItem, FailureItem

Edition = tuple[str, dt.date]
Callback = Callable[[Response], Iterator[Any]]
# request meta that is Scrapy's own bookkeeping of the page request, not the spider's context
TRANSIENT_META = frozenset({"download_slot", "download_latency", "download_timeout", "_dont_cache"})


def snapshot(response: Response, callback: str) -> dict[str, Any]:
    """What a waiting page needs to be parsed again anywhere: its URL, body, headers, meta, callback name."""
    return {
        "url": response.url,
        "body": response.body,
        "status": response.status,
        "headers": {
            k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()
        },
        "meta": {k: v for k, v in response.meta.items() if k not in TRANSIENT_META},
        "callback": callback,
    }


def restore(snap: Mapping[str, Any]) -> Response:
    """The waiting page's response, rebuilt from its snapshot (meta included, so the callback sees its context)."""
    request = scrapy.Request(snap["url"], meta=dict(snap["meta"]), dont_filter=True)
    return scrapy.http.HtmlResponse(
        snap["url"], status=snap["status"], headers=snap["headers"], body=snap["body"], request=request
    )


@dataclass
class Documents:
    """The companion documents of the editions a spider is crawling, and the responses waiting for them."""

    bodies: dict[Edition, dict[str, bytes]] = field(default_factory=dict)
    failed: dict[Edition, dict[str, str]] = field(default_factory=dict)
    waiting: dict[Edition, dict[str, tuple[dict[str, Any], tuple[str, ...]]]] = field(default_factory=dict)
    requested: set[tuple[str, dt.date, str]] = field(default_factory=set)

    def held(self, paper: str, day: dt.date) -> dict[str, bytes]:
        """The edition's documents fetched so far, by URL ({} when there are none)."""
        return dict(self.bodies.get((paper, day), {}))

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
        callback: str,
        on_arrival: Callback,
        on_error: Callable[..., Any],
    ) -> Iterator[Any]:
        """Requests for the documents the response's parse needs (`callback` names the spider method to call
        again); the response waits for them."""
        meta = response.meta
        paper, day = meta["paper"], meta["day"]
        edition = (paper, day)
        failed = self.failed.get(edition, {})
        lost = [u for u in needs.urls if u in failed]
        if lost:
            yield from self._failure(response.url, dict(meta), lost[0], failed[lost[0]])
            return
        snap = snapshot(response, callback)
        self.waiting.setdefault(edition, {})[response.url] = (snap, needs.urls)
        for url in needs.urls:
            if (paper, day, url) in self.requested:
                continue  # another page of the edition asked first: one request serves both
            self.requested.add((paper, day, url))
            keep = ("paper", "day", "family", "dont_obey_robotstxt", "download_maxsize", "download_warnsize")
            doc_meta: dict[str, Any] = {k: meta[k] for k in keep if k in meta}
            doc_meta.update(kind="document", document_for=snap)
            yield scrapy.Request(
                url, callback=on_arrival, errback=on_error, meta=doc_meta, dont_filter=True, priority=10
            )

    def arrived(self, response: Response, spider: Any) -> Iterator[Any]:
        """A document came: keep it, and parse again every waiting page whose documents are now all held (and
        the page the request carries, when this worker does not know it: JOBDIR resume, another worker)."""
        meta = response.meta
        edition = (meta["paper"], meta["day"])
        held = self.bodies.setdefault(edition, {})
        held[response.url] = response.body
        requested = response.request.url if response.request is not None else response.url
        held[requested] = response.body  # a redirected document answers for the URL the parser named
        for named in (meta.get("redirect_urls") or [])[:1]:  # (the first of a redirect chain is that URL)
            held[named] = response.body
        waiting = self.waiting.setdefault(edition, {})
        carried = meta.get("document_for")
        ready = [snap for snap, urls in waiting.values() if all(u in held for u in urls)]
        if carried and carried["url"] not in waiting:
            ready.append(carried)
        for snap in ready:  # taken off the list now: Scrapy pulls this generator lazily, and another document
            waiting.pop(snap["url"], None)  # arriving meanwhile must not find them still waiting
        for snap in ready:
            yield from getattr(spider, snap["callback"])(restore(snap))

    def unavailable(self, paper: str, day: dt.date, url: str, spider: Any) -> Iterator[Any]:
        """An optional document (the page PDF) that cannot be had: held as b"", and the pages waiting for it
        parsed again without it (the router reads b"" as "not available")."""
        edition = (paper, day)
        self.bodies.setdefault(edition, {})[url] = b""
        waiting = self.waiting.setdefault(edition, {})
        ready = [snap for snap, urls in waiting.values() if url in urls]
        for snap in ready:
            waiting.pop(snap["url"], None)
        for snap in ready:
            yield from getattr(spider, snap["callback"])(restore(snap))

    def drop(self, paper: str, day: dt.date, url: str) -> None:
        """Let a body go that nothing will ask for again; it stays known as held (empty)."""
        held = self.bodies.get((paper, day))
        if held is not None and url in held:
            held[url] = b""

    def lost(self, failure: Failure) -> Iterator[Any]:
        """A document could not be fetched: a failure row for each page waiting for it."""
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy's errback
        meta = request.meta
        edition = (meta["paper"], meta["day"])
        reason = failure_reason(failure, 300)
        self.failed.setdefault(edition, {})[request.url] = reason
        waiting = self.waiting.setdefault(edition, {})
        snaps = [snap for snap, urls in waiting.values() if request.url in urls]
        carried = meta.get("document_for")
        if carried and carried["url"] not in waiting:
            snaps.append(carried)
        for snap in snaps:
            waiting.pop(snap["url"], None)
            yield from self._failure(snap["url"], snap["meta"], request.url, reason)

    @staticmethod
    def _failure(url: str, meta: Mapping[str, Any], document: str, reason: str) -> Iterator[Any]:
        kind = meta["kind"]
        why = f"companion document {document}: {reason}"
        attempts = meta.get("retry_times", 0) + 1
        yield FailureItem(meta["paper"], meta["day"], url, kind, why, attempts, meta.get("page_url"))
        if kind == "edition":
            yield EditionItem(meta["paper"], meta["day"], url=url, status="failed", reason=why)
