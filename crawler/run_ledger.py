"""The run's books: its crawl_run row, exit status, the cron summary line and table, on the store stage's signals.

The store stage (pipelines/store.py) stores items and finalises editions; this extension keeps the record of the
run around it: the crawl_run row when the store opens, the progress counters on every tick (crawler/progress.py),
and at close the editions' verdicts, the run locks' verdict (crawler/runlock.py), the layout-drift verdict
(schema/coverage.py), the finished row, the summary and the exit status the crawl command exits with
(EXIT_STATUS_KEY, read by crawler/commands/crawl.py). A database that refuses a write stops the crawl here.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from crawler.errors import first_line
from crawler.progress import Progress, progress_tick
from crawler.runlock import LOCKED_EXIT
from pipelines.store import StorePipeline, database_failed, store_closing, store_opened
from schema.coverage import DRIFT_EXIT, DriftRules, PaperCoverage, record_coverage
from schema.status import edition_status, format_table, paper_totals, summary

if TYPE_CHECKING:  # a Scrapy Crawler, or the reparse's OfflineRun standing in for one
    from scrapy.crawler import Crawler

# The summary's logger keeps the name it had when the store stage wrote it: cron mail shows it and operators'
# filters match it (docs/operations.md, the summary line).
logger = logging.getLogger("pipelines.store")
EXIT_STATUS_KEY = "epaper/exit_status"
DATABASE_ERROR_REASON = "database_error"  # the close reason of a spider whose store failed (disk full, lost server)
JOIN_STATS = "epaper/joins"  # + /joined, /ambiguous, /unresolved: continued stories (Store.join_stats, finalize)


class RunLedger:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stage: StorePipeline | None = None
        self.run_id: int | None = None
        self.database_error: str | None = None  # the first write the database refused for good: the run fails

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLedger:
        ledger = cls(crawler)
        crawler.signals.connect(ledger.store_opened, signal=store_opened)
        crawler.signals.connect(ledger.database_failed, signal=database_failed)
        crawler.signals.connect(ledger.store_closing, signal=store_closing)
        crawler.signals.connect(ledger._progress, signal=progress_tick)
        return ledger

    @property
    def dates(self) -> dict[str, set[dt.date]]:
        return self.stage.dates if self.stage is not None else {}

    def store_opened(self, stage: StorePipeline) -> None:
        """The run's crawl_run row, with the spider's arguments."""
        self.stage = stage
        spider = self.crawler.spider
        assert spider is not None  # the store stage opens with the spider
        args = {"spider": spider.name, **{k: v for k, v in vars(spider).items() if k.endswith("_arg") or k == "paper_spec"}}
        assert stage.store is not None
        try:
            self.run_id = stage.store.start_run({k: str(v) for k, v in args.items() if v is not None})
        except DBAPIError as exc:  # e.g. the disk filled up before the run row could be written
            stage.fail(exc)

    def database_failed(self, stage: StorePipeline, error: DBAPIError) -> None:
        """Stop the crawl; close_spider records the run as failed."""
        self.stage = stage
        if self.database_error is not None:
            return
        self.database_error = first_line(error)
        logger.error("the database refused a write (%s): closing the spider", self.database_error)
        engine = self.crawler.engine
        if engine is not None:
            from twisted.internet import reactor

            # on the next turn of the reactor: this may be called while the engine is still opening the spider
            cast(Any, reactor).callLater(0, _close, engine)  # the installed reactor, typed as a module

    def _closing_rows(self) -> list[dict[str, Any]]:
        """Read back the run's editions, finalised by the store stage."""
        assert self.stage is not None and self.stage.store is not None
        rows: list[dict[str, Any]] = []
        try:
            for paper, dates in sorted(self.dates.items()):
                engine = self.stage.store.engine
                rows += [r for r in edition_status(engine, paper, min(dates), max(dates)) if r["date"] in dates]
        except DBAPIError as exc:
            logger.error("cannot read the run's editions back: %s", exc)
        return rows

    def _stored_totals(self) -> tuple[int, int]:
        """Pages and articles the database holds for the run's editions: after a database error the item counters
        include batches that were never written."""
        assert self.stage is not None and self.stage.store is not None
        pages = articles = 0
        try:
            for paper, dates in sorted(self.dates.items()):
                totals = summary(self.stage.store.engine, paper, min(dates), max(dates))
                pages, articles = pages + int(totals["pages"]), articles + int(totals["articles"])
        except DBAPIError:
            pass
        return pages, articles

    def store_closing(self, stage: StorePipeline) -> None:
        self.stage = stage
        store = stage.store
        if store is None:
            if self.database_error is not None:
                self._report_unopened()
            return
        stats = self.crawler.stats
        all_stats = stats.get_stats() if stats else {}
        rows = self._closing_rows()
        for key, count in getattr(store, "join_stats", {}).items():  # continued stories, from finalize
            if stats is not None:
                stats.set_value(f"{JOIN_STATS}/{key}", int(count))
            all_stats[f"{JOIN_STATS}/{key}"] = int(count)
        failed_rows = [r for r in rows if r["status"] in ("partial", "failed")]
        failures = sum(int(r.get("failures") or 0) for r in rows)
        guard = getattr(self.crawler.spider, "guard", None)
        locked = sorted(guard.busy) if guard is not None else []
        if self.database_error is not None:
            exit_status, run_status = 1, "failed"
        elif guard is not None and guard.locked_out:
            exit_status, run_status = LOCKED_EXIT, "locked"
        else:
            exit_status = 1 if (failed_rows or failures) else 0
            run_status = "failed" if exit_status else "finished"
        coverage = [] if self.database_error is not None else self._coverage()
        if exit_status == 0 and any(c.drift for c in coverage):
            exit_status, run_status = DRIFT_EXIT, "drift"
        elif exit_status == 0 and any(c.replacement for c in coverage):
            exit_status = DRIFT_EXIT  # stored text with U+FFFD: the run is fine, what it stored is not whole
        counters = run_counters(all_stats, rows, failures, store.rejected)
        counters["exit_status"] = exit_status
        if any(c.drift for c in coverage):
            counters["drift"] = sorted(c.paper for c in coverage if c.drift)
        if any(c.replacement for c in coverage):
            counters["replacement"] = sorted(c.paper for c in coverage if c.replacement)
        if locked:
            counters["locked"] = locked
        if self.database_error is not None:
            counters["pages"], counters["articles"] = self._stored_totals()
            counters["error"] = f"database: {self.database_error}"
        if self.run_id is not None:
            try:
                store.finish_run(self.run_id, run_status, counters)
            except DBAPIError as exc:
                logger.error("run %s could not be recorded as %s: %s", self.run_id, run_status, exc)
        if stats is not None:
            stats.set_value(EXIT_STATUS_KEY, exit_status)
        verbose = str(getattr(self.crawler.spider, "verbose", "")).strip().lower() in ("1", "true", "yes", "on")
        table = format_table(rows) if verbose else format_table(paper_totals(rows))  # -a verbose=1: per edition
        logger.info("epaper summary (%s):\n%s", run_status, table)
        # one line for cron mail: a bad night's is a WARNING, shown with LOG_LEVEL=WARNING; a good night's is INFO
        level = logging.INFO if exit_status == 0 else logging.WARNING
        logger.log(level, "%s", summary_line(self.run_id, run_status, self._scope(), counters))

    def _progress(self, progress: Progress) -> None:
        """Every progress tick (crawler/progress.py): the running counters into this run's crawl_run row."""
        store = self.stage.store if self.stage is not None else None
        if store is not None and self.run_id is not None:
            store.record_progress(self.run_id, progress.counters())

    def _coverage(self) -> list[PaperCoverage]:
        """Field coverage of what this run stored, judged against each paper's history (schema/coverage)."""
        store = self.stage.store if self.stage is not None else None
        if store is None or self.run_id is None or not self.dates:
            return []
        rules = DriftRules.from_settings(self.crawler.settings)
        try:
            return record_coverage(store.engine, self.run_id, self.dates, rules)
        except SQLAlchemyError as exc:  # the monitor must not cost the run its books: logged, the run closes
            logger.error("field coverage not measured: %s", str(exc).splitlines()[0][:300])
            return []

    def _report_unopened(self) -> None:
        """The store could not even be opened: no run row, but the exit status and the summary line still say so."""
        counters = run_counters({}, [], 0, 0)
        counters.update(exit_status=1, error=f"database: {self.database_error}")
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(EXIT_STATUS_KEY, 1)
        logger.warning("%s", summary_line(None, "failed", self._scope(), counters))

    def _scope(self) -> str:
        spider = self.crawler.spider
        papers = ",".join(p.key for p in getattr(spider, "papers", [])) or getattr(spider, "paper_spec", "?")
        dates = sorted(d for ds in self.dates.values() for d in ds)
        if dates:
            return f"{papers} {dates[0]}…{dates[-1]}" if dates[0] != dates[-1] else f"{papers} {dates[0]}"
        return papers


