"""Progress of a long run: editions done out of to do, pages and articles per second, failures, an ETA.

A ten-year backfill runs for days; Scrapy's own LogStats line ("Crawled 1234 pages (at 60 pages/min)")
says nothing about how far along the run is. This extension follows the run's items (editions, pages,
articles, failures, from the item signals) and, every EPAPER_PROGRESS_INTERVAL seconds, logs one INFO line
and sends `progress_tick`, on which the store writes the counters into the run's `crawl_run` row (so
`epaper status --runs` shows a running crawl as it goes). When stderr is a terminal it also keeps a live
one-line display at the bottom (EPAPER_PROGRESS_LIVE: auto, 1, 0); log lines clear it before printing.

An edition is done when its verdict came without pages (not published, failed) or when every page its
page list promised and every article those pages listed has arrived, stored or failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from schema.records import ArticleItem, EditionItem, FailureItem, PageItem

if TYPE_CHECKING:  # a Scrapy Crawler, or the reparse's OfflineRun standing in for one
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

progress_tick = object()  # signal: progress=Progress, sent every EPAPER_PROGRESS_INTERVAL seconds
LIVE_INTERVAL = 1.0  # seconds between redraws of the live line
CLEAR_LINE = "\r\x1b[K"
SKIPPED_PREFIX = "epaper/editions/skipped_"
BOOKS_CLOSED = "epaper/exit_status"  # crawler.run_ledger.EXIT_STATUS_KEY: set once the run is on the books


@dataclass
class _Edition:
    promised_pages: int | None = None
    pages: int = 0
    listed: int = 0
    articles: int = 0
    closed: bool = False

    @property
    def done(self) -> bool:
        if self.closed:
            return True
        return (
            self.promised_pages is not None
            and self.pages >= self.promised_pages
            and self.articles >= self.listed
        )


@dataclass
class EditionTracker:
    """Counts what has arrived per edition; pure bookkeeping, fed one item at a time."""

    editions: dict[tuple[str, dt.date], _Edition] = field(default_factory=dict)
    failures: int = 0

    def observe(self, item: Any) -> None:
        if not isinstance(item, EditionItem | PageItem | ArticleItem | FailureItem):
            return
        edition = self.editions.setdefault((item.paper, item.date), _Edition())
        if isinstance(item, EditionItem):
            if item.status is not None:
                edition.closed = True
            elif item.page_count is not None:
                edition.promised_pages = item.page_count
        elif isinstance(item, PageItem):
            edition.pages += 1
            edition.listed += len(item.page.articles) - len(item.listed_elsewhere)
        elif isinstance(item, ArticleItem):
            edition.articles += 1
        else:
            self.failures += 1
            if item.kind == "page":
                edition.pages += 1
            elif item.kind == "article":
                edition.articles += 1

    @property
    def done(self) -> int:
        return sum(1 for e in self.editions.values() if e.done)


@dataclass(frozen=True)
class Progress:
    """One reading of the run's progress."""

    elapsed: float  # seconds since the spider opened
    done: int  # editions finished (stored, not published or failed)
    total: int  # editions the run covers
    skipped: int  # of those, skipped because the ledger has them (so far)
    pages: int
    articles: int
    failures: int
    requests: int

    @property
    def to_do(self) -> int:
        return max(self.total - self.skipped, self.done)

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate editions have been finishing; None before the first one."""
        if self.done <= 0 or self.elapsed <= 0:
            return None
        return max(self.to_do - self.done, 0) * self.elapsed / self.done

    def rate(self, count: int) -> float:
        return count / self.elapsed if self.elapsed > 0 else 0.0

    def line(self) -> str:
        """`editions 12/365 (3 skipped), 96 pages (1.6/s), 580 articles (9.7/s), 0 failures, ETA 0:12:30`"""
        eta = self.eta
        return (
            f"editions {self.done}/{self.to_do}"
            + (f" ({self.skipped} skipped)" if self.skipped else "")
            + f", {self.pages} pages ({self.rate(self.pages):.1f}/s)"
            + f", {self.articles} articles ({self.rate(self.articles):.1f}/s)"
            + f", {self.failures} failure{'' if self.failures == 1 else 's'}"
            + f", {self.requests} requests"
            + f", ETA {_clock(eta) if eta is not None else '?'}"
        )

    def counters(self) -> dict[str, Any]:
        """The running run's `crawl_run.counters` (the finished run's replace them)."""
        eta = self.eta
        return {
            "editions": self.done,
            "editions_to_do": self.to_do,
            "skipped": self.skipped,
            "requests": self.requests,
            "pages": self.pages,
            "articles": self.articles,
            "failures": self.failures,
            "seconds": round(self.elapsed, 1),
            "eta_seconds": round(eta) if eta is not None else None,
        }


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    text = str(dt.timedelta(seconds=rest))
    return f"{days}d {text}" if days else text


class _ClearLiveLine(logging.Filter):
    """Put on the log handlers while the live line is shown: a log record first wipes the line."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def filter(self, record: logging.LogRecord) -> bool:
        self.stream.write(CLEAR_LINE)
        return True


