"""The last stage: hand every record item to the SQL store, and finalise the run's editions when the spider closes.

The store batches rows and upserts them on natural keys (schema/store/); this stage only adapts it to Scrapy: it
opens the store with the run's database URL, stores the items, and finalises (and so joins, pipelines/joining.py)
the editions the run touched. The run's books (its crawl_run row, exit status and summary) are kept by the run
ledger (crawler/run_ledger.py), on the signals this stage sends: the ledger sits above this layer.

Full batches are written in a thread of their own (one batch at a time, in the order they filled), so that a
transaction does not hold up the downloads and parsing behind it on the reactor thread; the item that filled a
batch waits for its write (back-pressure), the others pass on. The close waits for that thread, then flushes
the rest and finalises on the reactor thread, as before.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError
from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

from pipelines.joining import JoiningStore
from schema.db import database_url
from schema.records import ArticleItem, EditionItem, FailureItem, MediaItem, PageItem
from schema.store import Store
from schema.store.buffer import Buffer

if TYPE_CHECKING:  # a Scrapy Crawler, or the reparse's OfflineRun standing in for one
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
RECORD_ITEMS = (EditionItem, PageItem, ArticleItem, FailureItem, MediaItem)
# set by `epaper reparse` (crawler/archive/run.py): the store moves no "seen now" time and writes no unchanged row
REPARSE_SETTING = "EPAPER_STORE_REPARSE"

# signals of this stage (crawler.signals.send_catch_log), for the run ledger
store_opened = object()  # (stage): the store is open and knows the run's papers
database_failed = object()  # (stage, error): the database refused a write for good; the run fails
store_closing = object()  # (stage): the run's editions are finalised (or the store failed), store still open


class StorePipeline:
    def __init__(self, crawler: Crawler, url: str, batch_size: int, reparse: bool = False) -> None:
        self.crawler = crawler
        self.reparse = reparse
        self.url = url
        self.batch_size = batch_size
        self.store: Store | None = None
        self.dates: dict[str, set[dt.date]] = defaultdict(set)
        self.database_error: DBAPIError | None = None  # the first write the database refused for good
        self._writer: ThreadPool | None = None  # one thread: batches are written one at a time, in order
        self._thread_errors: list[DBAPIError] = []  # refused in the writer thread, seen at once at close

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        url = database_url(settings=settings)
        return cls(crawler, url, settings.getint("EPAPER_STORE_BATCH", 500), settings.getbool(REPARSE_SETTING))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None  # Scrapy opens the pipelines once the crawler has its spider
        try:
            self.store = JoiningStore.open(self.url, batch_size=self.batch_size)
            self.store.reparse = self.reparse
            for paper in getattr(spider, "papers", []):
                self.store.ensure_newspaper(paper.key, paper.name, paper.region, paper.script, paper.homepage)
        except DBAPIError as exc:  # e.g. the disk filled up before the schema could be written
            self.fail(exc)
            return
        self.crawler.signals.send_catch_log(store_opened, stage=self)  # the ledger's run row (or fail())
        if self.database_error is not None:
            return
        logger.info("storing into %s", _safe_url(self.url))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RECORD_ITEMS) and self.store is not None and self.database_error is None:
            self.dates[item.paper].add(item.date)
            self.store.add(item, autoflush=False)
            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value(f"epaper/items/{type(item).__name__.removesuffix('Item').lower()}")
            batch = self.store.take_batch()
            if batch is not None:
                return self._write_in_thread(batch, item)
        return item

    def _write_in_thread(self, batch: Buffer, item: Any) -> Any:
        """A Deferred firing with `item` once `batch` is written by the writer thread (a refusal fails the run)."""
        from twisted.internet import reactor

        if self._writer is None:
            self._writer = ThreadPool(minthreads=1, maxthreads=1, name="epaper-store")
            self._writer.start()
        store = self.store
        assert store is not None

        def write() -> DBAPIError | None:
            if self._thread_errors:
                return None  # an earlier batch was refused for good: the run is failing, write nothing more
            try:
                store.write_batch(batch)
            except DBAPIError as exc:
                self._thread_errors.append(exc)
                return exc
            return None

        def written(error: DBAPIError | None) -> Any:
            if error is not None:
                self.fail(error)
            return item

        deferred = threads.deferToThreadPool(reactor, self._writer, write)
        return deferred.addCallback(written)

    def _stop_writer(self) -> None:
        """Wait for the batch being written, then stop the thread; a refusal it met fails the run now."""
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
        if self._thread_errors:
            self.fail(self._thread_errors[0])

    def fail(self, exc: DBAPIError) -> None:
        """The database refused a write for good (disk full, server gone, read-only): keep nothing of the unwritten
        batch, and say so once (the run ledger stops the crawl and records the run as failed)."""
        if self.database_error is None:
            self.database_error = exc
            self.crawler.signals.send_catch_log(database_failed, stage=self, error=exc)
        if self.store is not None:
            self.store.discard()

    def _finalize(self) -> None:
        """Flush and finalise the run's editions (a database error fails the run instead)."""
        assert self.store is not None
        if self.database_error is None:
            try:
                self.store.flush()
                for paper, dates in sorted(self.dates.items()):
                    self.store.finalize(paper, sorted(dates))
            except DBAPIError as exc:
                self.fail(exc)

    def close_spider(self) -> None:
        self._stop_writer()
        if self.store is not None:
            self._finalize()
        self.crawler.signals.send_catch_log(store_closing, stage=self)
        if self.store is None:
            return
        try:
            self.store.close()  # nothing is buffered after the run's books; the engine is disposed even if it raises
        except DBAPIError as exc:
            logger.error("closing the store: %s", exc)


def _safe_url(url: str) -> str:
    """The database URL without its password, for logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a log line must not fail the crawl
        return "<database>"
