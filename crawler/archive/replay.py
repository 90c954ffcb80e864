"""`epaper reparse`: run the parsers, the text stages and the store again over the raw archive, offline.

No second routing code: the real `epaper` spider runs through Scrapy as in a crawl, with four components
swapped in (see `reparse_settings`):

- `ArchiveReplayMiddleware`, a downloader middleware at 950 (where `ArchiveMiddleware` writes during a crawl),
  answers every request from the archive index (crawler/archive/reader.py): URL → WARC file + offset, built
  by scanning the archive with warcio (a URL not found is looked up by paper + path, for a site that moved host or scheme, or the demo
  server on another port). Per URL, a 2xx copy beats a redirect, which beats a 404/410; among equals the
  latest WARC-Date wins (a site that later deletes an old edition must not erase the copy we have). The stored body is the body as
  received, so decompression, redirects and the parsers run exactly as in the crawl. A request that is not in
  the archive raises `NotInArchive` (an IgnoreRequest), counted as `epaper/reparse/missing` and logged.
- `OfflineDownloadHandler` replaces the http/https download handlers: if anything ever got past the replay,
  it is refused and counted (`epaper/reparse/network_blocked`), never sent. Robots.txt is off.
- `ReplayStartFilter` (spider middleware) drops the start requests and EditionItems of dates whose entry is
  not in the archive: those editions are skipped, not marked failed — a reparse only covers what was fetched.
- `ArchiveMissFilter` (item pipeline, before the store) drops the FailureItem the spider makes of a
  `NotInArchive` request: the reparse has learnt nothing new about a page it never had, so what the crawl
  recorded about it (a failure row with its real reason and attempts) stays as it is.

A damaged WARC file is reported and its intact records before the damage are used; a file cut inside a record
(a full disk, a killed writer) is reported as "truncated WARC file PATH, N records read". Either makes the exit
status 1: the archive has lost something. An archive folder with no WARC files, or none for the chosen papers
and dates, is "nothing to reparse", also exit 1 (a wrong --archive or --paper must not look like success).

The archive writer is off during a reparse. The store updates rows in place on their natural keys, writes
the parser version of each article, and leaves `changed_at` alone when the content hash is unchanged: a reparse
with unchanged parsers changes nothing but the `*_seen_at`/`*_crawled_at` times and adds a `crawl_run` row
whose arguments carry `reparse=<archive dir>`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from crawler.archive.reader import ArchiveIndex, RecordReader
from crawler.config import archive_dir
from schema.records import EditionItem, FailureItem

logger = logging.getLogger(__name__)

REPLAY_DIR_SETTING = "EPAPER_REPLAY_DIR"
NOTHING_FOUND = 1  # exit status when the archive holds nothing for the selection (an empty or wrong folder)
MISS_PREFIX = "NotInArchive"


class NotInArchive(IgnoreRequest):
    """The archive holds no response for this request (reparse never goes to the network)."""


# One index per crawler: the command builds it before the crawl starts, the replay components share it.
_INDEXES: weakref.WeakKeyDictionary[Crawler, ArchiveIndex] = weakref.WeakKeyDictionary()
_PREBUILT: dict[str, ArchiveIndex] = {}


def index_for(crawler: Crawler) -> ArchiveIndex:
    index = _INDEXES.get(crawler)
    if index is None:
        value = crawler.settings.get(REPLAY_DIR_SETTING)
        if not value:
            raise NotConfigured(f"{REPLAY_DIR_SETTING} is not set")
        directory = archive_dir(value)
        index = _PREBUILT.pop(str(directory), None) or ArchiveIndex.build(directory)
        _INDEXES[crawler] = index
    return index


class ArchiveReplayMiddleware:
    """Downloader middleware (at 950): answer every request from the archive; nothing goes further."""

    def __init__(self, crawler: Crawler, index: ArchiveIndex) -> None:
        self.stats = crawler.stats
        self.index = index
        self.reader = RecordReader(index.files)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveReplayMiddleware:
        return cls(crawler, index_for(crawler))

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"epaper/reparse/{key}", count)

    def process_request(self, request: Request, spider: Any = None) -> Response:
        entry, moved = self.index.lookup(request.url, request.meta.get("paper"))
        if moved:
            self._inc("host_fallback")
        if entry is None:
            self._inc("missing")
            logger.warning("not in the archive, skipped: %s", request.url)
            raise NotInArchive(f"not in the archive: {request.url}")
        try:
            stored = self.reader.read(entry.file, entry.offset)
        except Exception as exc:  # noqa: BLE001 - a damaged record is a miss, not a crash
            self._inc("missing")
            self._inc("damaged")
            logger.warning("archive record of %s unreadable (%s), skipped", request.url, exc)
            raise NotInArchive(f"damaged in the archive: {request.url}") from exc
        self._inc("responses")
        self._inc("bytes", len(stored.body))
        headers = Headers()
        for name, value in stored.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=stored.body)
        return cls(
            url=request.url, status=stored.status, headers=headers, body=stored.body, request=request,
            protocol=stored.protocol, flags=["archive"],
        )

    def spider_closed(self, spider: Any = None) -> None:
        self.reader.close()


class OfflineDownloadHandler:
    """The http/https download handler of a reparse: refuses every request, so nothing reaches the network."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OfflineDownloadHandler:
        return cls(crawler)

    async def download_request(self, request: Request, spider: Any = None) -> Response:
        if self.stats is not None:
            self.stats.inc_value("epaper/reparse/network_blocked")
        logger.error("reparse is offline: refused to fetch %s", request.url)
        raise NotInArchive(f"offline: refused to fetch {request.url}")

    async def close(self) -> None:
        return None


