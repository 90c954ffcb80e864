"""The routing decisions of a run, in one place: the spider (crawler/spiders/epaper.py) and the offline
reparse (crawler/archive/replay.py) both call them, so a reparse stores exactly what the crawl stores.

A `Router` turns an answered request (`Answer`: URL, status, body, headers and the request's context) into
what follows from it: items for the pipelines (schema/records.py) and `Fetch` requests for the pages and
articles still to get. It decides whether a response is an entry, a page or an article, which paper and
edition it belongs to, that a missing entry (404/410) or one redirected to another date is `not_published`,
which page first listed an article (it is fetched once, from there), the caps of crawler/limits.py and the
failure rows of whatever could not be fetched or parsed. It never makes a request itself.

Companion documents: a family parser may raise `NeedsDocuments`; the router then yields `NeedDocuments`
(the URLs and the answer to parse again) instead of items, and the caller gets the bodies (the crawl
fetches them, the reparse looks them up in the archive) and calls `page`/`article` again with `documents`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from crawler.families import get_family
from crawler.families.contract import Family, ParseError
from crawler.limits import PageCaps, cap_page, summary
from crawler.media import measure
from crawler.parsing import Parsed, ParseJob, ParseKind, run
from crawler.registry import Paper
from pipelines.text.pdf.extract import is_pdf
from schema.records import (
    ArticleItem,
    ArticleRef,
    EditionItem,
    FailureItem,
    FailureKind,
    MediaItem,
    MediaKind,
    PageItem,
    PageRecord,
)

logger = logging.getLogger("epaper")  # the spider's own logger name (Scrapy names it after the spider)

# A dated entry that answers with one of these is a day without an edition, not an error.
NOT_PUBLISHED_STATUSES = (404, 410)

FetchKind = Literal["edition", "page", "article", "media"]
PDF_REASON = "the page PDF, for the text it prints inside the article's hotspots"


@dataclass(frozen=True)
class Fetch:
    """A request the router wants made: its URL and the context its answer is routed with."""

    url: str
    paper: str
    day: dt.date
    family: str
    kind: FetchKind
    seq: int = 1
    page_url: str | None = None
    page_number: str | None = None
    ref: ArticleRef | None = None
    media: MediaKind | None = None  # kind "media": a page image or page PDF; a pdf-only page: "pdf"
    pdf_url: str | None = None  # an article's page PDF, when the run reads text from it
    space: tuple[int | None, int | None] = (None, None)  # an article's hotspot coordinate space
    probe: bool = False  # a pdf-only page asked for by number: a 404 ends the edition, it is no failure
    page_name: str | None = None  # a pdf-only page's name, from its page list

    def meta(self) -> dict[str, Any]:
        """The context as request meta (the spider's requests carry it; `Answer.meta` reads it back)."""
        meta: dict[str, Any] = {"paper": self.paper, "day": self.day, "family": self.family, "kind": self.kind,
                                "seq": self.seq}
        if self.kind in ("edition", "page") and self.media:  # a pdf-only page: the PDF is the page
            meta.update(media=self.media, page_number=self.page_number, page_name=self.page_name, probe=self.probe)
        if self.kind == "article":
            meta.update(page_url=self.page_url, page_number=self.page_number, ref=self.ref)
            if self.pdf_url:
                meta.update(pdf_url=self.pdf_url, space=self.space)
        elif self.kind == "media":
            meta.update(page_url=self.page_url, page_number=self.page_number, media=self.media, media_url=self.url)
        return meta


@dataclass
class Answer:
    """A response as the router needs it: `url` where it was answered (after redirects), `requested` the URL of
    the request, `headers` one value per (Scrapy-normalised) name, `meta` the Fetch's context."""

    url: str
    requested: str
    status: int
    body: bytes
    headers: Mapping[str, str]
    meta: Mapping[str, Any]
    attempts: int = 1


@dataclass(frozen=True)
class NeedDocuments:
    """The parser of `answer` needs these documents first: get their bodies and route the answer again with
    `documents={url: body}`."""

    urls: tuple[str, ...]
    reason: str
    answer: Answer
    optional: bool = False  # a document the answer can do without (the page PDF): unavailable → routed with b""


Outcome = Any  # an item of schema/records.py, a Fetch or a NeedDocuments


@dataclass
class Router:
    """The per-run routing state (which page listed an article first, the limits hit per edition) and decisions."""

    registry: Mapping[str, Paper]
    caps: PageCaps = field(default_factory=PageCaps)
    inc: Callable[[str, int], None] = lambda key, count: None  # a stats counter
    listed: dict[tuple[str, dt.date], dict[str, str]] = field(default_factory=dict)  # article URL → first page
    notes: dict[tuple[str, dt.date], list[str]] = field(default_factory=dict)  # limits hit, for its reason
    entries: dict[tuple[str, dt.date], tuple[str, int]] = field(default_factory=dict)  # entry URL, pages
    media: frozenset[str] = frozenset()  # page media to fetch: "image", "pdf" (crawler/media.py)
    pdf_text: bool = False  # articles wait for their page PDF (text_from_pdf, the cross-check)

    # ----------------------------------------------------------------- editions

    def start(self, paper: Paper, day: dt.date) -> Iterator[Outcome]:
        """The EditionItem and entry Fetch of one (paper, date), or the failed edition when no layout covers it."""
        layout = paper.layout_for(day)
        if layout is None:
            yield EditionItem(paper.key, day, status="failed", reason="no layout in the registry covers this date")
            return
        family = get_family(layout.family)
        url = family.entry_url(layout.base_url, day, layout.entry)
        yield EditionItem(paper.key, day, url=url)
        media: MediaKind | None = "pdf" if _printed(family) and _is_pdf_url(family, url) else None
        yield Fetch(url, paper.key, day, family.key, "edition", seq=1, media=media)

    def forget(self, paper: str, day: dt.date) -> None:
        """Drop an edition's routing state once nothing more of it can arrive (the reparse, edition by edition)."""
        key = (paper, day)
        self.listed.pop(key, None)
        self.notes.pop(key, None)
        self.entries.pop(key, None)

    # ----------------------------------------------------------------- answers

    def context(self, meta: Mapping[str, Any]) -> tuple[Paper, dt.date, Family]:
        return self.registry[meta["paper"]], meta["day"], get_family(meta["family"])

    @staticmethod
    def options(paper: Paper, day: dt.date, documents: Mapping[str, bytes] | None = None) -> dict[str, Any]:
        """The parser options of a date: the layout's skin, and companion documents when there are any."""
        layout = paper.layout_for(day)
        options: dict[str, Any] = {"skin": layout.skin} if layout and layout.skin else {}
        if documents:
            options["documents"] = dict(documents)
        return options

    def parse_job(self, answer: Answer, documents: Mapping[str, bytes] | None = None) -> ParseJob:
        """The layout parse of a page or article answer, as a job that this thread or a worker can run
        (crawler/parsing.py); `page`/`article` take its outcome as `parsed`."""
        paper, day, family = self.context(answer.meta)
        kind: ParseKind = "article" if answer.meta["kind"] == "article" else "page"
        return ParseJob(family.key, kind, answer.body, answer.url, day, dict(answer.headers),
                        self.options(paper, day, documents))

    def route(self, answer: Answer, documents: Mapping[str, bytes] | None = None) -> Iterator[Outcome]:
        """An answer of any kind: an entry or page (`page`), else an article."""
        if answer.meta["kind"] == "article":
            return self.article(answer, documents)
        if answer.meta["kind"] == "media":
            return self.media_file(answer)
        return self.page(answer, documents)

    def page(
        self, answer: Answer, documents: Mapping[str, bytes] | None = None, parsed: Parsed | None = None
    ) -> Iterator[Outcome]:
        """An entry or page answer: its PageItem, the edition (from the entry), the page and article Fetches.
        `parsed`: the outcome of its `parse_job`, when a worker parsed it already."""
        paper, day, family = self.context(answer.meta)
        if _printed(family):
            yield from self.printed_page(answer, paper, day, family)
            return
        is_entry = answer.meta["kind"] == "edition"
        if is_entry and answer.status in NOT_PUBLISHED_STATUSES:
            yield EditionItem(paper.key, day, url=answer.url, status="not_published", reason=f"HTTP {answer.status}")
            return
        served = family.date_from_url(answer.url)
        if is_entry and served is not None and served != day:
            reason = f"redirected to the edition of {served}"
            yield EditionItem(paper.key, day, url=answer.url, status="not_published", reason=reason)
            return
        parsed = parsed or run(self.parse_job(answer, documents))
        if parsed.needs is not None:
            yield NeedDocuments(*parsed.needs, answer)
            return
        if parsed.error is not None:
            kind: FailureKind = "edition" if is_entry else "page"
            yield FailureItem(paper.key, day, answer.url, kind, f"parse: {parsed.error}", answer.attempts)
            if is_entry:
                yield EditionItem(paper.key, day, url=answer.url, status="failed", reason=f"parse: {parsed.error}")
            return
        record: PageRecord = parsed.record
        record, notes = self._capped(record, answer.url, paper, day, is_entry)
        yield from notes
        seq = _seq_of(record, answer.url, answer.meta.get("seq", 1))
        first_lister = self.listed.setdefault((paper.key, day), {})  # article URL → the page that listed it first
        for ref in record.articles:
            first_lister.setdefault(ref.url, record.url)
        elsewhere = [ref.url for ref in record.articles if first_lister[ref.url] != record.url]
        yield PageItem(paper.key, day, seq, record, listed_elsewhere=elsewhere)
        if is_entry:
            pages = len(record.pages) or 1
            self.entries[(paper.key, day)] = (answer.url, pages)
            yield EditionItem(paper.key, day, url=answer.url, page_count=pages, reason=self.edition_reason(paper.key, day))
            for i, page_ref in enumerate(record.pages, start=1):
                if page_ref.url != answer.url and page_ref.url != answer.requested:
                    yield Fetch(page_ref.url, paper.key, day, family.key, "page", seq=i)
        skip = set(elsewhere)
        pdf_url = record.own_pdf_url() if self.pdf_text else None
        space = (record.coordinate_space.width, record.coordinate_space.height)
        for position, ref in enumerate(record.articles, start=1):
            if ref.url in skip:
                continue  # fetched once, from the page that listed it first
            yield Fetch(ref.url, paper.key, day, family.key, "article", seq=position, page_url=record.url,
                        page_number=record.number, ref=ref, pdf_url=pdf_url if ref.polygons else None, space=space)
        yield from self.media_fetches(paper.key, day, family.key, record.url, record.number,
                                      record.image_url or record.coordinate_space.image_url, record.own_pdf_url())

    def media_fetches(self, paper: str, day: dt.date, family: str, page_url: str, number: str,
                      image_url: str | None, pdf_url: str | None) -> Iterator[Fetch]:
        """The page image and PDF Fetches this run's media setting asks for."""
        for kind, url in (("image", image_url), ("pdf", pdf_url)):
            if url and kind in self.media:
                yield Fetch(url, paper, day, family, "media", page_url=page_url, page_number=number,
                            media=kind)  # type: ignore[arg-type]  # kind is a MediaKind

    def media_file(self, answer: Answer) -> Iterator[Outcome]:
        """A fetched page image or PDF: the MediaItem the page row records of it."""
        meta = answer.meta
        measured = measure(meta["media"], answer.body)
        self.inc(f"epaper/media/{meta['media']}", 1)
        self.inc("epaper/media/bytes", measured.size)
        url = meta.get("media_url") or answer.requested  # the URL the page names, not where a redirect led
        yield MediaItem(meta["paper"], meta["day"], meta["page_number"], meta["media"], url,
                        measured.sha256, measured.size, measured.width, measured.height)

    def article(
        self, answer: Answer, documents: Mapping[str, bytes] | None = None, parsed: Parsed | None = None
    ) -> Iterator[Outcome]:
        """An article answer: its ArticleItem, or the failure row of a parse error (`parsed` as for `page`)."""
        paper, day, _ = self.context(answer.meta)
        meta = answer.meta
        parsed = parsed or run(self.parse_job(answer, documents))
        if parsed.needs is not None:
            yield NeedDocuments(*parsed.needs, answer)
            return
        if parsed.error is not None:
            yield FailureItem(paper.key, day, answer.url, "article", f"parse: {parsed.error}", answer.attempts,
                              meta["page_url"])
            return
        article = parsed.record
        pdf: bytes | None = None
        pdf_url = meta.get("pdf_url") if self.pdf_text else None
        if pdf_url:
            if documents is None or pdf_url not in documents:
                yield NeedDocuments((pdf_url,), PDF_REASON, answer, optional=True)
                return
            pdf = documents[pdf_url] or None  # b"": the PDF could not be had (its media failure row says why)
        yield ArticleItem(
            paper=paper.key, date=day, page_url=meta["page_url"], page_number=meta["page_number"],
            seq=meta["seq"], ref=meta["ref"], article=article, script=_script(paper),
            region=paper.region_code, page_pdf=pdf, page_space=tuple(meta.get("space") or (None, None)),
        )

    def failed(self, meta: Mapping[str, Any], url: str, reason: str, attempts: int) -> Iterator[Outcome]:
        """A request that could not be answered (after retries): its failure row, and a failed edition for an entry.
        A pdf-only page PDF (not the first) is a `media` row; its edition is partial, promising that page."""
        paper, day, kind = meta["paper"], meta["day"], meta["kind"]
        if kind == "page" and meta.get("media"):
            kind = "media"
        yield FailureItem(paper, day, url, kind, reason, attempts, meta.get("page_url"))
        if kind == "edition":
            yield EditionItem(paper, day, url=url, status="failed", reason=reason)
        elif meta.get("probe"):  # the pages after it are not asked for: the edition promised this one
            yield from self._probe_end(paper, day, meta["seq"], f"page {meta['seq']} not fetched: {reason}")

    def unanswered(self, lost: list[Any]) -> Iterator[Outcome]:
        """Failure rows for promised URLs never fetched (crawler/promises.py `Unanswered`), and their editions'
        reasons."""
        per_edition: dict[tuple[str, dt.date], list[str]] = {}
        for one in lost:
            logger.warning("%s %s: %s %s never fetched: %s", one.paper, one.day, one.kind, one.url[:200], one.reason)
            self.inc("epaper/limits/dropped_requests", 1)
            per_edition.setdefault((one.paper, one.day), []).append(one.reason)
            yield FailureItem(one.paper, one.day, one.url, one.kind, one.reason, 0, one.page_url)
        for (paper, day), reasons in per_edition.items():
            self.note(paper, day, f"{len(reasons)} promised URL(s) never fetched: {reasons[0]}")
            url, pages = self.entries.get((paper, day), (None, None))
            yield EditionItem(paper, day, url=url, page_count=pages, reason=self.edition_reason(paper, day))

    # ----------------------------------------------------------------- pdf-only (a paper of page PDFs)

    def printed_page(self, answer: Answer, paper: Paper, day: dt.date, family: Any) -> Iterator[Outcome]:
        """A pdf-only answer: the page list (an HTML entry) or a page PDF, whose stories are stored as its
        articles from the PDF's own bytes (no article request). The first page absent: the edition is missing
        (nothing says whether it was published); a numbered page absent: the edition has the pages before it."""
        meta, seq = answer.meta, answer.meta.get("seq", 1)
        is_entry = meta["kind"] == "edition"
        if answer.status in NOT_PUBLISHED_STATUSES:
            if is_entry:
                yield EditionItem(paper.key, day, url=answer.url, reason=f"first page absent (HTTP {answer.status})")
            elif meta.get("probe"):
                yield from self._probe_end(paper.key, day, seq - 1)
            return
        served = family.date_from_url(answer.url)
        if is_entry and served is not None and served != day:
            reason = f"redirected to the edition of {served}"
            yield EditionItem(paper.key, day, url=answer.url, status="not_published", reason=reason)
            return
        if not is_pdf(answer.body):
            if meta.get("probe"):  # a site that answers a page past the last with an HTML "not found" (a soft 404)
                yield from self._probe_end(paper.key, day, seq - 1, f"page {seq} answered with no PDF (a soft 404)")
            elif is_entry and meta.get("media") is None:
                yield from self._page_list(answer, paper, day, family)
            else:
                kind: FailureKind = "edition" if is_entry else "media"
                yield FailureItem(paper.key, day, answer.url, kind, "parse: not a PDF", answer.attempts)
                if is_entry:
                    yield EditionItem(paper.key, day, url=answer.url, status="failed", reason="parse: not a PDF")
            return
        options = {**self.options(paper, day), "script": _script(paper), "number": meta.get("page_number"),
                   "name": meta.get("page_name")}
        try:
            record = family.parse_page(answer.body, answer.url, day, answer.headers, options)
        except ParseError as exc:
            yield from self.failed(meta, answer.url, f"parse: {exc}", answer.attempts)
            return
        if is_entry:
            self.entries[(paper.key, day)] = (answer.url, 1)
        record, notes = self._capped(record, answer.url, paper, day, False)
        # every story is parsed before the first item is handed on: the caller may route other answers between two
        # items (Scrapy's async callbacks), which would evict this page from the PDF reader's small cache
        stories: list[Outcome] = []
        for position, ref in enumerate(record.articles, start=1):
            try:
                article = family.parse_article(answer.body, ref.url, day, answer.headers, options)
                printed = family.printed_text(answer.body, ref.url, options)
            except ParseError as exc:
                stories.append(FailureItem(paper.key, day, ref.url, "article", f"parse: {exc}", answer.attempts,
                                           record.url))
                continue
            stories.append(ArticleItem(paper=paper.key, date=day, page_url=record.url, page_number=record.number,
                                       seq=position, ref=ref, article=article, script=_script(paper),
                                       region=paper.region_code, printed=printed))
        after = list(self._next_page(paper, day, family, seq, is_entry or bool(meta.get("probe"))))
        yield from (o for o in after if isinstance(o, Fetch))  # the next page downloads while these are stored
        yield from notes
        yield PageItem(paper.key, day, seq, record)
        measured = measure("pdf", answer.body)
        self.inc("epaper/media/pdf", 1)
        self.inc("epaper/media/bytes", measured.size)
        yield MediaItem(paper.key, day, record.number, "pdf", record.pdf_url or answer.url, measured.sha256,
                        measured.size, measured.width, measured.height)
        yield from stories
        yield from (o for o in after if not isinstance(o, Fetch))

    def _next_page(self, paper: Paper, day: dt.date, family: Any, seq: int, numbered: bool) -> Iterator[Outcome]:
        """After page `seq` of a template probe: the next page's Fetch, or the end of the edition at the cap."""
        layout = paper.layout_for(day)
        if layout is None or not numbered or not family.probes(layout.entry):
            return
        cap = min(family.MAX_PAGES, self.caps.pages)
        if seq >= cap:
            self.inc("epaper/limits/pages_per_edition", 1)
            self.note(paper.key, day, f"page PDFs asked for up to page {cap} (the cap); more may exist")
            yield from self._probe_end(paper.key, day, seq)
            return
        url = family.page_url(layout.base_url, day, layout.entry, seq + 1)
        yield Fetch(url, paper.key, day, family.key, "page", seq=seq + 1, media="pdf", probe=True)

    def _page_list(self, answer: Answer, paper: Paper, day: dt.date, family: Any) -> Iterator[Outcome]:
        """A pdf-only page list: the edition promises its PDFs, each fetched as a page."""
        try:
            record = family.parse_page(answer.body, answer.url, day, answer.headers, self.options(paper, day))
        except ParseError as exc:
            yield FailureItem(paper.key, day, answer.url, "edition", f"parse: {exc}", answer.attempts)
            yield EditionItem(paper.key, day, url=answer.url, status="failed", reason=f"parse: {exc}")
            return
        record, notes = self._capped(record, answer.url, paper, day, True)
        self.entries[(paper.key, day)] = (answer.url, len(record.pages))
        yield from notes
        yield EditionItem(paper.key, day, url=answer.url, page_count=len(record.pages),
                          reason=self.edition_reason(paper.key, day))
        for i, ref in enumerate(record.pages, start=1):
            yield Fetch(ref.pdf_url or ref.url, paper.key, day, family.key, "page", seq=i, media="pdf",
                        page_number=ref.number, page_name=ref.name)

    def _probe_end(self, paper: str, day: dt.date, pages: int, note: str | None = None) -> Iterator[Outcome]:
        """The numbered pages stop here: the edition has `pages` pages."""
        if note:
            self.note(paper, day, note)
        url = self.entries.get((paper, day), (None, 0))[0]
        self.entries[(paper, day)] = (url or "", pages)
        yield EditionItem(paper, day, url=url, page_count=pages, reason=self.edition_reason(paper, day))

    # ----------------------------------------------------------------- limits

    def _capped(
        self, record: PageRecord, url: str, paper: Paper, day: dt.date, is_entry: bool
    ) -> tuple[PageRecord, list[Any]]:
        """The page record within the caps (crawler/limits.py), and the failure rows for what was cut."""
        items: list[Any] = []
        record, hits = cap_page(record, self.caps)
        for hit in hits:
            if hit.stat == "pages_per_edition" and not is_entry:
                continue  # every page repeats the edition's page list: counted once, from the entry
            self.inc(f"epaper/limits/{hit.stat}", hit.dropped)
            logger.warning("%s %s: %s (%s)", paper.key, day, hit.reason, url)
            self.note(paper.key, day, hit.reason)
            if hit.url is not None:
                kind: FailureKind = "page" if hit.stat == "pages_per_edition" else "article"
                items.append(FailureItem(paper.key, day, hit.url, kind, hit.reason, 0, record.url))
        if hits and (paper.key, day) in self.entries:
            entry, pages = self.entries[(paper.key, day)]
            items.append(EditionItem(paper.key, day, url=entry, page_count=pages,
                                     reason=self.edition_reason(paper.key, day)))
        return record, items

    def note(self, paper: str, day: dt.date, text: str) -> None:
        self.notes.setdefault((paper, day), []).append(text)

    def edition_reason(self, paper: str, day: dt.date) -> str | None:
        notes = self.notes.get((paper, day))
        return summary(notes) if notes else None


def _printed(family: Family) -> bool:
    """A family whose pages are PDFs that print their stories (pdf-only): no article requests."""
    return bool(getattr(family, "PRINTED", False))


def _is_pdf_url(family: Family, url: str) -> bool:
    return bool(getattr(family, "is_pdf_url", lambda _: False)(url))


def _script(paper: Paper) -> Literal["hans", "hant"]:
    return "hant" if paper.script == "hant" else "hans"


def _seq_of(record: PageRecord, url: str, default: int) -> int:
    for i, ref in enumerate(record.pages, start=1):
        if ref.url == url:
            return i
    return default
