"""The archive replayed through the routing decisions of the crawl, edition by edition, with no Scrapy engine.

`ArchiveSource` answers a routing `Fetch` (crawler/routing.py) from the archive index (crawler/archive/reader.py):
URL → WARC file + offset (a URL not found is looked up by paper + path, for a site that moved host or scheme,
or the demo server on another port). It does what Scrapy's downloader middlewares did to the stored response
in the crawl: the body is decompressed by its Content-Encoding, a 3xx (or an HTML meta refresh) is followed
to its target (a loop is a failure, as the crawl's dupefilter made it), a 404/410 is an entry's "not
published" and any other page's `HTTP 404` failure. A URL that is not in the archive is counted `missing`
and logged, and leaves the database alone: the reparse has learnt nothing about a page it never had, so what
the crawl recorded about it (a failure row with its real reason and attempts) stays as it is.

`replay_edition` runs one edition: the entry Fetch, then every page and article Fetch the router asks for,
in the order the crawl would ask for them, and yields the items the crawl's spider would have yielded.
Companion documents (NeedsDocuments) are looked up in the archive by URL; an article's page PDF (the router's
`pdf_text`) is handed over with the article's first routing, so that the article is parsed once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from crawler.archive.reader import ArchivedResponse, ArchiveIndex, RecordReader
from crawler.registry import Paper
from crawler.routing import NOT_PUBLISHED_STATUSES, Answer, Fetch, NeedDocuments, Router

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 20  # Scrapy's REDIRECT_MAX_TIMES
META_REFRESH_MAX_DELAY = 100  # Scrapy's METAREFRESH_MAXDELAY
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class Failed(Exception):
    """A request the crawl would have failed on (a redirect loop, an HTTP error): the reason and the attempts."""

    def __init__(self, reason: str, attempts: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


def decoded(body: bytes, encoding: str) -> bytes:
    """The body without its Content-Encoding, decoded by the very functions Scrapy's HttpCompressionMiddleware
    used on it in the crawl (gzip, deflate, and br/zstd when their packages are installed, as for the crawl);
    ValueError for an encoding the crawl could not have decoded either."""
    from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS, HttpCompressionMiddleware

    result = body
    for coding in reversed([c.strip().lower().encode() for c in encoding.split(",") if c.strip()]):
        if coding == b"identity":
            continue
        if coding not in ACCEPTED_ENCODINGS and coding != b"x-gzip":
            raise ValueError(f"unsupported Content-Encoding {coding.decode()!r}")
        result = HttpCompressionMiddleware._decode(result, coding, 0)
    return result


def _headers(stored: ArchivedResponse) -> dict[str, str]:
    """One value per name, names as Scrapy normalises them (title case), as the spider reads them."""
    headers: dict[str, str] = {}
    for name, value in stored.headers:
        headers.setdefault(name.title(), value)
    return headers


class ArchiveSource:
    """Answers Fetches from the archive (see the module docstring); `stats` counts what it did."""

    def __init__(self, index: ArchiveIndex) -> None:
        self.index = index
        self.reader = RecordReader(index.files)
        self.stats: Counter[str] = Counter()

    def close(self) -> None:
        self.reader.close()

    def stored(self, url: str, paper: str | None) -> ArchivedResponse | None:
        """The archived response of a URL, or None (counted `missing`, logged): not in the archive or damaged."""
        entry, moved = self.index.lookup(url, paper)
        if moved:
            self.stats["host_fallback"] += 1
        if entry is None:
            self.stats["missing"] += 1
            logger.warning("not in the archive, skipped: %s", url)
            return None
        try:
            stored = self.reader.read(entry.file, entry.offset, entry.length)
        except Exception as exc:  # noqa: BLE001 - a damaged record is a miss, not a crash
            self.stats["missing"] += 1
            self.stats["damaged"] += 1
            logger.warning("archive record of %s unreadable (%s), skipped", url, exc)
            return None
        self.stats["responses"] += 1
        self.stats["bytes"] += len(stored.body)
        return stored

    def answer(self, fetch: Fetch) -> Answer | None:
        """The answer the crawl's spider got for this Fetch; None when the archive cannot tell (missing).
        Raises Failed when the crawl would have failed it.

        In the order of Scrapy's downloader middlewares on a response: a 3xx is followed (RedirectMiddleware),
        the body decoded (HttpCompressionMiddleware), an HTML meta refresh followed (MetaRefreshMiddleware)."""
        url, chain = fetch.url, [fetch.url]
        while True:
            stored = self.stored(url, fetch.paper)
            if stored is None:
                return None
            headers = _headers(stored)
            body = stored.body
            target = None
            if stored.status in REDIRECT_STATUSES and headers.get("Location"):
                target = urljoin(url, headers["Location"])
            else:
                encoding = headers.pop("Content-Encoding", None)
                if encoding:
                    try:
                        body = decoded(body, encoding)
                    except Exception as exc:  # noqa: BLE001 - a body that does not decode is that page's failure
                        raise Failed(f"{type(exc).__name__}: cannot decode {encoding} body: {exc}"[:500]) from exc
                target = _meta_refresh(stored.status, headers, body, url)
            if target is None:
                break
            if target in chain:
                raise Failed("redirect loop: " + " → ".join([*chain, target]), 0)
            if len(chain) > MAX_REDIRECTS:
                raise Failed(f"more than {MAX_REDIRECTS} redirects: " + " → ".join(chain[:3]) + " → …")
            chain.append(target)
            url = target
        status = stored.status
        if not 200 <= status < 300 and not ((fetch.kind == "edition" or fetch.probe) and status in NOT_PUBLISHED_STATUSES):
            raise Failed(f"HTTP {status}")
        return Answer(url, fetch.url, status, body, headers, fetch.meta())


def _meta_refresh(status: int, headers: dict[str, str], body: bytes, url: str) -> str | None:
    """Where an HTML page's <meta http-equiv=refresh> sends the reader, as Scrapy's MetaRefreshMiddleware reads it."""
    if status != 200 or "html" not in headers.get("Content-Type", "text/html").lower():
        return None
    if b"refresh" not in body[:4096].lower():
        return None  # the middleware reads the first 4096 characters only: no refresh there, none at all
    from scrapy.http import HtmlResponse
    from scrapy.utils.response import get_meta_refresh

    page = HtmlResponse(url, body=body, headers=headers)  # decoded as Scrapy decoded it
    interval, target = get_meta_refresh(page, ignore_tags=("script", "noscript"))
    if target and interval is not None and interval < META_REFRESH_MAX_DELAY:
        return str(target)
    return None


def replay_edition(router: Router, source: ArchiveSource, paper: Paper, day: dt.date,
                   seen: set[str]) -> Iterator[Any]:
    """The items the crawl's spider yields for one edition, answered from the archive.

    `seen`: the page and article URLs already fetched in this run (a second request for one is dropped, as
    Scrapy's dupefilter drops it; the first request answers for it)."""
    queue: deque[Fetch] = deque()
    pdfs: dict[str, bytes] = {}  # the edition's page PDFs read so far (each is read for all its articles)
    yield from _follow(router.start(paper, day), queue, router, source, {}, pdfs)
    while queue:
        fetch = queue.popleft()
        if fetch.kind != "edition":
            if fetch.url in seen:
                source.stats["duplicates"] += 1
                continue
            seen.add(fetch.url)
        try:
            answer = source.answer(fetch)
        except Failed as failed:
            logger.warning("failed %s %s: %s", fetch.kind, fetch.url, failed.reason)
            yield from router.failed(fetch.meta(), fetch.url, failed.reason, failed.attempts)
            continue
        if answer is None:
            continue
        given: dict[str, bytes] = {}
        if fetch.kind == "article" and fetch.pdf_url and router.pdf_text:
            # the page PDF the router will ask for, handed over at once (as the crawl hands over the documents
            # it holds): the article is parsed once, not once without it and again with it
            pdf = _document(source, fetch.pdf_url, fetch.paper, True, pdfs)
            if pdf is not None:
                given[fetch.pdf_url] = pdf
                source.stats["documents"] += 1
        yield from _follow(router.route(answer, given or None), queue, router, source, given, pdfs)
    router.forget(paper.key, day)


def _follow(outcomes: Iterator[Any], queue: deque[Fetch], router: Router, source: ArchiveSource,
            given: dict[str, bytes], pdfs: dict[str, bytes]) -> Iterator[Any]:
    for outcome in outcomes:
        if isinstance(outcome, Fetch):
            queue.append(outcome)
        elif isinstance(outcome, NeedDocuments):
            yield from _with_documents(outcome, queue, router, source, given, pdfs)
        else:
            yield outcome


def _document(source: ArchiveSource, url: str, paper: str, optional: bool, pdfs: dict[str, bytes]) -> bytes | None:
    """A companion document's body from the archive (decoded); for an optional one (the page PDF) b"" when it
    is not archived or not a 2xx, and read once per edition (`pdfs`); None for a required one that is missing."""
    if optional and url in pdfs:
        source.stats["media_missing"] += int(not pdfs[url])
        return pdfs[url]
    if optional and source.index.lookup(url, paper)[0] is None:
        source.stats["media_missing"] += 1
        pdfs[url] = b""  # no page PDF archived (a crawl without EPAPER_MEDIA): the HTML text stands
        return b""
    stored = source.stored(url, paper)
    if stored is None or not 200 <= stored.status < 300:
        if not optional:
            source.stats["documents_missing"] += 1
            return None  # counted missing: the crawl's record of this page stays as it is
        source.stats["media_missing"] += 1
        pdfs[url] = b""  # the page PDF was not archived: the article is stored with its HTML text
        return b""
    encoding = _headers(stored).get("Content-Encoding")
    body = decoded(stored.body, encoding) if encoding else stored.body
    if optional:
        pdfs[url] = body
    return body


def _with_documents(need: NeedDocuments, queue: deque[Fetch], router: Router, source: ArchiveSource,
                    given: dict[str, bytes], pdfs: dict[str, bytes]) -> Iterator[Any]:
    """Route the answer again with the companion documents it named (looked up in the archive by URL) and those
    it was given already."""
    answer, paper = need.answer, need.answer.meta["paper"]
    documents = dict(given)
    for url in need.urls:
        body = _document(source, url, paper, need.optional, pdfs)
        if body is None:
            return
        documents[url] = body
    source.stats["documents"] += len(need.urls)
    for outcome in router.route(answer, documents):
        if isinstance(outcome, NeedDocuments):  # the contract forbids asking twice: a failure, not a loop
            reason = f"parse: {outcome.reason}: still needs {', '.join(outcome.urls)}"
            yield from router.failed(answer.meta, answer.url, reason, answer.attempts)
        elif isinstance(outcome, Fetch):
            queue.append(outcome)
        else:
            yield outcome
