"""The raw archive: every response the crawler receives, written to WARC files with warcio.

Why WARC: it is the archival standard (ISO 28500), readable by every web-archive tool, and it keeps the request
and the response together with their headers, so that a parser improved years later can run again on exactly
what the site sent (`epaper reparse`, crawler/archive/replay.py) without fetching anything.

Where in Scrapy. `ArchiveMiddleware` is a downloader middleware at 950, above every built-in one (the HTTP
cache sits at 900 for the same reason): its process_response sees the response as the download handler
produced it, before decompression (590), redirects (600) and retries (550). So a record holds the body
**as received** — still gzip-encoded when the site sent `Content-Encoding: gzip` — with the headers that
describe it. Only two headers are rewritten, because Twisted has already removed the transfer coding:
`Transfer-Encoding` is dropped and `Content-Length` is set to the stored body's length. warcio's
`content_stream()` decodes the stored body as a browser would; the replay (crawler/archive/replay.py) puts the
response back at the same position, so the decompression, redirect and retry middlewares and the parsers see
exactly what they saw during the crawl.

What is archived: 2xx responses; 3xx responses that carry a Location (a redirect is an answer of the site: a
missing date sent to another issue must replay as the same redirect); 404 and 410, because a dated entry that
answers 404 is the proof that no edition was published that day. 5xx and other errors are transient and not
content: they are not archived, so they can never shadow a good copy.

Files: `<dir>/<paper>/<paper>-<UTC time>-<pid>-<serial>.warc.gz`, one gzip member per record (a damaged file
stays readable up to the damage), rotated when a file reaches EPAPER_ARCHIVE_MAX_BYTES, opened with O_EXCL:
two crawl processes never write the same file. Each file starts with a `warcinfo` record. Response records
carry `WARC-Epaper-Paper`, `WARC-Epaper-Date` and `WARC-Epaper-Kind` (edition/page/article) from the request
so that the archive can be indexed per paper and date without parsing bodies.

Page images and PDFs that the spider fetches because of EPAPER_MEDIA (`-a media=`, crawler/media.py: requests
of kind `media`) are archived like any page, with `WARC-Epaper-Kind: media`; so are the page PDFs of a pdf-only
paper (its pages: kind `edition` or `page`, meta `media`). Other images, PDFs and photos
(by Content-Type or file suffix) are archived only with EPAPER_ARCHIVE_MEDIA. Responses served by the HTTP cache
or by the archive itself (a reparse) are never written again.

Writing happens off the reactor thread: compressing and writing a record would otherwise stall every download
and parse behind it. One writer thread per middleware takes the exchanges in arrival order (so each file's
records keep their order and a WarcFileWriter is only ever touched by that thread); at most
WRITE_QUEUE_LIMIT exchanges wait, after which the reactor waits for the disk (memory stays bounded). A write
that fails (a full disk) is logged and counted (`epaper/archive/errors`), and the spider's close waits for the
queue to drain, so every archived response is on disk when the run ends.

Settings: EPAPER_ARCHIVE_ENABLED (default True), EPAPER_ARCHIVE_DIR (default `data/archive/` beside the
database, see schema.db.project_data_dir), EPAPER_ARCHIVE_MAX_BYTES (default 1 GiB), EPAPER_ARCHIVE_MEDIA
(default False).
Stats: `epaper/archive/records` (WARC records written, requests and responses), `epaper/archive/responses`,
`epaper/archive/bytes` (compressed bytes on disk), `epaper/archive/files`, `epaper/archive/skipped/<status>`.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.archive.keys import (  # noqa: F401 - NOT_PUBLISHED_STATUSES, url_key … stay importable from here
    DATE_HEADER,
    KIND_HEADER,
    NOT_PUBLISHED_STATUSES,
    OTHER_GROUP,
    PAPER_HEADER,
    safe_group,
    url_key,
)
from crawler.config import resolve
from crawler.paths import confined

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1 << 30
# headers describing the transfer, not the stored body (the body is stored de-chunked)
HOP_HEADERS = frozenset({"transfer-encoding", "content-length"})
SOFTWARE = "epaper-archive (Scrapy + warcio)"
WRITE_QUEUE_LIMIT = 256  # exchanges waiting for the writer thread before the reactor waits for the disk
MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf")


def should_archive(status: int, headers: Any = None) -> bool:
    """2xx; 3xx with a Location (a redirect replays as a redirect); 404/410 (proof of "not published")."""
    if 200 <= status < 300 or status in NOT_PUBLISHED_STATUSES:
        return True
    if 300 <= status < 400 and headers is not None:
        return bool(headers.get("Location") if hasattr(headers, "get") else None)
    return False


def is_media(url: str, headers: Any = None) -> bool:
    """A page image or PDF (or an article photo): archived only with EPAPER_ARCHIVE_MEDIA."""
    content_type = ""
    if headers is not None:
        value = headers.get("Content-Type") if hasattr(headers, "get") else None
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        content_type = (value or "").split(";")[0].strip().lower()
    if content_type.startswith("image/") or content_type == "application/pdf":
        return True
    return urlsplit(url).path.lower().endswith(MEDIA_SUFFIXES)


# --------------------------------------------------------------------------- one exchange


@dataclass
class Exchange:
    """One request and its response, as the archive stores them."""

    url: str
    status: int
    body: bytes
    response_headers: list[tuple[str, str]]
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None
    paper: str | None = None
    day: dt.date | None = None
    kind: str | None = None

    @classmethod
    def from_scrapy(cls, request: Request, response: Response) -> Exchange:
        meta = request.meta
        day = meta.get("day")
        return cls(
            url=url_key(response.url),
            status=response.status,
            body=response.body,
            response_headers=_header_pairs(response.headers),
            method=request.method,
            request_headers=_header_pairs(request.headers),
            request_body=request.body or b"",
            protocol=response.protocol or "HTTP/1.1",
            ip_address=str(response.ip_address) if response.ip_address is not None else None,
            paper=meta.get("paper"),
            day=day if isinstance(day, dt.date) else None,
            kind=meta.get("kind"),
        )


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy Headers (bytes, multi-valued) → [(name, value)] in latin-1, repeated names kept."""
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            pairs.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return pairs