def _close(engine: Any) -> None:
    if engine.spider is not None and engine.running:
        from scrapy.utils.defer import deferred_from_coro  # Twisted's: only a crawl has an engine to stop

        deferred_from_coro(engine.close_spider_async(reason=DATABASE_ERROR_REASON))


def run_counters(
    stats: dict[str, Any], rows: list[dict[str, Any]], failures: int, rejected: int
) -> dict[str, Any]:
    """The run's record in crawl_run.counters: named totals first, then every numeric Scrapy/epaper stat."""
    prefix = "epaper/editions/skipped_"
    skipped = {k.removeprefix(prefix): int(v) for k, v in stats.items() if k.startswith(prefix)}
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
    start, finish = stats.get("start_time"), stats.get("finish_time") or dt.datetime.now(dt.timezone.utc)
    seconds = (finish - start).total_seconds() if isinstance(start, dt.datetime) else None
    counters: dict[str, Any] = {
        "editions": len(rows),
        "by_status": by_status,
        "skipped": sum(skipped.values()),
        "skipped_by_reason": skipped,
        "requests": int(stats.get("downloader/request_count", 0)),
        "responses": int(stats.get("downloader/response_count", 0)),
        "pages": int(stats.get("epaper/items/page", 0)),
        # stored stories, as in the summary table: a story continued across pages is fetched as two parts
        "articles": sum(int(r.get("articles") or 0) for r in rows),
        "article_parts": int(stats.get("epaper/items/article", 0)),
        "joins": int(stats.get(f"{JOIN_STATS}/joined", 0)),
        "joins_ambiguous": int(stats.get(f"{JOIN_STATS}/ambiguous", 0)),
        "failures": failures,
        "rejected": rejected,
        "seconds": round(seconds, 2) if seconds is not None else None,
    }
    counters["stats"] = {k: v for k, v in stats.items() if isinstance(v, int | float)}
    return counters


