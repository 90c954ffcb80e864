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
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.distributed import frontier_url
from crawler.families import get_family
from crawler.families.base import Family, ParseError
from crawler.registry import Paper, RegistryError, load_registry, select_papers
from crawler.schedule import RunGuard
from schema.db import database_url, make_engine
from schema.records import ArticleItem, ArticleRef, EditionItem, FailureItem, PageItem, PageRecord
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
        # one run per paper at a time (data/locks/), and a JOBDIR left by a killed run is made safe to resume;
        # workers of a shared Redis frontier run side by side on purpose and coordinate through Redis instead
        spider.guard = None if frontier_url(crawler.settings) else RunGuard.install(crawler, spider)
        return spider

    def select(self, settings: Any) -> None:
        """Resolve the paper keys against the registry and every date argument now (ValueError), before the
        run is recorded or a request made: a bad argument must not become a `finished` run of nothing."""
        registry = load_registry(settings.get("EPAPER_PAPERS"), settings.get("EPAPER_FIXTURE_URL"))
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
        engine = make_engine(database_url(settings=settings))
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
        # an entry is unique per date; a site that redirects a missing date to another date's entry must still
        # answer this request, not be dropped as a duplicate of that other date's request
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=kind == "edition")

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
        options = {"skin": layout.skin} if layout and layout.skin else {}
        try:
            record = family.parse_page(response.body, response.url, day, self._headers(response), options)
        except ParseError as exc:
            kind = "edition" if is_entry else "page"
            yield FailureItem(paper.key, day, response.url, kind, f"parse: {exc}", self._attempts(response))
            if is_entry:
                yield EditionItem(paper.key, day, url=response.url, status="failed", reason=f"parse: {exc}")
            return
        seq = self._seq_of(record, response.url, meta.get("seq", 1))
        first_lister = self._listed.setdefault((paper.key, day), {})  # article URL → the page that listed it first
        for ref in record.articles:
            first_lister.setdefault(ref.url, record.url)
        elsewhere = [ref.url for ref in record.articles if first_lister[ref.url] != record.url]
        yield PageItem(paper.key, day, seq, record, listed_elsewhere=elsewhere)
        if is_entry:
            yield EditionItem(paper.key, day, url=response.url, page_count=len(record.pages) or 1)
            for i, ref in enumerate(record.pages, start=1):
                if ref.url != response.url and ref.url != response.request.url:
                    yield self._request(ref.url, self.parse_page, paper, day, family, kind="page", seq=i)
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
        layout = paper.layout_for(day)
        options = {"skin": layout.skin} if layout and layout.skin else {}
        try:
            article = family.parse_article(response.body, response.url, day, self._headers(response), options)
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

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Whatever could not be fetched after retries becomes a failure row, never a silent loss."""
        request = failure.request
        meta = request.meta
        paper, day, kind = meta["paper"], meta["day"], meta["kind"]
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]
        attempts = meta.get("retry_times", 0) + 1
        self.logger.warning("failed %s %s after %d attempt(s): %s", kind, request.url, attempts, reason)
        yield FailureItem(paper, day, request.url, kind if kind != "edition" else "edition", reason, attempts,
                          meta.get("page_url"))
        if kind == "edition":
            yield EditionItem(paper, day, url=request.url, status="failed", reason=reason)

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
