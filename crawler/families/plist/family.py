"""plist: dated-folder editions whose page list is a separate `YYYYMMDD_plist.htm` (福州日报, 福州晚报, 农民日报).

An edition lives under `<base>/YYYY/YYYYMMDD/`: the page list `YYYYMMDD_plist.htm` (a table, one row per page:
`div.bancititle a` with the label in a `span`, the PDF in the row's second cell), pages
`YYYYMMDD_NNN/YYYYMMDD_NNN.htm` with three-digit page numbers, articles `YYYYMMDD_NNN/YYYYMMDD_NNN_K.htm`.
A page shows its image with a `<map>` of `<area>` hotspots but not the edition's page list, so its parse needs
the plist: `parse_page` raises NeedsDocuments([plist URL]) and, called again with
`options["documents"] = {plist URL: bytes}`, reads the number and name as printed there. Articles: title
`td.font01` / `div.title`, kicker and subtitle `td.font02`, body `div#zhenwenzone` / `td.font6`. The sites
serve GBK; the plist too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from crawler.families.contract import NeedsDocuments, ParseError, documents_of
from crawler.families.listing import ListingFamily, Roles
from crawler.families.markup import (
    Document,
    date_from_text,
    first_text,
    load_whole,
    parse_label,
    select,
    select_all,
    strip_fragment,
)
from crawler.families.urls import join_url, split_url
from schema.records import ArticleRecord, PageRecord, PageRef

PLIST_ROWS = ("table tr",)
PLIST_LINK = ("div.bancititle a",)
PLIST_PDF = ("a[href$='.pdf']", "a[href$='.PDF']")

PAGE_SKINS: dict[str, Roles] = {
    "plist": {
        "article_links": ("div.titlelist a", "ul.titlelist li a"),
        "areas": ("map area",),
        "page_image": ("img[usemap]",),
        "paper_name": ("div.papername",),
        "printed_date": ("div.paperdate",),
    },
}

ARTICLE_SKINS: dict[str, Roles] = {
    "font01": {
        "kicker": ("td.font02.yinti", "div.yinti"),
        "title": ("td.font01", "div.title"),
        "subtitle": ("td.font02.futi", "div.futi"),
        "body": ("div#zhenwenzone", "td.font6"),
        "images": ("div#zhenwenzone img", "table.pic img"),
        "captions": ("td.pictext",),
        "author": ("td.author", "div.author"),
        "page_info": ("td.banci", "div.banci"),
    },
}

FOLDER_RE = re.compile(r"/(\d{8})_(\d{3})/\1_\2(?:_\d+)?\.htm$")


class Plist(ListingFamily):
    key = "plist"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(r"/(\d{8})_(\d{3})/\1_\2\.htm$")
    ARTICLE_URL_RE = re.compile(r"/(\d{8})_(\d{3})/\1_\2_\d+\.htm$")
    ENTRY_URL_RE = re.compile(r"/(\d{8})/\1_plist\.htm$")
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:/|_)")
    DEFAULT_ENTRY = "{date:%Y}/{date:%Y%m%d}/{date:%Y%m%d}_001/{date:%Y%m%d}_001.htm"
    PAGE_SKINS = PAGE_SKINS
    ARTICLE_SKINS = ARTICLE_SKINS
    EVIDENCE = (
        ("div.bancititle a", "page list rows div.bancititle (a plist)"),
        ("div#zhenwenzone", "article body div#zhenwenzone"),
        ("td.font01", "article title td.font01"),
    )
    URL_EVIDENCE = "YYYYMMDD_NNN/YYYYMMDD_NNN.htm, …_NNN_K.htm or YYYYMMDD_plist.htm"

    def plist_url(self, url: str) -> str:
        """The edition's page-list document, beside the page folders: `…/YYYYMMDD/YYYYMMDD_plist.htm`."""
        m = FOLDER_RE.search(split_url(url).path)
        if not m:
            raise ParseError(f"not a plist page URL: {url}")
        return join_url(url, f"../{m.group(1)}_plist.htm")

    def evidence(self, body: bytes, url: str) -> list[str]:
        hits = super().evidence(body, url)
        return hits + self._link_hits(body, url)

    def _link_hits(self, body: bytes, url: str) -> list[str]:
        try:
            doc = Document.load(body, url, None)
        except ParseError:
            return []
        hrefs = [join_url(url, (el.get("href") or "").strip()) for el in doc.root.iter("a", "area")]
        ours = [h for h in hrefs if self.page_kind(h) in ("page", "article")]
        return [f"links in the YYYYMMDD_NNN/ grammar: {len(ours)}"] if len(ours) >= 2 else []

    def skin_of(self, body: bytes, url: str) -> str | None:
        return "plist" if self.matches_url(url) else None

    # ------------------------------------------------------------------ the page list document

    def read_plist(self, body: bytes, url: str) -> list[PageRef]:
        """The edition's pages from its plist document (label as printed, page URL, PDF)."""
        doc = load_whole(body, url, None, {})
        pages: dict[str, PageRef] = {}
        for row in select_all(doc.root, PLIST_ROWS):
            links = select(row, PLIST_LINK)
            if not links or not (links[0].get("href") or "").strip():
                continue
            page_url = strip_fragment(join_url(url, links[0].get("href").strip()))
            if not self.same_edition(page_url, url, "page"):
                continue
            number, name = parse_label("".join(links[0].itertext()))
            if not number:
                m = self.PAGE_URL_RE.search(split_url(page_url).path)
                number = m.group(2) if m else ""
            pdfs = select(row, PLIST_PDF)
            pdf = join_url(url, pdfs[0].get("href").strip()) if pdfs and pdfs[0].get("href") else None
            pages.setdefault(page_url, PageRef(number=number, name=name, url=page_url, pdf_url=pdf))
        if not pages:
            raise ParseError(f"the page list {url} lists no page of the edition (no div.bancititle links)")
        return list(pages.values())

    # ------------------------------------------------------------------ parse

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None:
        """The plist is the edition's index: it sends the reader to its first page."""
        if self.page_kind(url) != "entry":
            return None
        return self.read_plist(body, url)[0].url

    def parse_page(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> PageRecord:
        options = options or {}
        if self.page_kind(url) != "page":
            raise ParseError(f"not a plist page URL (YYYYMMDD_NNN/YYYYMMDD_NNN.htm): {url}")
        doc = load_whole(body, url, headers, options)
        roles = {k: list(v) for k, v in PAGE_SKINS["plist"].items()}
        if not select(doc.root, roles["areas"]) and not select(doc.root, roles["article_links"]):
            raise ParseError("no hotspot map and no title list: not a plist page")
        plist = self.plist_url(url)
        documents = documents_of(options)
        if plist not in documents:
            raise NeedsDocuments([plist], "the page list is in the edition's plist document")
        pages = self.read_plist(documents[plist], plist)
        current = next((p for p in pages if p.url == url), None)
        if current is None:
            raise ParseError(f"the plist {plist} does not list this page")
        image = self._page_image(doc, roles)
        space = self._coordinate_space(doc, roles, image)
        date = edition_date or self.date_from_url(url)
        return PageRecord(
            url=url,
            edition_date=date,
            number=current.number,
            name=current.name,
            image_url=space.image_url,
            pdf_url=current.pdf_url,
            pages=pages,
            articles=self._articles(doc, roles),
            coordinate_space=space,
            paper_name=first_text(doc.root, roles.get("paper_name", ())),
            printed_date=date_from_text(first_text(doc.root, roles.get("printed_date", ()))),
            parser_version=self.parser_version(date),
        )

    def parse_article(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ArticleRecord:
        """The `td.font01` heads are common markup: only an article URL of the grammar is read as one."""
        if self.page_kind(url) != "article":
            raise ParseError(f"not a plist article URL (YYYYMMDD_NNN/YYYYMMDD_NNN_K.htm): {url}")
        return super().parse_article(body, url, edition_date, headers, options)

    def source_id(self, url: str) -> str:
        """`20240822_001_3.htm` -> "001_3"."""
        stem = split_url(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return stem.split("_", 1)[1] if "_" in stem else stem
