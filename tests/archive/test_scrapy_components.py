"""The archive writer in process (no reactor): where it sits and what it writes; what the replay reads back."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import default_settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.archive import ArchiveMiddleware
from crawler.archive.reader import ArchiveIndex
from crawler.archive.replay import ArchiveSource, Failed
from crawler.routing import Fetch

DAY = dt.date(2025, 4, 25)
PAGE = ("<html><head><meta charset='utf-8'></head><body>" + "<p>桃源县新建的图书馆今天开放。</p>" * 100
        + "</body></html>").encode()
URL = "http://127.0.0.1:9/demo/pc/layout/202504/25/node_01.html"


def request(url: str = URL, kind: str = "edition", day: dt.date = DAY) -> Request:
    return Request(url, meta={"paper": "demo", "day": day, "kind": kind})


def fetch(url: str = URL) -> Fetch:
    return Fetch(url, "demo", DAY, "founder-pc", "edition")


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

    source = ArchiveSource(ArchiveIndex.build(tmp_path))
    stored = source.stored(URL, "demo")
    assert stored is not None and stored.body == wire and stored.status == 200
    answer = source.answer(fetch())
    assert answer is not None and answer.body == PAGE and "Content-Encoding" not in answer.headers
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert source.stats["responses"] == 2
    # a response flagged as replayed ("archive") passing the archive middleware again is not rewritten
    before = sorted(tmp_path.rglob("*.warc.gz"))
    archive2 = ArchiveMiddleware.from_crawler(archive_crawler(tmp_path))
    archive2.process_response(request(), HtmlResponse(URL, body=PAGE, flags=["archive"]))
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


def test_a_miss_is_counted_and_answers_nothing(tmp_path: Path) -> None:
    source = ArchiveSource(ArchiveIndex.build(tmp_path))
    assert source.answer(fetch()) is None
    assert source.stats["missing"] == 1 and source.stats["responses"] == 0


def test_redirects_are_followed_and_a_loop_fails_as_the_crawl_fails_it(tmp_path: Path) -> None:
    archive = ArchiveMiddleware.from_crawler(archive_crawler(tmp_path))
    other = URL.replace("node_01", "node_02")
    for url, target in ((URL, other), (other, URL)):
        archive.process_response(request(url), Response(url, status=302, headers={"Location": target}, request=request(url)))
    archive.spider_closed()
    with pytest.raises(Failed, match="redirect loop"):
        ArchiveSource(ArchiveIndex.build(tmp_path)).answer(fetch())
