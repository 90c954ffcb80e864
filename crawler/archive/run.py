"""`epaper reparse`: the parsers, the text stages and the store run again over the raw archive, offline, with no
Scrapy engine, scheduler or middleware in between.

archive index (reader.py) → routing (crawler/routing.py, the spider's own decisions) → family parsers →
the text stages of pipelines/stages.py → the store stage (pipelines/store.py) and the run ledger
(crawler/run_ledger.py): the same objects the crawl builds from its settings, called directly, item by item;
the store writes in batches. `OfflineRun` is what they are built from in place of a Scrapy crawler: the
settings, a stats collector, a signal manager and the run's spider object (its arguments and papers only: it
makes no request), so the crawl_run row, the exit status and the summary are kept as in a crawl.

With `jobs` > 1 the editions are split into contiguous runs of dates, parsed and put through the text stages
by worker processes (fork), and stored by this process in edition order: SQLite takes a single writer, and
one writer keeps the store's batching and the ledger's books as they are on PostgreSQL too.

A reparse only covers what was fetched: dates whose entry is not in the archive are skipped and counted
(`editions_not_archived`), not marked failed. The store runs in its reparse mode (schema/store/upsert.py):
no `last_seen_at` / `last_crawled_at` moves, the new `parser_version` is written, and a row is written only
when a value differs, so an unchanged re-parse writes nothing; `rows_written` says how many were.

A damaged WARC file is reported and its intact records before the damage are used; a file cut inside a record
(a full disk, a killed writer) is reported as "truncated WARC file PATH, N records read". Either makes the exit
status 1: the archive has lost something. An archive folder with no WARC files, or none for the chosen papers
and dates, is "nothing to reparse", also exit 1 (a wrong --archive or --paper must not look like success).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.archive.reader import ArchiveIndex
from crawler.archive.replay import ArchiveSource, replay_edition
from crawler.registry import Paper
from pipelines.store import REPARSE_SETTING

logger = logging.getLogger(__name__)

NOTHING_FOUND = 1  # exit status when the archive holds nothing for the selection (an empty or wrong folder)
CHUNK_EDITIONS = 16  # editions per task of a worker process


class Stats:
    """The stats collector calls the stages, the store stage and the ledger make, on a plain dict: Scrapy's
    collector wraps every call in a deprecation shim that costs more than the counting, 20 calls an article."""

    def __init__(self) -> None:
        self._stats: dict[str, Any] = {}

    def get_value(self, key: str, default: Any = None, spider: Any = None) -> Any:
        return self._stats.get(key, default)

    def get_stats(self, spider: Any = None) -> dict[str, Any]:
        return self._stats

    def set_value(self, key: str, value: Any, spider: Any = None) -> None:
        self._stats[key] = value

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self._stats[key] = self._stats.get(key, start) + count

    def max_value(self, key: str, value: Any, spider: Any = None) -> None:
        self._stats[key] = max(self._stats.get(key, value), value)

    def min_value(self, key: str, value: Any, spider: Any = None) -> None:
        self._stats[key] = min(self._stats.get(key, value), value)


class OfflineRun:
    """What the pipeline stages and the run ledger are built from in place of a Scrapy crawler."""

    def __init__(self, settings: Any, spider: Any) -> None:
        from scrapy.signalmanager import SignalManager

        self.settings = settings
        self.spider = spider
        self.engine = None  # no engine: a database failure is seen by the loop (`ledger.database_error`)
        self.signals = SignalManager(self)
        self.stats = Stats()


class TextStages:
    """The crawl's text stages (ITEM_PIPELINES below the store), built from the settings, in their order."""

    def __init__(self, run: OfflineRun) -> None:
        from scrapy.utils.misc import load_object

        pipelines = run.settings.getdict("ITEM_PIPELINES")
        paths = sorted((order, path) for path, order in pipelines.items() if order is not None and order < 900)
        self.stages = [load_object(path).from_crawler(run) for _, path in paths]
        self.stats = run.stats

    def process(self, item: Any) -> Any | None:
        """The item after every stage, or None when a stage dropped it (logged and counted, as Scrapy does)."""
        from scrapy.exceptions import DropItem

        for stage in self.stages:
            try:
                item = stage.process_item(item)
            except DropItem as exc:
                logger.warning("dropped: %s", exc)
                self.stats.inc_value("item_dropped_count")
                self.stats.inc_value(f"item_dropped_reasons_count/{type(exc).__name__}")
                return None
        self.stats.inc_value("item_scraped_count")
        return item


# ----------------------------------------------------------------------------- parsing (in any process)


