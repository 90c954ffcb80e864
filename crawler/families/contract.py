"""The layout-family contract: what a family provides so that the spider, `epaper parse` and reparse can use it.

A family turns raw bytes + URL into PageRecord / ArticleRecord (schema/records.py) without any network or
crawler state, so it can be tested offline and re-run on archived payloads (`epaper reparse`). It provides
the URL grammar of its entry, page and article URLs, dated parser versions, and parse_entry, parse_page
and parse_article. The Founder families (crawler/families/founder/) are the implementations.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from crawler.families.urls import join_url, split_url
from schema.records import ArticleRecord, PageRecord

PageKind = Literal["page", "article", "entry"]


# A page's links are checked one by one against the page's own URL (same_edition): the kind and the date of a
# URL are read once per family's patterns, not once per link (pure functions of the patterns and the URL).
@lru_cache(maxsize=16384)
def _kind_of(
    article: re.Pattern[str], page: re.Pattern[str], entry: re.Pattern[str], url: str
) -> PageKind | None:
    path = split_url(url).path
    if article.search(path):
        return "article"
    if page.search(path):
        return "page"
    if entry.search(path):
        return "entry"
    return None


@lru_cache(maxsize=16384)
def _date_of(pattern: re.Pattern[str], url: str) -> dt.date | None:
    m = pattern.search(split_url(url).path)
    if not m:
        return None
    try:
        return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


class ParseError(Exception):
    """The body is not a (complete) page of the family; `reason` says why in a few words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NeedsDocuments(Exception):
    """Not an error: the payload names other documents of the edition that its parse needs first.

    Some platforms keep a page's list of pages in a separate file (`YYYYMMDD_plist.htm`) or fill the page from a
    data file (`data.js`, a JSON API). The parser then raises NeedsDocuments with the absolute URLs it needs;
    the caller (the spider, reparse, `epaper parse --document URL=FILE`) fetches them and calls the same parser
    again with `options["documents"] = {url: bytes}`. A parser that was given every document it named and still
    cannot parse raises ParseError, never NeedsDocuments again for the same URL.
    """

    def __init__(self, urls: Sequence[str], reason: str):
        super().__init__(f"{reason}: needs {', '.join(urls)}")
        self.urls = tuple(urls)
        self.reason = reason


ENTRY_FIELDS = ("date", "yyyy", "mm", "dd", "page")  # the placeholders of a registry `entry` template


def entry_fields(date: dt.date, page: int = 1) -> dict[str, Any]:
    """What an entry template is formatted with: `{date:%Y%m%d}`, `{yyyy}{mm}{dd}` and the page number
    `{page:02d}` (pdf-only's page PDFs; 1 for the first page)."""
    return {"date": date, "yyyy": f"{date:%Y}", "mm": f"{date:%m}", "dd": f"{date:%d}", "page": page}


def documents_of(options: Mapping[str, Any] | None) -> Mapping[str, bytes]:
    """The companion documents a caller passed to a parser (see NeedsDocuments); {} when none."""
    return (options or {}).get("documents") or {}


class Family:
    """A layout family: URL grammar, dated parser versions and the two parse functions."""

    key: str = ""
    # (label, last edition date it covers or None for open-ended), oldest first.
    VERSIONS: tuple[tuple[str, dt.date | None], ...] = (("V1", None),)
    PAGE_URL_RE: re.Pattern[str]
    ARTICLE_URL_RE: re.Pattern[str]
    ENTRY_URL_RE: re.Pattern[str]
    DATE_URL_RE: re.Pattern[str]
    DEFAULT_ENTRY: str = ""
    INDEX_FILE: str = ""

    def parser_version(self, edition_date: dt.date | None) -> str:
        """`<key>/<label>` of the version that covers the edition date (the newest when no date)."""
        if edition_date is not None:
            for label, valid_until in self.VERSIONS:
                if valid_until is None or edition_date <= valid_until:
                    return f"{self.key}/{label}"
        return f"{self.key}/{self.VERSIONS[-1][0]}"

    def page_kind(self, url: str) -> PageKind | None:
        return _kind_of(self.ARTICLE_URL_RE, self.PAGE_URL_RE, self.ENTRY_URL_RE, url)

    def matches_url(self, url: str) -> bool:
        return self.page_kind(url) is not None

    def date_from_url(self, url: str) -> dt.date | None:
        return _date_of(self.DATE_URL_RE, url)

    def entry_url(self, base_url: str, date: dt.date, entry: str | None = None) -> str:
        """The dated first page: `entry` is a per-paper template formatted with `date`."""
        base = base_url if base_url.endswith("/") else base_url + "/"
        return join_url(base, (entry or self.DEFAULT_ENTRY).format(**entry_fields(date)))

    def index_url(self, base_url: str) -> str:
        base = base_url if base_url.endswith("/") else base_url + "/"
        return join_url(base, self.INDEX_FILE)

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None:
        raise NotImplementedError

    def evidence(self, body: bytes, url: str) -> list[str]:
        """What in this payload marks it as the family's: one short line per hit ("div.pageList: 8 links",
        "URL matches pc/layout/YYYYMM/DD/node_N.html"); [] when nothing does. `epaper probe` prints it and ranks
        families by it, and `epaper parse` uses it when the URL alone does not tell the family."""
        return []

    def skin_of(self, body: bytes, url: str) -> str | None:
        """The skin of the family this payload is written in, when the family has skins (`epaper probe` prints
        it and proposes it as the registry's `skin = "…"`); None when it has none or cannot tell."""
        return None

    def parse_page(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> PageRecord:
        raise NotImplementedError

    def parse_article(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ArticleRecord:
        raise NotImplementedError

    # ------------------------------------------------------------------ shared URL logic

    def source_id(self, url: str) -> str:
        """CMS id of an article URL: `content_52014.htm` -> "52014", `content_1_1001.htm` -> "1_1001"."""
        name = split_url(url).path.rsplit("/", 1)[-1]
        stem = re.sub(r"\.s?html?$", "", name, flags=re.I)
        m = re.match(r"content_(\w+)$", stem)
        if m:
            return m.group(1)
        m = re.match(r"c(\d+)$", stem)
        return m.group(1) if m else stem

    def source_key(self, url: str) -> str:
        """A key unique within an edition: `content_<id>` for CMS articles, else the URL path."""
        name = split_url(url).path.rsplit("/", 1)[-1]
        stem = re.sub(r"\.s?html?$", "", name, flags=re.I)
        if stem.startswith("content_"):
            return stem
        return split_url(url).path

    def same_edition(self, link: str, page_url: str, kind: PageKind) -> bool:
        """A link of the edition the page belongs to: same host, same date, the expected kind."""
        a, b = split_url(link), split_url(page_url)
        if a.scheme not in {"http", "https", "file", ""} or a.netloc != b.netloc:
            return False
        if self.page_kind(link) != kind:
            return False
        link_date, page_date = self.date_from_url(link), self.date_from_url(page_url)
        return link_date == page_date