def stored_response_headers(headers: Iterable[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """The response headers with the transfer headers replaced by the stored body's true length."""
    kept = [(k, v) for k, v in headers if k.lower() not in HOP_HEADERS]
    kept.append(("Content-Length", str(body_length)))
    return kept


# --------------------------------------------------------------------------- the writer


class WarcFileWriter:
    """WARC files of one group (a paper): gzip per record, rotated by size, names unique per process."""

    def __init__(self, directory: Path, group: str, max_bytes: int = DEFAULT_MAX_BYTES,
                 info: dict[str, str] | None = None) -> None:
        self.directory = confined(directory, safe_group(group))
        self.group = safe_group(group)
        self.max_bytes = max(int(max_bytes), 1)
        self.info = info or {}
        self.serial = 0
        self.files: list[Path] = []
        self.bytes_written = 0
        self.records = 0
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._start = 0

    @property
    def current(self) -> Path | None:
        return self.files[-1] if self._file is not None and self.files else None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        while True:
            self.serial += 1
            path = confined(self.directory, f"{self.group}-{stamp}-{os.getpid()}-{self.serial:05d}.warc.gz")
            try:
                handle = open(path, "xb")  # noqa: SIM115 - kept open across records, closed in close()
            except FileExistsError:
                continue
            break
        self._file = handle
        self._writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        self.files.append(path)
        info = {"software": SOFTWARE, "format": "WARC File Format 1.1", "hostname": socket.gethostname(),
                "pid": str(os.getpid()), **self.info}
        self._write(self._writer.create_warcinfo_record(path.name, info))

    def _write(self, record: Any) -> int:
        assert self._file is not None and self._writer is not None
        before = self._file.tell()
        self._writer.write_record(record)
        written = self._file.tell() - before
        self.bytes_written += written
        self.records += 1
        return written

    def write(self, exchange: Exchange) -> int:
        """Write the request and response records of one exchange (after a new file's warcinfo record);
        returns the compressed bytes written."""
        total_before = self.bytes_written
        if self._file is None:
            self._open()
        assert self._writer is not None and self._file is not None
        warc_headers = {}
        if exchange.ip_address:
            warc_headers["WARC-IP-Address"] = exchange.ip_address
        if exchange.paper:
            warc_headers[PAPER_HEADER] = exchange.paper
        if exchange.day is not None:
            warc_headers[DATE_HEADER] = exchange.day.isoformat()
        if exchange.kind:
            warc_headers[KIND_HEADER] = exchange.kind
        try:
            reason = HTTPStatus(exchange.status).phrase
        except ValueError:
            reason = ""
        status_line = f"{exchange.status} {reason}".strip()
        http_headers = StatusAndHeaders(
            status_line, stored_response_headers(exchange.response_headers, len(exchange.body)),
            protocol=exchange.protocol,
        )
        response = self._writer.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.body), length=len(exchange.body),
            http_headers=http_headers, warc_headers_dict=warc_headers,
        )
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = list(exchange.request_headers)
        if not any(k.lower() == "host" for k, _ in request_headers):
            request_headers.insert(0, ("Host", parts.netloc))
        request = self._writer.create_warc_record(
            exchange.url, "request", payload=io.BytesIO(exchange.request_body), length=len(exchange.request_body),
            http_headers=StatusAndHeaders(f"{exchange.method} {target} HTTP/1.1", request_headers,
                                          is_http_request=True),
        )
        before = self._file.tell()
        self._writer.write_request_response_pair(request, response)
        self.bytes_written += self._file.tell() - before
        self.records += 2
        if self._file.tell() >= self.max_bytes:
            self.close()
        return self.bytes_written - total_before

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None