@dataclass
class Parser:
    """Routing + parsers + text stages over one archive: editions in, stored-ready items out."""

    registry: dict[str, Paper]
    index: ArchiveIndex
    settings: Any
    run: OfflineRun | None = None

    def __post_init__(self) -> None:
        from crawler.limits import PageCaps
        from crawler.routing import Router

        if self.run is None:
            self.run = OfflineRun(self.settings, None)
        stats = self.run.stats
        self.router = Router(self.registry, PageCaps.from_settings(self.settings),
                             inc=lambda key, count: stats.inc_value(key, count),
                             pdf_text=True)  # articles read archived page PDFs, as a crawl with EPAPER_MEDIA does
        self.source = ArchiveSource(self.index)
        self.stages = TextStages(self.run)
        self.seen: set[str] = set()

    def editions(self, editions: list[tuple[str, dt.date]]) -> Iterator[Any]:
        for key, day in editions:
            for item in replay_edition(self.router, self.source, self.registry[key], day, self.seen):
                processed = self.stages.process(item)
                if processed is not None:
                    yield processed

    def counters(self) -> dict[str, Any]:
        """This parser's stats (text stages, limits, the archive source's `epaper/reparse/...`), numbers only."""
        assert self.run is not None
        numbers = {k: v for k, v in self.run.stats.get_stats().items() if isinstance(v, int | float)}
        numbers.update({f"epaper/reparse/{k}": v for k, v in self.source.stats.items()})
        return numbers


_WORKER: Parser | None = None  # the parser of a worker process (inherited through fork)


def _work(editions: list[tuple[str, dt.date]]) -> tuple[list[Any], dict[str, Any]]:
    """One task of a worker process: the items of some editions, and the stats they added."""
    assert _WORKER is not None
    before = Counter(_WORKER.counters())
    items = list(_WORKER.editions(editions))
    after = Counter(_WORKER.counters())
    after.subtract(before)
    return items, {k: v for k, v in after.items() if v}


def _chunks(editions: list[tuple[str, dt.date]], size: int) -> list[list[tuple[str, dt.date]]]:
    return [editions[i:i + size] for i in range(0, len(editions), size)]


def parsed(parser: Parser, editions: list[tuple[str, dt.date]], jobs: int, into: Any) -> Iterator[Any]:
    """The processed items of the editions, in edition order: in this process, or by `jobs` forked workers (their
    stats added to `into`, a stats collector)."""
    if jobs <= 1 or len(editions) <= CHUNK_EDITIONS:
        yield from parser.editions(editions)
        return
    global _WORKER
    _WORKER = parser
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(jobs) as pool:
            for items, stats in pool.imap(_work, _chunks(editions, CHUNK_EDITIONS)):
                for key, value in stats.items():
                    into.inc_value(key, value)
                yield from items
    finally:
        _WORKER = None


# ----------------------------------------------------------------------------- the command


@dataclass
class ReparseResult:
    exit_status: int
    stats: dict[str, Any]
    index: ArchiveIndex | None
    seconds: float
    nothing: str | None = None  # why there was nothing to reparse, when there was nothing
    rows_written: dict[str, int] | None = None
    jobs: int = 1

    def summary(self) -> dict[str, Any]:
        s = self.stats
        articles = int(s.get("epaper/items/article", 0))
        index = self.index
        status = "ok" if self.exit_status == 0 else "failed"
        written = self.rows_written or {}
        return {
            "status": "empty" if self.nothing else status,
            "exit_status": self.exit_status,
            "archive_files": len(index.files) if index else 0,
            "damaged_files": len(index.problems) if index else 0,
            "truncated_files": len(index.truncated) if index else 0,
            "records_indexed": index.records if index else 0,
            "index_seconds": round(index.seconds, 3) if index else 0.0,
            "editions": sum(len(v) for v in index.editions.values()) if index else 0,
            "editions_not_archived": int(s.get("epaper/reparse/editions_not_archived", 0)),
            "responses_replayed": int(s.get("epaper/reparse/responses", 0)),
            "missing": int(s.get("epaper/reparse/missing", 0)),
            "network_blocked": 0,  # nothing here can reach the network (no download handler at all)
            "pages": int(s.get("epaper/items/page", 0)),
            "articles": articles,
            "rows_written": sum(written.values()),
            "rows_written_by_table": dict(sorted(written.items())),
            "jobs": self.jobs,
            "seconds": round(self.seconds, 3),
            "articles_per_s": round(articles / self.seconds, 1) if self.seconds > 0 else None,
        }


def _nothing(archive: Path, index: ArchiveIndex, papers: list[str] | None, date_from: dt.date | None,
             date_to: dt.date | None) -> ReparseResult | None:
    damaged = 1 if index.problems else 0
    if not index.files:
        where = f"{archive} (folders {', '.join(sorted(papers))})" if papers else str(archive)
        return ReparseResult(NOTHING_FOUND, {}, index, 0.0, nothing=f"no WARC files (*.warc.gz) in {where}")
    chosen = [p for p in (sorted(papers) if papers else sorted(index.editions)) if index.editions.get(p)]
    if not chosen or index.date_range() is None:
        selection = ", ".join(sorted(papers)) if papers else "any paper"
        dates = f" from {date_from or '…'} to {date_to or '…'}" if date_from or date_to else ""
        why = f"no archived edition of {selection}{dates} in the {len(index.files)} WARC files of {archive}"
        return ReparseResult(max(damaged, NOTHING_FOUND), {}, index, 0.0, nothing=why)
    return None