def summary_line(run_id: int | None, status: str, scope: str, counters: dict[str, Any]) -> str:
    """`epaper run 12 finished: ycrb 2025-01-01…2025-01-31: 31 editions (30 complete, 1 partial), 2 skipped, …`"""
    by_status = ", ".join(f"{n} {s}" for s, n in sorted(counters.get("by_status", {}).items()))
    seconds = counters.get("seconds")
    parts = [
        f"{counters['editions']} edition{'' if counters['editions'] == 1 else 's'}"
        + (f" ({by_status})" if by_status else ""),
        f"{counters['skipped']} skipped",
        f"{counters['pages']} pages",
        f"{counters['articles']} articles",
        f"{counters['joins']} joins",
        f"{counters['failures']} failures",
        f"{counters['requests']} requests" + (f" in {seconds:.1f}s" if seconds is not None else ""),
    ]
    if counters.get("locked"):
        parts.append("locked: " + ",".join(counters["locked"]))
    if counters.get("drift"):
        parts.append("drift: " + ",".join(counters["drift"]))
    if counters.get("replacement"):
        parts.append("U+FFFD: " + ",".join(counters["replacement"]))
    if counters.get("error"):
        parts.append(str(counters["error"]))
    return f"epaper run {run_id} {status}: {scope}: " + ", ".join(parts) + f"; exit {counters.get('exit_status')}"