class ReplayStartFilter:
    """Spider middleware: start only the editions whose entry page is in the archive; count the others."""

    def __init__(self, crawler: Crawler, index: ArchiveIndex) -> None:
        self.stats = crawler.stats
        self.index = index

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayStartFilter:
        return cls(crawler, index_for(crawler))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        skipped: set[tuple[str | None, dt.date | None]] = set()
        async for item_or_request in start:
            if isinstance(item_or_request, Request):
                paper, day = item_or_request.meta.get("paper"), item_or_request.meta.get("day")
            elif isinstance(item_or_request, EditionItem):
                paper, day = item_or_request.paper, item_or_request.date
            else:
                yield item_or_request
                continue
            key = (paper, day)
            if paper is not None and day is not None and self.index.has_edition(paper, day):
                yield item_or_request
            elif key not in skipped:
                skipped.add(key)
                if self.stats is not None:
                    self.stats.inc_value("epaper/reparse/editions_not_archived")
        if skipped:
            logger.info("reparse: %d edition(s) in the range have no archived entry and were skipped", len(skipped))


class ArchiveMissFilter:
    """Item pipeline (before the store): a request the archive could not answer leaves the database alone."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, FailureItem) and item.reason.startswith(MISS_PREFIX):
            raise DropItem(f"not in the archive, left as the crawl recorded it: {item.url}")
        return item


# --------------------------------------------------------------------------- the command


def reparse_settings(archive: Path, db_url: str | None, base: Any) -> dict[str, Any]:
    """Setting overrides that turn `scrapy crawl epaper` into an offline reparse of `archive`."""
    downloader = dict(base.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader["crawler.archive.ArchiveMiddleware"] = None
    downloader["crawler.reparse.ArchiveReplayMiddleware"] = 950
    spider_mws = dict(base.getdict("SPIDER_MIDDLEWARES"))
    spider_mws["crawler.reparse.ReplayStartFilter"] = 30
    pipelines = dict(base.getdict("ITEM_PIPELINES"))
    pipelines["crawler.reparse.ArchiveMissFilter"] = 890
    overrides: dict[str, Any] = {
        REPLAY_DIR_SETTING: str(archive),
        "EPAPER_ARCHIVE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": downloader,
        "SPIDER_MIDDLEWARES": spider_mws,
        "ITEM_PIPELINES": pipelines,
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.reparse.OfflineDownloadHandler",
            "https": "crawler.reparse.OfflineDownloadHandler",
        },
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "EPAPER_RETRY_BACKOFF_BASE": 0,
        "TELNETCONSOLE_ENABLED": False,
        "JOBDIR": None,  # a reparse is quick to repeat; it never resumes (or disturbs) a crawl's job queue
    }
    if db_url:
        overrides["EPAPER_DATABASE_URL"] = db_url
    return overrides


@dataclass
class ReparseResult:
    exit_status: int
    stats: dict[str, Any]
    index: ArchiveIndex | None
    seconds: float
    nothing: str | None = None  # why there was nothing to reparse, when there was nothing

    def summary(self) -> dict[str, Any]:
        s = self.stats
        articles = int(s.get("epaper/items/article", 0))
        index = self.index
        status = "ok" if self.exit_status == 0 else "failed"
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
            "network_blocked": int(s.get("epaper/reparse/network_blocked", 0)),
            "pages": int(s.get("epaper/items/page", 0)),
            "articles": articles,
            "seconds": round(self.seconds, 3),
            "articles_per_s": round(articles / self.seconds, 1) if self.seconds > 0 else None,
        }


def reparse(
    archive: Path,
    papers: list[str] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    db_url: str | None = None,
    log_level: str = "WARNING",
) -> ReparseResult:
    """Re-run the spider over the archive in this process (Scrapy's reactor: once per process)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.config import resolve
    from crawler.registry import load_registry
    from crawler.run_ledger import EXIT_STATUS_KEY

    index = ArchiveIndex.build(archive, papers, date_from, date_to)
    damaged = 1 if index.problems else 0
    if not index.files:
        where = f"{archive} (folders {', '.join(sorted(papers))})" if papers else str(archive)
        return ReparseResult(NOTHING_FOUND, {}, index, 0.0, nothing=f"no WARC files (*.warc.gz) in {where}")
    chosen = sorted(papers) if papers else sorted(index.editions)
    chosen = [p for p in chosen if index.editions.get(p)]
    span = index.date_range()
    if not chosen or span is None:
        selection = ", ".join(sorted(papers)) if papers else "any paper"
        dates = f" from {date_from or '…'} to {date_to or '…'}" if date_from or date_to else ""
        why = f"no archived edition of {selection}{dates} in the {len(index.files)} WARC files of {archive}"
        return ReparseResult(max(damaged, NOTHING_FOUND), {}, index, 0.0, nothing=why)
    first, last = date_from or span[0], date_to or span[1]

    settings = get_project_settings()
    config = resolve(settings)
    registry = load_registry(config.registry_path, config.fixture_url)
    unknown = [p for p in chosen if p not in registry]
    for key in unknown:
        logger.warning("archived paper %r is not in the registry (EPAPER_PAPERS?); skipped", key)
    chosen = [p for p in chosen if p in registry]
    if not chosen:
        return ReparseResult(1, {}, index, 0.0)
    for key, value in {**reparse_settings(archive, db_url, settings), "LOG_LEVEL": log_level}.items():
        settings.set(key, value, priority="cmdline")
    _PREBUILT[str(archive)] = index
    started = time.perf_counter()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("epaper")
    spider_args = {
        "paper": ",".join(chosen), "start": first.isoformat(), "end": last.isoformat(),
        "reparse_arg": str(archive),  # recorded in crawl_run.arguments
        "refresh": "1",  # a reparse covers complete editions too
    }
    process.crawl(crawler, **spider_args)
    process.start()
    seconds = time.perf_counter() - started
    _PREBUILT.pop(str(archive), None)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    status = 1 if process.bootstrap_failed else int(stats.get(EXIT_STATUS_KEY, 0))
    return ReparseResult(max(status, damaged), stats, index, seconds)