def reparse(
    archive: Path,
    papers: list[str] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    db_url: str | None = None,
    log_level: str = "WARNING",
    jobs: int = 1,
) -> ReparseResult:
    """Re-run routing, parsers, text stages and the store over the archive (see the module docstring)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.log import configure_logging
    from scrapy.utils.project import get_project_settings

    from crawler.config import resolve
    from crawler.registry import load_registry

    started = time.perf_counter()
    index = ArchiveIndex.build(archive, papers, date_from, date_to)
    empty = _nothing(archive, index, papers, date_from, date_to)
    if empty is not None:
        return empty
    chosen = sorted(papers) if papers else sorted(index.editions)
    chosen = [p for p in chosen if index.editions.get(p)]
    span = index.date_range()
    assert span is not None  # _nothing said there are archived editions
    first, last = date_from or span[0], date_to or span[1]

    settings = get_project_settings()
    overrides: dict[str, Any] = {"LOG_LEVEL": log_level, REPARSE_SETTING: True, "EPAPER_ARCHIVE_ENABLED": False}
    if db_url:
        overrides["EPAPER_DATABASE_URL"] = db_url
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    configure_logging(settings, install_root_handler=True)
    config = resolve(settings)
    registry = load_registry(config.registry_path, config.fixture_url)
    for key in [p for p in chosen if p not in registry]:
        logger.warning("archived paper %r is not in the registry (EPAPER_PAPERS?); skipped", key)
    chosen = [p for p in chosen if p in registry]
    if not chosen:
        return ReparseResult(1, {}, index, 0.0)
    return _run(archive, index, settings, registry, chosen, first, last, max(1, jobs), started)


def _run(archive: Path, index: ArchiveIndex, settings: Any, registry: Any, chosen: list[str], first: dt.date,
         last: dt.date, jobs: int, started: float) -> ReparseResult:
    from crawler.run_ledger import EXIT_STATUS_KEY, RunLedger
    from crawler.spiders.epaper import EpaperSpider
    from pipelines.store import StorePipeline

    # the run's arguments as a crawl records them (crawl_run.args), reparse=<archive dir> among them
    spider = EpaperSpider(paper=",".join(chosen), start=first.isoformat(), end=last.isoformat(), refresh="1",
                          reparse_arg=str(archive))
    spider.select(settings)
    run = OfflineRun(settings, spider)
    stats = run.stats
    stats.set_value("start_time", dt.datetime.now(dt.timezone.utc))
    ledger = RunLedger.from_crawler(run)  # type: ignore[arg-type]  # the ledger reads settings/stats/spider/signals
    store = StorePipeline.from_crawler(run)  # type: ignore[arg-type]
    store.open_spider()
    editions: list[tuple[str, dt.date]] = []
    for paper, day in spider.plan():
        if index.has_edition(paper.key, day):
            editions.append((paper.key, day))
        else:
            stats.inc_value("epaper/reparse/editions_not_archived")
    if stats.get_value("epaper/reparse/editions_not_archived"):
        logger.info("reparse: %d edition(s) in the range have no archived entry and were skipped",
                    stats.get_value("epaper/reparse/editions_not_archived"))
    stats.set_value("epaper/editions/planned", len(editions))
    parser = Parser(registry, index, settings, run)
    # What exists now (modules, settings, the index, the router) lives to the end of the run: frozen, the
    # collector stops scanning it again in every full collection (0.1-0.2 s of a year's reparse on one core).
    gc.freeze()
    try:
        for item in parsed(parser, editions, jobs, stats):
            if ledger.database_error is not None:
                break  # the database refused a write for good: the run is failed, the rest is not parsed
            store.process_item(item)
    finally:
        gc.unfreeze()  # collectable again once the run is over (tests run many reparses in one process)
    if jobs <= 1 or len(editions) <= CHUNK_EDITIONS:
        for key, value in parser.source.stats.items():
            stats.inc_value(f"epaper/reparse/{key}", value)
    parser.source.close()
    for key in ("responses", "missing"):
        stats.inc_value(f"epaper/reparse/{key}", 0)
    stats.set_value("finish_time", dt.datetime.now(dt.timezone.utc))
    store.close_spider()  # finalises the editions; the ledger's store_closing writes the run's row
    seconds = time.perf_counter() - started
    all_stats = stats.get_stats()
    damaged = 1 if index.problems else 0
    written = dict(store.store.written) if store.store is not None else {}
    return ReparseResult(max(int(all_stats.get(EXIT_STATUS_KEY, 0)), damaged), all_stats, index, seconds,
                         rows_written=written, jobs=jobs)
