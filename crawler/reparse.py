"""`epaper reparse`: run the parsers, the text stages and the store again over the raw archive, offline.

No second routing code: the real `epaper` spider runs through Scrapy as in a crawl, with four components
swapped in (see `reparse_settings`):

- `ArchiveReplayMiddleware`, a downloader middleware at 950 (where `ArchiveMiddleware` writes during a crawl),
  answers every request from the archive index: URL → WARC file + offset, built by scanning the archive with
  warcio (a URL not found is looked up by paper + path, for a site that moved host or scheme, or the demo
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

import argparse
import datetime as dt
import json
import logging
import os
import sys
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from crawler.archive import (
    NOT_PUBLISHED_STATUSES,
    TRUNCATED,
    ArchivedResponse,
    archive_dir,
    read_at,
    scan_file,
    url_key,
    warc_files,
)
from schema.records import EditionItem, FailureItem

logger = logging.getLogger(__name__)

REPLAY_DIR_SETTING = "EPAPER_REPLAY_DIR"
NOTHING_FOUND = 1  # exit status when the archive holds nothing for the selection (an empty or wrong folder)
MISS_PREFIX = "NotInArchive"
OPEN_FILES = 32


def path_of(url: str) -> str:
    """Path and query of a URL: the key of the host-independent lookup."""
    parts = urlsplit(url_key(url))
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def truncated_message(path: Path | str, records: int) -> str:
    """The one line for a WARC file cut inside a record (a full disk, a killed writer)."""
    return (f"truncated WARC file {path}, {records} records read (those are used; what followed the cut is "
            "lost: re-crawl those dates)")


class NotInArchive(IgnoreRequest):
    """The archive holds no response for this request (reparse never goes to the network)."""


def _rank(status: int, date: str) -> tuple[int, str]:
    """Which copy of a URL the replay uses: content first, then redirects, then "not published"; then newest."""
    if 200 <= status < 300:
        klass = 3
    elif 300 <= status < 400:
        klass = 2
    elif status in NOT_PUBLISHED_STATUSES:
        klass = 1
    else:
        klass = 0
    return klass, date


@dataclass(slots=True)
class IndexEntry:
    file: int  # position in ArchiveIndex.files
    offset: int
    status: int
    date: str


@dataclass
class ArchiveIndex:
    """URL → the response record to replay, for some papers and dates of an archive directory."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    entries: dict[str, IndexEntry] = field(default_factory=dict)
    by_path: dict[tuple[str, str], IndexEntry] = field(default_factory=dict)  # (paper, path?query) → entry
    editions: dict[str, set[dt.date]] = field(default_factory=dict)  # paper → dates with an archived entry
    problems: dict[str, str] = field(default_factory=dict)  # file → what is wrong with it
    truncated: dict[str, int] = field(default_factory=dict)  # file cut inside a record → responses read
    records: int = 0
    seconds: float = 0.0

    @classmethod
    def build(
        cls,
        directory: Path,
        papers: Iterable[str] | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> ArchiveIndex:
        """Scan the WARC files (of the papers' folders) and index their response records."""
        started = time.perf_counter()
        wanted = set(papers) if papers else None
        index = cls(directory)
        for path in warc_files(directory, wanted):
            records, problem = scan_file(path)
            if problem == TRUNCATED:
                index.truncated[str(path)] = len(records)
                index.problems[str(path)] = problem
                logger.warning("%s", truncated_message(path, len(records)))
            elif problem is not None:
                index.problems[str(path)] = problem
                logger.warning("archive file %s: %s (%d intact records before it are used)", path, problem,
                               len(records))
            file_no = len(index.files)
            index.files.append(path)
            for r in records:
                if wanted is not None and r.paper not in wanted:
                    continue
                if (date_from or date_to) and (
                    r.day is None or (date_from and r.day < date_from) or (date_to and r.day > date_to)
                ):
                    continue
                index.records += 1
                entry = IndexEntry(file_no, r.offset, r.status, r.date)
                old = index.entries.get(r.url)
                if old is None or _rank(r.status, r.date) >= _rank(old.status, old.date):
                    index.entries[r.url] = entry
                if r.paper:
                    key = (r.paper, path_of(r.url))
                    old = index.by_path.get(key)
                    if old is None or _rank(r.status, r.date) >= _rank(old.status, old.date):
                        index.by_path[key] = entry
                if r.kind == "edition" and r.paper and r.day is not None:
                    index.editions.setdefault(r.paper, set()).add(r.day)
        index.seconds = time.perf_counter() - started
        return index

    def lookup(self, url: str, paper: str | None = None) -> tuple[IndexEntry | None, bool]:
        """The record for a URL; else, within the paper, the record of the same path on another host/port
        (a site that moved host or scheme, the demo server on another port). Second value: it was a fallback."""
        entry = self.entries.get(url_key(url))
        if entry is not None or not paper:
            return entry, False
        entry = self.by_path.get((paper, path_of(url)))
        return entry, entry is not None

    def has_edition(self, paper: str, day: dt.date) -> bool:
        return day in self.editions.get(paper, ())

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        days = [d for dates in self.editions.values() for d in dates]
        return (min(days), max(days)) if days else None


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


class _Reader:
    """Open WARC files, a few at a time (LRU), for random access by offset."""

    def __init__(self, files: list[Path], limit: int = OPEN_FILES) -> None:
        self.files = files
        self.limit = limit
        self.handles: OrderedDict[int, BinaryIO] = OrderedDict()

    def read(self, file_no: int, offset: int) -> ArchivedResponse:
        handle = self.handles.get(file_no)
        if handle is None:
            handle = open(self.files[file_no], "rb")  # noqa: SIM115 - cached, closed in close()
            self.handles[file_no] = handle
            while len(self.handles) > self.limit:
                self.handles.popitem(last=False)[1].close()
        else:
            self.handles.move_to_end(file_no)
        return read_at(handle, offset)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()
        self.handles.clear()


class ArchiveReplayMiddleware:
    """Downloader middleware (at 950): answer every request from the archive; nothing goes further."""

    def __init__(self, crawler: Crawler, index: ArchiveIndex) -> None:
        self.stats = crawler.stats
        self.index = index
        self.reader = _Reader(index.files)
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
        skipped: set[tuple[Any, Any]] = set()  # (paper, date) as the start item says, None when it says nothing
        async for item_or_request in start:
            key: tuple[Any, Any]
            if isinstance(item_or_request, Request):
                key = (item_or_request.meta.get("paper"), item_or_request.meta.get("day"))
            elif isinstance(item_or_request, EditionItem):
                key = (item_or_request.paper, item_or_request.date)
            else:
                yield item_or_request
                continue
            if key[0] is not None and key[1] is not None and self.index.has_edition(*key):
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

    from crawler.registry import load_registry
    from pipelines.store import EXIT_STATUS_KEY

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
    registry = load_registry(settings.get("EPAPER_PAPERS"), settings.get("EPAPER_FIXTURE_URL"))
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


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def cmd_reparse(args: argparse.Namespace) -> int:
    archive = archive_dir(args.archive)
    if not archive.is_dir():
        print(f"epaper reparse: no archive at {archive}", file=sys.stderr)
        return 2
    if args.date_from and args.date_to and args.date_to < args.date_from:
        print("epaper reparse: --to is before --from", file=sys.stderr)
        return 2
    papers = [p.strip() for p in args.paper.split(",") if p.strip()] if args.paper else None
    result = reparse(archive, papers, args.date_from, args.date_to, args.db, args.log_level)
    summary = result.summary()
    if result.index is not None:
        for path, problem in sorted(result.index.problems.items()):
            if path in result.index.truncated:
                print(f"epaper reparse: warning: {truncated_message(path, result.index.truncated[path])}",
                      file=sys.stderr)
            else:
                print(f"epaper reparse: damaged archive file {path}: {problem}", file=sys.stderr)
    if result.nothing:
        print(f"epaper reparse: nothing to reparse: {result.nothing}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print("epaper reparse: " + " ".join(f"{k}={v}" for k, v in summary.items()))
    return result.exit_status


def register(subparsers: Any) -> None:
    """Add `epaper reparse` (crawler/cli.py EXTENSION_MODULES)."""
    parser = subparsers.add_parser(
        "reparse", help="re-run parsers, text stages and the store over the raw WARC archive, offline"
    )
    parser.add_argument("--paper", help="KEY[,KEY…] (default: every paper in the archive)")
    parser.add_argument("--from", dest="date_from", type=_date, help="first edition date (default: earliest archived)")
    parser.add_argument("--to", dest="date_to", type=_date, help="last edition date (default: latest archived)")
    parser.add_argument("--db", help="SQLAlchemy URL (default: $EPAPER_DATABASE_URL or sqlite data/epaper.db)")
    parser.add_argument("--archive", help="archive directory (default: $EPAPER_ARCHIVE_DIR or data/archive)")
    parser.add_argument("--log-level", default="WARNING", help="Scrapy log level (default WARNING)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    parser.set_defaults(func=cmd_reparse)
