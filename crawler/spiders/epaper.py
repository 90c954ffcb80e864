"""The one spider: edition (date) → pages (版面) → articles, for any registered paper.

It only makes requests and routes responses: the parsing is done by the pure family parsers
(crawler/families), the text work and storage by the item pipelines. Every edition, page and article it is
promised ends as an item: stored, not published, or a FailureItem with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from dateutil.parser import isoparse
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.config import resolve
from crawler.documents import Documents
from crawler.families import get_family
from crawler.families.contract import Family, NeedsDocuments, ParseError
from crawler.limits import PageCaps, PaperLimits, cap_page, paper_limits, summary
from crawler.promises import Promises, origin_url
from crawler.registry import Paper, RegistryError, load_registry, select_papers
from crawler.runlock import RunGuard
from schema.db import make_engine
from schema.records import (
    ArticleItem,
    ArticleRef,
    EditionItem,
    FailureItem,
    FailureKind,
    PageItem,
    PageRecord,
)
from schema.status import DONE, EditionState, edition_states

# A dated entry that answers with one of these is a day without an edition, not an error.
NOT_PUBLISHED_STATUSES = (404, 410)


# Relative days, in the paper's own timezone, so that a cron line needs no shell date arithmetic.
RELATIVE_DAYS = {"today": 0, "yesterday": -1}
ONLY_MODES = ("gaps",)


def _parse_day(value: str, name: str, paper: Paper | None = None) -> dt.date:
    if value.strip().lower() in RELATIVE_DAYS and paper is not None:
        return paper.today() + dt.timedelta(days=RELATIVE_DAYS[value.strip().lower()])
    try:
        return isoparse(value).date()
    except ValueError as exc:
        raise ValueError(f"-a {name}={value!r} is not a date (YYYY-MM-DD, today or yesterday)") from exc


def _flag(value: str | bool | None) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on") if value is not None else False


def skip_reason(state: EditionState | None, day: dt.date, paper: Paper, only: str | None, refresh: bool) -> str | None:
    """Why an edition needs no request in this run (a stats key suffix), or None to fetch it.

    `complete` editions are skipped unless refresh; with only=gaps a `not_published` verdict is skipped too, but
    only once it is final: a 404 seen on or before the edition's own day (in the paper's timezone) may just be
    an edition not yet online, so it stays a gap until a crawl after that day confirms it."""
    if refresh or state is None:
        return None
    if state.status == DONE:
        return "complete"
    if only == "gaps" and state.status == "not_published" and state.last_crawled_at is not None:
        checked = state.last_crawled_at
        if checked.tzinfo is None:
            checked = checked.replace(tzinfo=dt.timezone.utc)
        if checked.astimezone(ZoneInfo(paper.timezone)).date() > day:
            return "not_published"
    return None


def edition_dates(paper: Paper, date: str | None, start: str | None, end: str | None) -> list[dt.date]:
    """The dates a run covers: one date, a range, or today in the paper's timezone."""
    if date and (start or end):
        raise ValueError("give either -a date= or -a start= [-a end=], not both")
    if date:
        return [_parse_day(date, "date", paper)]
    if start or end:
        first = _parse_day(start, "start", paper) if start else paper.today()
        last = _parse_day(end, "end", paper) if end else paper.today()
        if last < first:
            raise ValueError(f"end {last} is before start {first}")
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [paper.today()]


def planned_papers(settings: Any, spider_args: dict[str, str]) -> list[Paper]:
    """The papers a run with these `-a` arguments covers; ValueError with a one-line reason for a bad argument."""
    spider = EpaperSpider(**spider_args)
    spider.select(settings)
    return spider.papers


