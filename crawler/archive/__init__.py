"""The raw WARC archive, by concern: writer.py (the crawl's downloader middleware and the WARC files),
reader.py (records read back, damaged files scanned, the URL index), replay.py (an edition answered from the
archive through the crawl's routing, crawler/routing.py) and run.py (`epaper reparse`: replay → text stages →
store and run ledger, offline, with no Scrapy engine). Locations come from crawler/config.py."""

# the path the settings name (DOWNLOADER_MIDDLEWARES "crawler.archive.ArchiveMiddleware", disabled by a reparse)
from crawler.archive.writer import ArchiveMiddleware

__all__ = ["ArchiveMiddleware"]
