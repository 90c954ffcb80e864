"""The one spider: edition (date) → pages (版面) → articles, for any registered paper.

It only makes requests and routes responses: the parsing is done by the pure family parsers
(crawler/families), the text work and storage by the item pipelines. Every edition, page and article it is
promised ends as an item: stored, not published, or a FailureItem with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import scrapy
from dateutil.parser import isoparse
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.families import get_family
from crawler.families.base import Family, ParseError
from crawler.registry import Paper, RegistryError, load_registry, select_papers
from schema.records import ArticleItem, ArticleRef, EditionItem, FailureItem, PageItem, PageRecord

# A dated entry that answers with one of these is a day without an edition, not an error.
NOT_PUBLISHED_STATUSES = (404, 410)


def _parse_day(value: str, name: str) -> dt.date:
    try:
        return isoparse(value).date()
    except ValueError as exc:
        raise ValueError(f"-a {name}={value!r} is not a date (YYYY-MM-DD)") from exc


def edition_dates(paper: Paper, date: str | None, start: str | None, end: str | None) -> list[dt.date]:
    """The dates a run covers: one date, a range, or today in the paper's timezone."""
    if date and (start or end):
        raise ValueError("give either -a date= or -a start= [-a end=], not both")
    if date:
        return [_parse_day(date, "date")]
    if start or end:
        first = _parse_day(start, "start") if start else paper.today()
        last = _parse_day(end, "end") if end else paper.today()
        if last < first:
            raise ValueError(f"end {last} is before start {first}")
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [paper.today()]


class EpaperSpider(scrapy.Spider):
    name = "epaper"

    def __init__(
        self,
        paper: str | None = None,
        date: str | None = None,
        start: str | None = None,
        end: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not paper:
            raise ValueError("-a paper=KEY[,KEY…] or -a paper=all is required")
        self.paper_spec, self.date_arg, self.start_arg, self.end_arg = paper, date, start, end
        self.papers: list[Paper] = []

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> EpaperSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        registry = load_registry(settings.get("EPAPER_PAPERS"), settings.get("EPAPER_FIXTURE_URL"))
        try:
            spider.papers = select_papers(registry, spider.paper_spec)
        except RegistryError as exc:
            raise ValueError(str(exc)) from exc
        spider.registry = registry
        return spider

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
        """One EditionItem and one entry request per (paper, date)."""
        for paper, day in self.plan():
            layout = paper.layout_for(day)
            if layout is None:
                yield EditionItem(paper.key, day, status="failed", reason="no layout in the registry covers this date")
                continue
            family = get_family(layout.family)
            url = family.entry_url(layout.base_url, day, layout.entry)
            yield EditionItem(paper.key, day, url=url)
            yield self._request(url, self.parse_page, paper, day, family, kind="edition", seq=1)

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
        yield PageItem(paper.key, day, seq, record)
        if is_entry:
            yield EditionItem(paper.key, day, url=response.url, page_count=len(record.pages) or 1)
            for i, ref in enumerate(record.pages, start=1):
                if ref.url != response.url and ref.url != response.request.url:
                    yield self._request(ref.url, self.parse_page, paper, day, family, kind="page", seq=i)
        for position, ref in enumerate(record.articles, start=1):
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
