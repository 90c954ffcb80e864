"""The raw WARC archive, by concern: writer.py (the crawl's downloader middleware and the WARC files),
reader.py (records read back, damaged files scanned, the URL index) and replay.py (`epaper reparse`: the
spider run again over the archive, offline). Locations come from crawler/config.py."""

# the path the settings name (DOWNLOADER_MIDDLEWARES "crawler.archive.ArchiveMiddleware", disabled by a reparse)
from crawler.archive.writer import ArchiveMiddleware

__all__ = ["ArchiveMiddleware"]
