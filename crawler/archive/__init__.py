"""The raw WARC archive, by concern: writer.py (the crawl's downloader middleware and the WARC files),
reader.py (records read back, damaged files scanned, the URL index), replay.py (an edition answered from the
archive through the crawl's routing, crawler/routing.py) and run.py (`epaper reparse`: replay → text stages →
store and run ledger, offline, with no Scrapy engine). Locations come from crawler/config.py."""

from __future__ import annotations

from typing import Any

__all__ = ["ArchiveMiddleware"]


def __getattr__(name: str) -> Any:
    """`crawler.archive.ArchiveMiddleware` (the path DOWNLOADER_MIDDLEWARES names), imported when asked for:
    the writer pulls in Scrapy's crawler and engine, which a reparse (reader, replay, run) never uses."""
    if name == "ArchiveMiddleware":
        from crawler.archive.writer import ArchiveMiddleware

        return ArchiveMiddleware
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
