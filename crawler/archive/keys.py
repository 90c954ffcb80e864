"""What the WARC writer and the reader agree on, with no Scrapy in it: the epaper WARC header names, the
statuses kept as proof of "not published", the archive's URL key and a paper's folder name. The reader (and so
`epaper reparse`) imports this module, not writer.py, which pulls in Scrapy's crawler and engine."""

from __future__ import annotations

import re
from urllib.parse import urldefrag

NOT_PUBLISHED_STATUSES = frozenset({404, 410})
PAPER_HEADER = "WARC-Epaper-Paper"
DATE_HEADER = "WARC-Epaper-Date"
KIND_HEADER = "WARC-Epaper-Kind"
OTHER_GROUP = "_other"  # responses that belong to no paper (robots.txt)


def safe_group(name: str) -> str:
    """A paper key as a directory and file-name part."""
    cleaned = re.sub(r"[^A-Za-z0-9_.]+", "_", name).strip(".")
    return cleaned or OTHER_GROUP


def url_key(url: str) -> str:
    """The archive's key for a URL: as Scrapy requested it, without a fragment."""
    return urldefrag(url)[0]