class EpaperSpider(scrapy.Spider):
    name = "epaper"

    def __init__(
        self,
        paper: str | None = None,
        date: str | None = None,
        start: str | None = None,
        end: str | None = None,
        only: str | None = None,
        refresh: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._listed: dict[tuple[str, dt.date], dict[str, str]] = {}  # per edition: article URL → first page
        # page and article requests not yet answered: what Scrapy's filters drop without an errback still gets
        # a failure row (crawler/promises.py)
        self.promises = Promises()
        self.documents = Documents()  # companion documents (plist, data.js) per edition: crawler/documents.py
        self._notes: dict[tuple[str, dt.date], list[str]] = {}  # per edition: limits hit, for its reason
        self._entries: dict[tuple[str, dt.date], tuple[str, int]] = {}  # per edition: entry URL, promised pages
        self._limits: dict[str, PaperLimits] = {}
        self.caps = PageCaps()
        self.track_promises = True
        self.guard: RunGuard | None = None
        self._accounting = False
        if not paper:
            raise ValueError("-a paper=KEY[,KEY…] or -a paper=all is required")
        if only not in (None, "", *ONLY_MODES):
            raise ValueError(f"-a only={only!r}: the only mode is {', '.join(ONLY_MODES)}")
        self.paper_spec, self.date_arg, self.start_arg, self.end_arg = paper, date, start, end
        self.only_arg, self.refresh_arg = only or None, refresh
        self.refresh = _flag(refresh)
        self.papers: list[Paper] = []

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> EpaperSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.select(crawler.settings)
        settings = crawler.settings
        spider.caps = PageCaps.from_settings(settings)
        # a shared frontier hands requests to other workers: only the worker that made a request could account it;
        # the distributed add-on (crawler/distributed/runtime.py) sets EPAPER_DISTRIBUTED when a crawl shares its frontier
        distributed = bool(settings.get("EPAPER_DISTRIBUTED"))
        spider.track_promises = not distributed
        if spider.track_promises:
            crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
            crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        # one run per paper at a time (data/locks/), and a JOBDIR left by a killed run is made safe to resume;
        # workers of a shared Redis frontier run side by side on purpose and coordinate through Redis instead
        spider.guard = None if distributed else RunGuard.install(crawler, spider)
        return spider

    def select(self, settings: Any) -> None:
        """Resolve the paper keys against the registry and every date argument now (ValueError), before the
        run is recorded or a request made: a bad argument must not become a `finished` run of nothing."""
        config = resolve(settings)
        registry = load_registry(config.registry_path, config.fixture_url)
        try:
            self.papers = select_papers(registry, self.paper_spec)
        except RegistryError as exc:
            raise ValueError(str(exc)) from exc
        self.registry = registry
        for _ in self.plan():
            pass

    # ----------------------------------------------------------------- requests

    def plan(self) -> Iterator[tuple[Paper, dt.date]]:
        """Every (paper, date) this run covers, in date order per paper."""
        for paper in self.papers:
            for day in edition_dates(paper, self.date_arg, self.start_arg, self.end_arg):
                yield paper, day

    async def start(self) -> Any:
        for request_or_item in self.start_items():
            yield request_or_item

    def start_items(self) -> Iterator[Any]:
        """One EditionItem and one entry request per (paper, date) that the ledger says still needs fetching."""
        ledger: dict[str, dict[dt.date, EditionState]] = {}
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        for paper, day in self.plan():
            if paper.key not in ledger:
                ledger[paper.key] = self._ledger(paper)
            skipped = skip_reason(ledger[paper.key].get(day), day, paper, self.only_arg, self.refresh)
            if skipped is not None:
                if stats is not None:
                    stats.inc_value(f"epaper/editions/skipped_{skipped}")
                continue
            if stats is not None:
                stats.inc_value("epaper/editions/planned")
            layout = paper.layout_for(day)
            if layout is None:
                yield EditionItem(paper.key, day, status="failed", reason="no layout in the registry covers this date")
                continue
            family = get_family(layout.family)
            url = family.entry_url(layout.base_url, day, layout.entry)
            yield EditionItem(paper.key, day, url=url)
            yield self._request(url, self.parse_page, paper, day, family, kind="edition", seq=1)

    def _ledger(self, paper: Paper) -> dict[dt.date, EditionState]:
        """The stored statuses of the paper's editions in this run's range (one query; {} on a new database)."""
        days = edition_dates(paper, self.date_arg, self.start_arg, self.end_arg)
        if self.refresh or not days:
            return {}
        settings = self.crawler.settings if getattr(self, "crawler", None) else None
        engine = make_engine(resolve(settings).database_url)
        try:
            return edition_states(engine, paper.key, min(days), max(days))
        finally:
            engine.dispose()

    def _request(
        self, url: str, callback: Any, paper: Paper, day: dt.date, family: Family, kind: str, **meta: Any
    ) -> scrapy.Request:
        meta.update(paper=paper.key, day=day, family=family.key, kind=kind)
        if not paper.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if kind == "edition":
            meta["handle_httpstatus_list"] = list(NOT_PUBLISHED_STATUSES)
        limits = self.limits_of(paper)
        if limits.max_response_bytes is not None:  # the registry's max_response_mb (also caps the decompressed body)
            meta["download_maxsize"] = limits.max_response_bytes
            meta["download_warnsize"] = min(limits.max_response_bytes, self._setting_int("DOWNLOAD_WARNSIZE"))
        # an entry is unique per date; a site that redirects a missing date to another date's entry must still
        # answer this request, not be dropped as a duplicate of that other date's request
        request = scrapy.Request(
            url, callback=callback, errback=self.on_error, meta=meta, dont_filter=kind == "edition"
        )
        if kind != "edition" and self.track_promises:
            self.promises.made(request, paper.key, day, kind, meta.get("page_url"))
        return request

    def limits_of(self, paper: Paper) -> PaperLimits:
        if paper.key not in self._limits:
            self._limits[paper.key] = paper_limits(paper)
        return self._limits[paper.key]

    def _setting_int(self, name: str, default: int = 0) -> int:
        crawler = getattr(self, "crawler", None)
        return crawler.settings.getint(name, default) if crawler is not None else default

    # ----------------------------------------------------------------- routing

    def _context(self, response: Response) -> tuple[Paper, dt.date, Family]:
        meta = response.meta
        return self.registry[meta["paper"]], meta["day"], get_family(meta["family"])

    def _moved_to_other_date(self, response: Response, family: Family, day: dt.date) -> dt.date | None:
        served = family.date_from_url(response.url)
        return served if served is not None and served != day else None

    def parse_page(self, response: Response) -> Iterator[Any]:
        paper, day, family = self._context(response)
        meta = response.meta
        self._answered(response)
        is_entry = meta["kind"] == "edition"
        if is_entry and response.status in NOT_PUBLISHED_STATUSES:
            yield EditionItem(paper.key, day, url=response.url, status="not_published", reason=f"HTTP {response.status}")
            return
        other = self._moved_to_other_date(response, family, day)
        if is_entry and other is not None:
            reason = f"redirected to the edition of {other}"
            yield EditionItem(paper.key, day, url=response.url, status="not_published", reason=reason)
            return
        layout = paper.layout_for(day)
        options = self.documents.options(paper.key, day, {"skin": layout.skin} if layout and layout.skin else {})
        try:
            record = self.documents.parse(
                family.parse_page, paper.key, day, response.body, response.url, day, self._headers(response), options
            )
        except NeedsDocuments as needs:
            yield from self.documents.fetch(response, needs, "parse_page", self.parse_document, self.on_document_error)
            return
        except ParseError as exc:
            kind: FailureKind = "edition" if is_entry else "page"
            yield FailureItem(paper.key, day, response.url, kind, f"parse: {exc}", self._attempts(response))
            if is_entry:
                yield EditionItem(paper.key, day, url=response.url, status="failed", reason=f"parse: {exc}")
            return
        record, notes = self._capped(record, response, paper, day, is_entry)
        yield from notes
        seq = self._seq_of(record, response.url, meta.get("seq", 1))
        first_lister = self._listed.setdefault((paper.key, day), {})  # article URL → the page that listed it first
        for ref in record.articles:
            first_lister.setdefault(ref.url, record.url)
        elsewhere = [ref.url for ref in record.articles if first_lister[ref.url] != record.url]
        yield PageItem(paper.key, day, seq, record, listed_elsewhere=elsewhere)
        if is_entry:
            self._entries[(paper.key, day)] = (response.url, len(record.pages) or 1)
            yield EditionItem(
                paper.key, day, url=response.url, page_count=len(record.pages) or 1,
                reason=self._edition_reason(paper.key, day),
            )
            requested = response.request.url if response.request is not None else response.url
            for i, page_ref in enumerate(record.pages, start=1):
                if page_ref.url != response.url and page_ref.url != requested:
                    yield self._request(page_ref.url, self.parse_page, paper, day, family, kind="page", seq=i)
        for position, ref in enumerate(record.articles, start=1):
            if ref.url in elsewhere:
                continue  # fetched once, from the page that listed it first
            yield self._request(
                ref.url, self.parse_article, paper, day, family, kind="article",
                page_url=record.url, page_number=record.number, seq=position, ref=ref,
            )

    def parse_article(self, response: Response) -> Iterator[Any]:
        paper, day, family = self._context(response)
        meta = response.meta
        ref: ArticleRef = meta["ref"]
        self._answered(response)
        layout = paper.layout_for(day)
        options = self.documents.options(paper.key, day, {"skin": layout.skin} if layout and layout.skin else {})
        try:
            article = self.documents.parse(
                family.parse_article, paper.key, day, response.body, response.url, day, self._headers(response), options
            )
        except NeedsDocuments as needs:
            yield from self.documents.fetch(
                response, needs, "parse_article", self.parse_document, self.on_document_error
            )
            return
        except ParseError as exc:
            yield FailureItem(
                paper.key, day, response.url, "article", f"parse: {exc}", self._attempts(response), meta["page_url"]
            )
            return
        yield ArticleItem(
            paper=paper.key, date=day, page_url=meta["page_url"], page_number=meta["page_number"],
            seq=meta["seq"], ref=ref, article=article, script="hant" if paper.script == "hant" else "hans",
            region=paper.region_code,
        )

    def parse_document(self, response: Response) -> Iterator[Any]:
        """A companion document arrived (crawler/documents.py): the pages waiting for it are parsed now."""
        yield from self.documents.arrived(response, self)

    def on_document_error(self, failure: Failure) -> Iterator[Any]:
        yield from self.documents.lost(failure)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Whatever could not be fetched after retries becomes a failure row, never a silent loss."""
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy's errback
        meta = request.meta
        paper, day, kind = meta["paper"], meta["day"], meta["kind"]
        url = origin_url(request)  # the paper's own URL, not where a refused redirect pointed
        self.promises.answered(request)
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]
        attempts = meta.get("retry_times", 0) + 1
        self.logger.warning("failed %s %s after %d attempt(s): %s", kind, url, attempts, reason)
        yield FailureItem(paper, day, url, kind if kind != "edition" else "edition", reason, attempts,
                          meta.get("page_url"))
        if kind == "edition":
            yield EditionItem(paper, day, url=url, status="failed", reason=reason)

    # ----------------------------------------------------------------- limits and dropped requests

    def _capped(
        self, record: PageRecord, response: Response, paper: Paper, day: dt.date, is_entry: bool
    ) -> tuple[PageRecord, list[Any]]:
        """The page record within the caps (crawler/limits.py), and the failure rows for what was cut."""
        items: list[Any] = []
        record, hits = cap_page(record, self.caps)
        for hit in hits:
            if hit.stat == "pages_per_edition" and not is_entry:
                continue  # every page repeats the edition's page list: counted once, from the entry
            self._inc(f"epaper/limits/{hit.stat}", hit.dropped)
            self.logger.warning("%s %s: %s (%s)", paper.key, day, hit.reason, response.url)
            self._note(paper.key, day, hit.reason)
            if hit.url is not None:
                kind: FailureKind = "page" if hit.stat == "pages_per_edition" else "article"
                items.append(FailureItem(paper.key, day, hit.url, kind, hit.reason, 0, record.url))
        if hits and (paper.key, day) in self._entries:
            url, pages = self._entries[(paper.key, day)]
            items.append(EditionItem(paper.key, day, url=url, page_count=pages, reason=self._edition_reason(paper.key, day)))
        return record, items

    def _note(self, paper: str, day: dt.date, text: str) -> None:
        self._notes.setdefault((paper, day), []).append(text)

    def _edition_reason(self, paper: str, day: dt.date) -> str | None:
        notes = self._notes.get((paper, day))
        return summary(notes) if notes else None

    def _inc(self, key: str, count: int = 1) -> None:
        stats = self.crawler.stats if getattr(self, "crawler", None) else None
        if stats is not None and count:
            stats.inc_value(key, count)

    def _answered(self, response: Response) -> None:
        if response.request is not None:
            self.promises.answered(response.request)

    def on_request_dropped(self, request: scrapy.Request, **kwargs: Any) -> None:
        self.promises.dropped(request)

    def on_idle(self, **kwargs: Any) -> None:
        """Before the spider closes: account every promised URL that was never answered (one data: request whose
        callback hands the failure rows to the pipelines)."""
        if not self.promises or self._accounting:
            return
        self._accounting = True  # once: a second idle with promises left would otherwise loop
        request = scrapy.Request(
            "data:,", callback=self.account_unanswered, dont_filter=True, meta={"dont_obey_robotstxt": True}
        )
        self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def account_unanswered(self, response: Response) -> Iterator[Any]:
        per_edition: dict[tuple[str, dt.date], list[str]] = {}
        for lost in self.promises.settle(self._setting_int("URLLENGTH_LIMIT")):
            self.logger.warning("%s %s: %s %s never fetched: %s", lost.paper, lost.day, lost.kind, lost.url[:200],
                                lost.reason)
            self._inc("epaper/limits/dropped_requests")
            per_edition.setdefault((lost.paper, lost.day), []).append(lost.reason)
            yield FailureItem(lost.paper, lost.day, lost.url, lost.kind, lost.reason, 0, lost.page_url)  # type: ignore[arg-type]
        for (paper, day), reasons in per_edition.items():
            self._note(paper, day, f"{len(reasons)} promised URL(s) never fetched: {reasons[0]}")
            url, pages = self._entries.get((paper, day), (None, None))
            yield EditionItem(paper, day, url=url, page_count=pages, reason=self._edition_reason(paper, day))

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def _headers(response: Response) -> dict[str, str]:
        return {
            k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v
        }

    @staticmethod
    def _attempts(response: Response) -> int:
        return response.meta.get("retry_times", 0) + 1

    @staticmethod
    def _seq_of(record: PageRecord, url: str, default: int) -> int:
        for i, ref in enumerate(record.pages, start=1):
            if ref.url == url:
                return i
        return default