class ProgressExtension:
    def __init__(self, crawler: Crawler, interval: float, live: bool, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.live = live
        self.stream = stream
        self.tracker = EditionTracker()
        self.total = 0
        self.started = time.monotonic()
        self._loops: list[task.LoopingCall] = []
        self._clearer: _ClearLiveLine | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        settings = crawler.settings
        interval = settings.getfloat("EPAPER_PROGRESS_INTERVAL", 60.0)
        live_setting = str(settings.get("EPAPER_PROGRESS_LIVE", "auto")).strip().lower()
        stream = sys.stderr
        live = live_setting in ("1", "true", "yes", "on") or (live_setting == "auto" and _is_terminal(stream))
        if interval <= 0 and not live:
            raise NotConfigured("EPAPER_PROGRESS_INTERVAL is 0 and stderr is no terminal")
        extension = cls(crawler, interval, live, stream)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(extension.item_seen, signal=signal)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_seen(self, item: Any, **_: Any) -> None:
        self.tracker.observe(item)

    def spider_opened(self, spider: Any = None) -> None:
        self.started = time.monotonic()
        plan = getattr(spider, "plan", None)
        try:
            self.total = sum(1 for _ in plan()) if plan is not None else 0
        except ValueError:  # bad dates: the spider reports them itself
            self.total = 0
        if self.interval > 0:
            self._start(self.tick, self.interval)
        if self.live:
            self._clearer = _ClearLiveLine(self.stream)
            for handler in logging.root.handlers:
                handler.addFilter(self._clearer)
            self._start(self.draw, LIVE_INTERVAL)

    def _start(self, function: Any, interval: float) -> None:
        loop = task.LoopingCall(function)
        loop.start(interval, now=False)
        self._loops.append(loop)

    def snapshot(self) -> Progress:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        skipped = sum(int(v) for k, v in stats.items() if k.startswith(SKIPPED_PREFIX))
        return Progress(
            elapsed=time.monotonic() - self.started,
            done=self.tracker.done,
            total=self.total,
            skipped=skipped,
            pages=int(stats.get("epaper/items/page", 0)),
            articles=int(stats.get("epaper/items/article", 0)),
            failures=self.tracker.failures,
            requests=int(stats.get("downloader/request_count", 0)),
        )

    def tick(self) -> None:
        if self._closed():
            return  # the summary is out; a progress line after it would only repeat it
        progress = self.snapshot()
        logger.info("progress: %s", progress.line())
        self.crawler.signals.send_catch_log(progress_tick, progress=progress)

    def draw(self) -> None:
        if self._closed():
            return
        self.stream.write(CLEAR_LINE + self.snapshot().line())
        self.stream.flush()

    def _closed(self) -> bool:
        return self.crawler.stats is not None and self.crawler.stats.get_value(BOOKS_CLOSED) is not None

    def spider_closed(self, spider: Any = None) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        self._loops.clear()
        if self._clearer is not None:
            for handler in logging.root.handlers:
                handler.removeFilter(self._clearer)
            self._clearer = None
            self.stream.write(CLEAR_LINE)
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
