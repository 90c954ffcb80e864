"""The one spider: edition (date) → pages (版面) → articles, for any registered paper.

It only makes requests and routes responses: the parsing is done by the pure family parsers
(crawler/families), the text work and storage by the item pipelines. Every edition, page and article it is
promised ends as an item: stored, not published, or a FailureItem with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from dateutil.parser import isoparse
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.config import resolve
from crawler.documents import Documents
from crawler.families.contract import NeedsDocuments
from crawler.fetch_failure import failure_reason
from crawler.limits import PageCaps, PaperLimits, paper_limits
from crawler.media import MEDIA_PRIORITY, MediaLimits, media_kinds
from crawler.parsing import Parsed, ParsePool, WorkerLost
from crawler.promises import Promises, origin_url
from crawler.registry import Paper, RegistryError, load_registry, select_papers
from crawler.routing import NOT_PUBLISHED_STATUSES, Answer, Fetch, NeedDocuments, Router
from crawler.runlock import RunGuard
from schema.db import make_engine
from schema.status import DONE, EditionState, edition_states, pages_missing_media

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
        media: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # page and article requests not yet answered: what Scrapy's filters drop without an errback still gets
        # a failure row (crawler/promises.py)
        self.promises = Promises()
        self.documents = Documents()  # companion documents (plist, data.js) per edition: crawler/documents.py
        self._limits: dict[str, PaperLimits] = {}
        self.router = Router({}, inc=self._inc)  # the routing decisions and their per-run state (crawler/routing.py)
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
        self.media_arg = media or None
        self.media_kinds = media_kinds(media) if media else frozenset()  # EPAPER_MEDIA when no -a media=
        self.media_limits = MediaLimits()
        self._pdf_users: dict[str, int] = {}  # page PDF URL → articles still to be routed with it
        self._missing_media: dict[str, dict[dt.date, list[Any]]] = {}  # paper → date → pages without media
        self.papers: list[Paper] = []
        self.parse_pool: ParsePool | None = None  # EPAPER_PARSE_WORKERS > 0: pages and articles parsed off the reactor

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> EpaperSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.select(crawler.settings)
        settings = crawler.settings
        spider.router.caps = PageCaps.from_settings(settings)
        # a shared frontier hands requests to other workers: only the worker that made a request could account it;
        # the distributed add-on (crawler/distributed/runtime.py) sets EPAPER_DISTRIBUTED when a crawl shares its frontier
        distributed = bool(settings.get("EPAPER_DISTRIBUTED"))
        if spider.media_arg is None:
            try:
                spider.media_kinds = media_kinds(settings.get("EPAPER_MEDIA"))
            except ValueError as exc:
                raise ValueError(f"EPAPER_MEDIA: {exc}") from exc
        spider.media_limits = MediaLimits.from_settings(settings)
        spider.router.media = spider.media_kinds
        # articles wait for their page PDF in this worker's memory: on a shared frontier another worker may fetch
        # it, so there the PDFs are archived only and `epaper reparse` reads the text from them
        spider.router.pdf_text = "pdf" in spider.media_kinds and not distributed
        spider.track_promises = not distributed
        if spider.track_promises:
            crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
            crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        # one run per paper at a time (data/locks/), and a JOBDIR left by a killed run is made safe to resume;
        # workers of a shared Redis frontier run side by side on purpose and coordinate through Redis instead
        spider.guard = None if distributed else RunGuard.install(crawler, spider)
        workers = settings.getint("EPAPER_PARSE_WORKERS", 0)
        if workers > 0:
            spider.parse_pool = ParsePool(workers)
            crawler.signals.connect(spider.parse_pool.start, signal=signals.spider_opened)
            crawler.signals.connect(spider.parse_pool.close, signal=signals.spider_closed)
        return spider

    @property
    def registry(self) -> Mapping[str, Paper]:
        """The papers of this run's registry: the router's, so that one assignment sets both."""
        return self.router.registry

    @registry.setter
    def registry(self, value: Mapping[str, Paper]) -> None:
        self.router.registry = value

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
                if skipped == "complete" and self.media_kinds:
                    yield from self._media_gaps(paper, day)
                continue
            if stats is not None:
                stats.inc_value("epaper/editions/planned")
            yield from self._follow(self.router.start(paper, day))

    def _media_gaps(self, paper: Paper, day: dt.date) -> Iterator[Any]:
        """A complete edition is not fetched again, but the page images and PDFs it has not archived yet are."""
        layout = paper.layout_for(day)
        if layout is None:
            return
        if paper.key not in self._missing_media:  # one query per paper for the run's range
            days = edition_dates(paper, self.date_arg, self.start_arg, self.end_arg)
            settings = self.crawler.settings if getattr(self, "crawler", None) else None
            engine = make_engine(resolve(settings).database_url)
            try:
                self._missing_media[paper.key] = pages_missing_media(engine, paper.key, min(days), max(days),
                                                                     self.media_kinds)
            finally:
                engine.dispose()
        for page in self._missing_media[paper.key].get(day, []):
            fetches = self.router.media_fetches(paper.key, day, layout.family, page.url or "", page.number,
                                                page.image_url, page.pdf_url)
            yield from self._follow(iter(list(fetches)))

    def _media_request(self, fetch: Fetch) -> Iterator[Any]:
        """A page image or PDF: low priority, capped in size, within the run's byte budget; a PDF that articles
        will wait for is registered with the companion documents (crawler/documents.py), so it is fetched once."""
        paper = self.registry[fetch.paper]
        meta = fetch.meta()
        if not paper.obey_robots:
            meta["dont_obey_robotstxt"] = True
        limit = self.media_limits
        meta["download_maxsize"] = limit.max_file_bytes
        meta["download_warnsize"] = min(limit.max_file_bytes, self._setting_int("DOWNLOAD_WARNSIZE") or limit.max_file_bytes)
        if fetch.media == "pdf" and self.router.pdf_text:
            self.documents.requested.add((fetch.paper, fetch.day, fetch.url))
        if limit.exhausted():
            self._inc("epaper/media/over_budget", 1)
            reason = f"media budget of {limit.budget_bytes} bytes for this run spent (EPAPER_MEDIA_BUDGET_BYTES)"
            yield from self.router.failed(meta, fetch.url, reason, 0)
            yield from self.documents.unavailable(fetch.paper, fetch.day, fetch.url, self)
            return
        yield scrapy.Request(fetch.url, callback=self.parse_media, errback=self.on_media_error, meta=meta,
                             dont_filter=True, priority=MEDIA_PRIORITY)

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

    def _request(self, fetch: Fetch) -> scrapy.Request:
        """The Scrapy request of a routing Fetch: its context as meta, the paper's limits and robots rule."""
        paper, kind, meta = self.registry[fetch.paper], fetch.kind, fetch.meta()
        callback: Any = self.parse_article if kind == "article" else self.parse_page
        if self.parse_pool is not None and kind != "edition":  # an entry may be a 404: routed before it is parsed
            callback = self.parse_in_worker
        if not paper.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if kind == "edition" or fetch.probe:  # a pdf-only page asked for by number: a 404 ends the edition
            meta["handle_httpstatus_list"] = list(NOT_PUBLISHED_STATUSES)
        limits = self.limits_of(paper)
        if limits.max_response_bytes is not None:  # the registry's max_response_mb (also caps the decompressed body)
            meta["download_maxsize"] = limits.max_response_bytes
            meta["download_warnsize"] = min(limits.max_response_bytes, self._setting_int("DOWNLOAD_WARNSIZE"))
        # an entry is unique per date; a site that redirects a missing date to another date's entry must still
        # answer this request, not be dropped as a duplicate of that other date's request
        request = scrapy.Request(
            fetch.url, callback=callback, errback=self.on_error, meta=meta, dont_filter=kind == "edition"
        )
        if kind != "edition" and self.track_promises:
            self.promises.made(request, paper.key, fetch.day, kind, fetch.page_url)
        return request

    def limits_of(self, paper: Paper) -> PaperLimits:
        if paper.key not in self._limits:
            self._limits[paper.key] = paper_limits(paper)
        return self._limits[paper.key]

    def _setting_int(self, name: str, default: int = 0) -> int:
        crawler = getattr(self, "crawler", None)
        return crawler.settings.getint(name, default) if crawler is not None else default

    # ----------------------------------------------------------------- routing

    def _answer(self, response: Response) -> Answer:
        requested = response.request.url if response.request is not None else response.url
        return Answer(response.url, requested, response.status, response.body, self._headers(response),
                      response.meta, self._attempts(response))

    def _follow(self, outcomes: Iterator[Any], response: Response | None = None) -> Iterator[Any]:
        """Items as they are; a Fetch becomes its request. A parser asking for companion documents
        (NeedDocuments) gets them fetched (crawler/documents.py), and the response waits and is routed again when
        they are all held; one that asks again for a document it was given is a parse failure."""
        for outcome in outcomes:
            if isinstance(outcome, Fetch) and outcome.kind == "media":
                yield from self._media_request(outcome)
            elif isinstance(outcome, Fetch):
                if outcome.pdf_url:  # the page's media Fetch of this PDF comes with it: never a document request too
                    self._pdf_users[outcome.pdf_url] = self._pdf_users.get(outcome.pdf_url, 0) + 1
                    self.documents.requested.add((outcome.paper, outcome.day, outcome.pdf_url))
                yield self._request(outcome)
            elif isinstance(outcome, NeedDocuments) and response is not None:  # only answers need documents
                answer = outcome.answer
                held = self.documents.held(answer.meta["paper"], answer.meta["day"])
                again = [u for u in outcome.urls if u in held]
                if again:
                    reason = f"parse: {outcome.reason}: asked again for {', '.join(again)} after it was given"
                    yield from self.router.failed(answer.meta, answer.url, reason, answer.attempts)
                    continue
                callback = "parse_article" if answer.meta["kind"] == "article" else "parse_page"
                needs = NeedsDocuments(outcome.urls, outcome.reason)
                yield from self.documents.fetch(response, needs, callback, self.parse_document, self.on_document_error)
            else:
                yield outcome

    def parse_page(self, response: Response) -> Iterator[Any]:
        self._answered(response)
        yield from self._routed(response, self._answer(response))

    def parse_article(self, response: Response) -> Iterator[Any]:
        self._answered(response)
        yield from self._routed(response, self._answer(response))

    async def parse_in_worker(self, response: Response) -> AsyncIterator[Any]:
        """A page or article parsed by the parse pool (crawler/parsing.py) while the reactor goes on, then routed
        as `parse_page`/`parse_article` route it; a worker that died with it makes a failure row."""
        assert self.parse_pool is not None  # the callback of requests made while the pool is on
        self._answered(response)
        answer = self._answer(response)
        documents = self.documents.held(answer.meta["paper"], answer.meta["day"])
        try:
            parsed = await self.parse_pool.parse(self.router.parse_job(answer, documents))
        except WorkerLost as exc:
            self._inc("epaper/parse/worker_lost", 1)
            self.logger.warning("%s %s not parsed: %s", answer.meta["kind"], answer.url, exc)
            for item in self.router.failed(answer.meta, answer.url, f"parse: {exc}", answer.attempts):
                yield item
            if answer.meta["kind"] == "article":
                self._pdf_used(answer.meta)
            return
        for outcome in self._routed(response, answer, documents, parsed):
            yield outcome

    def _routed(self, response: Response, answer: Answer, documents: Mapping[str, bytes] | None = None,
                parsed: Parsed | None = None) -> Iterator[Any]:
        """Route a page or article answer (parsed here unless `parsed` is given) and follow what it yields."""
        meta = answer.meta
        if documents is None:
            documents = self.documents.held(meta["paper"], meta["day"])
        if meta["kind"] != "article":
            yield from self._follow(self.router.page(answer, documents, parsed), response)
            return
        yield from self._follow(self.router.article(answer, documents, parsed), response)
        if meta.get("pdf_url") in documents:
            self._pdf_used(meta)

    def _pdf_used(self, meta: Any) -> None:
        """One article less waits for its page PDF: the body is let go once none does (a backfill holds no
        year of PDFs in memory)."""
        url = meta.get("pdf_url")
        if url is None or url not in self._pdf_users:
            return
        self._pdf_users[url] -= 1
        if self._pdf_users[url] <= 0:
            del self._pdf_users[url]
            self.documents.drop(meta["paper"], meta["day"], url)

    def parse_media(self, response: Response) -> Iterator[Any]:
        """A page image or PDF arrived (archived as received by the archive middleware): its page-row facts;
        the articles waiting for a PDF are routed now."""
        self.media_limits.spend(len(response.body))
        yield from self.router.media_file(self._answer(response))
        if response.meta.get("media") == "pdf" and self.router.pdf_text and response.request is not None:
            if origin_url(response.request) in self._pdf_users:  # articles of this run read it; a media backfill's
                yield from self.documents.arrived(response, self)  # PDFs are archived, not held in memory

    def on_media_error(self, failure: Failure) -> Iterator[Any]:
        """A page image or PDF that could not be had: a `media` failure row, never a failed edition; the
        articles waiting for the PDF are stored with their HTML text."""
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy's errback
        meta = request.meta
        reason = failure_reason(failure)
        self._inc("epaper/media/failed", 1)
        url = origin_url(request)  # the URL the page names, not where a refused redirect pointed
        self.logger.info("page %s %s not fetched: %s", meta.get("media"), url, reason)
        yield from self.router.failed(meta, url, reason, meta.get("retry_times", 0) + 1)
        if meta.get("media") == "pdf" and self.router.pdf_text:
            yield from self.documents.unavailable(meta["paper"], meta["day"], url, self)

    def parse_document(self, response: Response) -> Iterator[Any]:
        """A companion document arrived (crawler/documents.py): the pages waiting for it are routed now."""
        yield from self.documents.arrived(response, self)

    def on_document_error(self, failure: Failure) -> Iterator[Any]:
        yield from self.documents.lost(failure)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Whatever could not be fetched after retries becomes a failure row, never a silent loss."""
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy's errback
        meta = request.meta
        url = origin_url(request)  # the paper's own URL, not where a refused redirect pointed
        self.promises.answered(request)
        reason = failure_reason(failure)
        attempts = meta.get("retry_times", 0) + 1
        self.logger.warning("failed %s %s after %d attempt(s): %s", meta["kind"], url, attempts, reason)
        if meta["kind"] == "article":
            self._pdf_used(meta)
        yield from self.router.failed(meta, url, reason, attempts)

    # ----------------------------------------------------------------- limits and dropped requests

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
        lost = self.promises.settle(self._setting_int("URLLENGTH_LIMIT"))
        yield from self.router.unanswered(lost)

    def closed(self, reason: str) -> None:
        """Articles still waiting for a page PDF that never came (nor failed) are not stored: said, not silent
        (their pages' editions stay partial, and an only=gaps run fetches them again)."""
        stuck = sum(len(w) for w in self.documents.waiting.values())
        if stuck:
            self._inc("epaper/media/articles_left_waiting", stuck)
            self.logger.warning("%d response(s) still waited for a companion document or page PDF at close: "
                                "not stored", stuck)

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def _headers(response: Response) -> dict[str, str]:
        return {
            k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v
        }

    @staticmethod
    def _attempts(response: Response) -> int:
        return response.meta.get("retry_times", 0) + 1
