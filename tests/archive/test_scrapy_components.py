"""The archive's Scrapy components in process (no reactor): where they sit, what they write and replay."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import default_settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.archive import ArchiveMiddleware
from crawler.archive.reader import ArchiveIndex
from crawler.archive.replay import (
    ArchiveMissFilter,
    ArchiveReplayMiddleware,
    NotInArchive,
    OfflineDownloadHandler,
    ReplayStartFilter,
    reparse_settings,
)
from schema.records import EditionItem, FailureItem

DAY = dt.date(2025, 4, 25)
PAGE = ("<html><head><meta charset='utf-8'></head><body>" + "<p>桃源县新建的图书馆今天开放。</p>" * 100
        + "</body></html>").encode()
URL = "http://127.0.0.1:9/demo/pc/layout/202504/25/node_01.html"


def request(url: str = URL, kind: str = "edition", day: dt.date = DAY) -> Request:
    return Request(url, meta={"paper": "demo", "day": day, "kind": kind})


def archive_crawler(tmp_path: Path, **settings: object):
    return get_crawler(settings_dict={"EPAPER_ARCHIVE_DIR": str(tmp_path), **settings})


def test_the_archive_sits_between_the_network_and_every_decoding_middleware() -> None:
    ours = get_project_settings().getdict("DOWNLOADER_MIDDLEWARES")["crawler.archive.ArchiveMiddleware"]
    base = default_settings.DOWNLOADER_MIDDLEWARES_BASE
    for name in ("HttpCompressionMiddleware", "RedirectMiddleware", "RetryMiddleware", "HttpCacheMiddleware"):
        order = next(v for k, v in base.items() if k.endswith("." + name))
        assert ours > order, name  # process_response runs from the highest order down: we see the raw response


def test_a_gzip_response_is_archived_raw_and_replays_through_scrapys_decompression(tmp_path: Path) -> None:
    crawler = archive_crawler(tmp_path)
    archive = ArchiveMiddleware.from_crawler(crawler)
    wire = gzip.compress(PAGE)
    received = Response(URL, status=200, body=wire, request=request(),
                        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})
    assert archive.process_response(request(), received) is received
    archive.spider_closed()
    assert crawler.stats.get_value("epaper/archive/responses") == 1
    assert crawler.stats.get_value("epaper/archive/records") == 2
    (written,) = tmp_path.rglob("*.warc.gz")
    assert crawler.stats.get_value("epaper/archive/bytes") == written.stat().st_size

    replay_crawler = get_crawler(settings_dict={"EPAPER_REPLAY_DIR": str(tmp_path)})
    replay = ArchiveReplayMiddleware(replay_crawler, ArchiveIndex.build(tmp_path))
    replayed = replay.process_request(request())
    assert replayed.body == wire and replayed.status == 200 and "archive" in replayed.flags
    decoded = HttpCompressionMiddleware.from_crawler(replay_crawler).process_response(request(), replayed)
    assert isinstance(decoded, HtmlResponse) and decoded.body == PAGE
    assert "桃源县" in decoded.text
    assert replay_crawler.stats.get_value("epaper/reparse/responses") == 1
    # a replayed response passing the archive middleware again (a reparse with the writer on) is not rewritten
    before = sorted(tmp_path.rglob("*.warc.gz"))
    archive2 = ArchiveMiddleware.from_crawler(archive_crawler(tmp_path))
    archive2.process_response(request(), replayed)
    archive2.spider_closed()
    assert sorted(tmp_path.rglob("*.warc.gz")) == before


def test_errors_cache_hits_and_media_are_not_archived_unless_media_is_asked_for(tmp_path: Path) -> None:
    crawler = archive_crawler(tmp_path)
    archive = ArchiveMiddleware.from_crawler(crawler)
    archive.process_response(request(), TextResponse(URL, status=503, body=b"busy"))
    archive.process_response(request(), TextResponse(URL, status=200, body=b"x", flags=["cached"]))
    jpg = URL.replace("node_01.html", "page_01.jpg")
    archive.process_response(request(jpg, "image"), Response(jpg, body=b"\xff\xd8", headers={"Content-Type": "image/jpeg"}))
    archive.spider_closed()
    assert not list(tmp_path.rglob("*.warc.gz"))
    assert crawler.stats.get_value("epaper/archive/skipped/503") == 1
    assert crawler.stats.get_value("epaper/archive/skipped/media") == 1

    media = ArchiveMiddleware.from_crawler(archive_crawler(tmp_path, EPAPER_ARCHIVE_MEDIA=True))
    media.process_response(request(jpg, "image"), Response(jpg, body=b"\xff\xd8", headers={"Content-Type": "image/jpeg"}))
    media.spider_closed()
    assert list(ArchiveIndex.build(tmp_path).entries) == [jpg]


def test_records_are_written_off_the_reactor_thread_and_on_disk_at_close(tmp_path: Path) -> None:
    import threading

    crawler = archive_crawler(tmp_path)
    archive = ArchiveMiddleware.from_crawler(crawler)
    writers: set[str] = set()
    write = archive._write

    def spy(writer, exchange):  # type: ignore[no-untyped-def]
        writers.add(threading.current_thread().name)
        write(writer, exchange)

    archive._write = spy  # type: ignore[method-assign]
    urls = [URL.replace("node_01", f"node_{n:02d}") for n in range(1, 21)]
    for url in urls:
        archive.process_response(request(url), HtmlResponse(url, body=PAGE))
    archive.spider_closed()
    assert writers and threading.current_thread().name not in writers
    assert list(ArchiveIndex.build(tmp_path).entries) == urls  # every record, in arrival order
    assert crawler.stats.get_value("epaper/archive/responses") == 20


def test_a_failed_write_is_logged_and_counted_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "archive"
    blocked.write_text("a file where the archive folder should be")
    crawler = archive_crawler(blocked)
    archive = ArchiveMiddleware.from_crawler(crawler)
    received = HtmlResponse(URL, body=PAGE)
    assert archive.process_response(request(), received) is received
    archive.spider_closed()
    assert crawler.stats.get_value("epaper/archive/errors") == 1
    assert any("could not write" in r.getMessage() and URL in r.getMessage() for r in caplog.records)


def test_the_writer_can_be_switched_off() -> None:
    with pytest.raises(NotConfigured):
        ArchiveMiddleware.from_crawler(get_crawler(settings_dict={"EPAPER_ARCHIVE_ENABLED": False}))


def test_misses_raise_not_in_archive_and_their_failure_items_leave_the_database_alone(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"EPAPER_REPLAY_DIR": str(tmp_path)})
    replay = ArchiveReplayMiddleware(crawler, ArchiveIndex.build(tmp_path))
    with pytest.raises(NotInArchive):
        replay.process_request(request())
    assert crawler.stats.get_value("epaper/reparse/missing") == 1
    # the spider's errback turns the miss into a FailureItem whose reason starts with the exception's name
    miss = FailureItem("demo", DAY, URL, "page", f"NotInArchive: not in the archive: {URL}")
    real = FailureItem("demo", DAY, URL, "page", "parse: no page list")
    with pytest.raises(DropItem):
        ArchiveMissFilter().process_item(miss)
    assert ArchiveMissFilter().process_item(real) is real


def test_the_download_handler_of_a_reparse_refuses_everything() -> None:
    crawler = get_crawler()
    handler = OfflineDownloadHandler.from_crawler(crawler)
    with pytest.raises(NotInArchive):
        asyncio.run(handler.download_request(Request(URL)))
    assert crawler.stats.get_value("epaper/reparse/network_blocked") == 1


def test_only_editions_with_an_archived_entry_are_started(tmp_path: Path) -> None:
    archive = ArchiveMiddleware.from_crawler(archive_crawler(tmp_path))
    archive.process_response(request(), HtmlResponse(URL, body=PAGE))
    archive.spider_closed()
    crawler = get_crawler(settings_dict={"EPAPER_REPLAY_DIR": str(tmp_path)})
    start_filter = ReplayStartFilter(crawler, ArchiveIndex.build(tmp_path))
    other = dt.date(2025, 4, 26)
    items = [EditionItem("demo", DAY, URL), request(), EditionItem("demo", other, URL), request(day=other)]

    async def run() -> list:
        async def start():
            for item in items:
                yield item

        return [x async for x in start_filter.process_start(start())]

    kept = asyncio.run(run())
    assert kept == items[:2]
    assert crawler.stats.get_value("epaper/reparse/editions_not_archived") == 1


def test_reparse_settings_replace_the_writer_and_the_network(tmp_path: Path) -> None:
    overrides = reparse_settings(tmp_path, "sqlite:///x.db", get_project_settings())
    downloader = overrides["DOWNLOADER_MIDDLEWARES"]
    assert downloader["crawler.archive.ArchiveMiddleware"] is None
    assert downloader["crawler.reparse.ArchiveReplayMiddleware"] == 950
    assert "crawler.backoff.RetryBackoffMiddleware" in downloader  # the project's own stay
    assert set(overrides["DOWNLOAD_HANDLERS"].values()) == {"crawler.reparse.OfflineDownloadHandler"}
    assert overrides["ROBOTSTXT_OBEY"] is False and overrides["EPAPER_ARCHIVE_ENABLED"] is False
    assert overrides["ITEM_PIPELINES"]["crawler.reparse.ArchiveMissFilter"] < overrides["ITEM_PIPELINES"][
        "pipelines.store.StorePipeline"]