class ArchiveMiddleware:
    """Downloader middleware (at 950): write every archivable response to the paper's WARC files."""

    def __init__(self, crawler: Crawler, directory: Path, max_bytes: int, media: bool = False) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.directory = directory
        self.max_bytes = max_bytes
        self.media = media
        self.writers: dict[str, WarcFileWriter] = {}
        self.seconds = 0.0  # time spent writing (in the writer thread)
        self._pool: ThreadPoolExecutor | None = None
        self._slots = threading.BoundedSemaphore(WRITE_QUEUE_LIMIT)
        self._pending: list[Future[None]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        settings = crawler.settings
        if not settings.getbool("EPAPER_ARCHIVE_ENABLED", True):
            raise NotConfigured("EPAPER_ARCHIVE_ENABLED is off")
        directory = resolve(settings).archive_dir
        middleware = cls(crawler, directory, settings.getint("EPAPER_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES),
                         settings.getbool("EPAPER_ARCHIVE_MEDIA", False))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"epaper/archive/{key}", count)

    def writer_for(self, paper: str | None) -> WarcFileWriter:
        group = safe_group(paper) if paper else OTHER_GROUP
        writer = self.writers.get(group)
        if writer is None:
            spider = self.crawler.spider
            info = {"spider": getattr(spider, "name", "epaper"),
                    "arguments": " ".join(f"{k}={v}" for k, v in sorted(vars(spider).items())
                                          if k.endswith("_arg") and v is not None) if spider else ""}
            writer = self.writers[group] = WarcFileWriter(self.directory, group, self.max_bytes, info)
        return writer

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if urlsplit(response.url).scheme not in ("http", "https"):
            return response
        if "cached" in response.flags or "archive" in response.flags:
            return response  # an answer from the HTTP cache or the archive itself: not a new fetch
        if not should_archive(response.status, response.headers):
            self._inc(f"skipped/{response.status}")
            return response
        asked = request.meta.get("kind") == "media" or request.meta.get("media") is not None  # or a pdf-only page
        if not self.media and not asked and is_media(response.url, response.headers):
            self._inc("skipped/media")
            return response
        exchange = Exchange.from_scrapy(request, response)
        writer = self.writer_for(request.meta.get("paper"))
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="epaper-warc")
        self._slots.acquire()  # back-pressure: a slow disk holds the reactor rather than filling memory
        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._pool.submit(self._write, writer, exchange))
        self._inc("records", 2)
        self._inc("responses")
        return response

    def _write(self, writer: WarcFileWriter, exchange: Exchange) -> None:
        """In the writer thread: one exchange to its paper's file; a failure is logged and counted, not raised."""
        started = time.perf_counter()
        try:
            files_before = len(writer.files)
            written = writer.write(exchange)
            self._inc("bytes", written)
            self._inc("files", len(writer.files) - files_before)
        except OSError as exc:
            logger.error("archive: could not write %s to %s: %s", exchange.url, writer.directory, exc)
            self._inc("errors")
        finally:
            self.seconds += time.perf_counter() - started
            self._slots.release()

    def drain(self) -> None:
        """Wait until every queued exchange is written (the close, and anyone about to read the files)."""
        for future in self._pending:
            future.result()
        self._pending = []

    def spider_closed(self, spider: Any = None) -> None:
        self.drain()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        for writer in self.writers.values():
            writer.close()
        if self.stats is not None:
            self.stats.set_value("epaper/archive/seconds", round(self.seconds, 3))
        files = sum(len(w.files) for w in self.writers.values())
        if files:
            logger.info("archive: %d WARC file(s) under %s", files, self.directory)


# --------------------------------------------------------------------------- reading
