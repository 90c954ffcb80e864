"""js-data: e-papers whose pages are script shells filled from a data file (开封日报, 南充日报, 滨城时报 …).

The HTML a page or article URL serves has no page list and no text of its own: a script fills it in the browser
from a data file the shell names. The parser reads that file (it raises NeedsDocuments with its URL, and is
called again with `options["documents"]`). Two skins:

- "datajs": shells `<base>/YYYY-MM-DD/page_N.html` (开封日报: one viewer `newspaper.html?edition=N`) and
  `article_ID.html` load `<script src="data.js">` (or
  `db.js`), a JavaScript file `var data = [...]` with one entry per page: `catalog` (the label, `第01版：要闻`),
  `imgSrc`, `pdf`, `width`/`height` of the page image and `areaList[]` (`title`, `pretitle`, `subtitle`,
  `shareLink` = the article's URL, `coords` in the image's pixels, `html` = the article inline).
- "pagejson": shells `<base>/YYYYMMDD/YYYYMMDD-A1.html` (date twice: folder and file) and
  `YYYYMMDD-A1-K.html` name their page's JSON in `data-json` (`YYYYMMDD-A1.json`): `layoutlist[]` (`pageno`,
  `pagename`, `url` of the page, `pdf`), `img`, `width`, `height` and `infolist.list[]` (`url`, `title`,
  `pretitle`, `subtitle`, `coords`, `content`).

A shell that names no data file says so in its ParseError: there is nothing to read without a browser. The data
file is parsed as data (chompjs for the JavaScript), never run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import parse_qs

import chompjs

from crawler.families.contract import NeedsDocuments, ParseError, documents_of
from crawler.families.listing import ListingFamily, Roles, js_shell_reason
from crawler.families.markup import (
    Document,
    clean_space,
    load_whole,
    parse_coords,
    parse_label,
    strip_query,
)
from crawler.families.urls import join_url, split_url
from schema.records import ArticleRecord, ArticleRef, CoordinateSpace, PageRecord, PageRef

DATA_SCRIPT_RE = re.compile(r"(?:^|/)(?:data|db)\.js(?:\?.*)?$", re.I)
BODY_ROLES: Roles = {
    "body": ("div#jsdata-content",),
    "images": ("div#jsdata-content img",),
    "captions": (".pic-txt",),
}


def _text(value: Any) -> str:
    return clean_space(str(value)) if value not in (None, "") else ""


class JsData(ListingFamily):
    key = "js-data"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(
        r"/\d{4}-\d{2}-\d{2}/(?:page_\d+|newspaper)\.html$|/(\d{8})/\1-[A-Za-z]{0,2}\d{1,3}\.html$"
    )
    ARTICLE_URL_RE = re.compile(
        r"/\d{4}-\d{2}-\d{2}/article_\w+\.html$|/(\d{8})/\1-[A-Za-z]{0,2}\d{1,3}-\d+\.html$"
    )
    ENTRY_URL_RE = re.compile(r"(?!)")
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})/")
    DEFAULT_ENTRY = "{date:%Y-%m-%d}/page_1.html"
    URL_EVIDENCE = "YYYY-MM-DD/page_N.html or YYYYMMDD/YYYYMMDD-A1.html (script shells)"

    # ------------------------------------------------------------------ the shell

    def data_file(self, doc: Document) -> tuple[str, str] | None:
        """(skin, absolute URL) of the data file the shell names, None when it names none."""
        for script in doc.root.iter("script"):
            src = (script.get("src") or "").strip()
            if src and DATA_SCRIPT_RE.search(src):
                return "datajs", join_url(doc.url, src)
        for el in doc.root.iter():
            if isinstance(el.tag, str) and (el.get("data-json") or "").strip():
                return "pagejson", join_url(doc.url, el.get("data-json").strip())
        return None

    def evidence(self, body: bytes, url: str) -> list[str]:
        hits = [f"URL matches {self.URL_EVIDENCE}"] if self.matches_url(url) else []
        try:
            doc = Document.load(body, url, None)
        except ParseError:
            return hits
        named = self.data_file(doc)
        if named:
            hits.append(f"script shell naming its data file ({named[0]}): {named[1]}")
        return hits

    def skin_of(self, body: bytes, url: str) -> str | None:
        try:
            named = self.data_file(Document.load(body, url, None))
        except ParseError:
            return None
        return named[0] if named else None

    def _data(
        self, body: bytes, url: str, headers: Mapping[str, str] | None, options: Mapping[str, Any]
    ) -> tuple[str, str, Any, Document]:
        """(skin, data URL, parsed data, shell): NeedsDocuments until the caller passes the data file."""
        doc = load_whole(body, url, headers, options)
        named = self.data_file(doc)
        if named is None:
            why = js_shell_reason(doc) or "no data file named"
            raise ParseError(
                f"{why}: a js-data shell that names no data file (data.js, db.js or data-json), so there are "
                "no pages or articles to read without a browser"
            )
        skin, data_url = named
        documents = documents_of(options)
        if data_url not in documents:
            raise NeedsDocuments([data_url], f"the {skin} shell is filled from its data file")
        raw = documents[data_url]
        try:
            text = raw.decode("utf-8-sig")
            data = chompjs.parse_js_object(text) if skin == "datajs" else json.loads(text)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"the data file {data_url} does not parse: {exc}") from exc
        return skin, data_url, data, doc

    # ------------------------------------------------------------------ pages

    def _page_entries(self, skin: str, data: Any, data_url: str, url: str) -> tuple[list[PageRef], Any, PageRef]:
        """The edition's page list, this page's own entry of the data and its page-list entry."""
        if skin == "datajs":
            if not isinstance(data, list) or not data:
                raise ParseError("data.js holds no page list (expected `var data = [...]`)")
            viewer = split_url(url).path.endswith("/newspaper.html")  # 开封: one viewer, `?edition=N` per page
            refs = []
            for i, entry in enumerate(data, start=1):
                number, name = parse_label(_text(entry.get("catalog")))
                page = join_url(data_url, f"newspaper.html?edition={i}" if viewer else f"page_{i}.html")
                pdf = join_url(data_url, entry["pdf"]) if entry.get("pdf") else None
                refs.append(PageRef(number=number, name=name, url=page, pdf_url=pdf))
            if viewer:
                edition = parse_qs(split_url(url).query).get("edition", ["1"])[0]
                index = int(edition) - 1 if edition.isdigit() else -1
            else:
                m = re.search(r"page_(\d+)\.html$", split_url(url).path)
                index = int(m.group(1)) - 1 if m else -1
            if not 0 <= index < len(data):
                raise ParseError(f"data.js has {len(data)} pages, none for {url}")
            return refs, data[index], refs[index]
        if not isinstance(data, dict) or not isinstance(data.get("layoutlist"), list):
            raise ParseError("the page JSON has no layoutlist")
        refs = [
            PageRef(
                number=_text(e.get("pageno")),
                name=_text(e.get("pagename")).replace(" ", ""),
                url=join_url(data_url, e.get("url") or ""),
                pdf_url=join_url(data_url, e["pdf"]) if e.get("pdf") else None,
            )
            for e in data["layoutlist"]
            if e.get("url")
        ]
        current = next((p for p in refs if p.url == url), None)
        if current is None:
            raise ParseError(f"the data file {data_url} does not list this page")
        return refs, data, current

    @staticmethod
    def _areas(skin: str, entry: Any) -> list[Any]:
        if skin == "datajs":
            return list(entry.get("areaList") or [])
        return list((entry.get("infolist") or {}).get("list") or [])

    @staticmethod
    def _link(skin: str, area: Any) -> str:
        return str(area.get("shareLink" if skin == "datajs" else "url") or "").strip()

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
            raise ParseError(f"not a js-data page URL: {url}")
        skin, data_url, data, _doc = self._data(body, url, headers, options)
        pages, entry, current = self._page_entries(skin, data, data_url, url)
        image = entry.get("imgSrc" if skin == "datajs" else "img")
        space = CoordinateSpace(
            width=int(entry["width"]) if entry.get("width") else None,
            height=int(entry["height"]) if entry.get("height") else None,
            image_url=join_url(data_url, image) if image else None,
        )
        refs: dict[str, ArticleRef] = {}
        for area in self._areas(skin, entry):
            link = self._link(skin, area)
            article = strip_query(join_url(data_url, link)) if link else ""
            if not article or not self.same_edition(article, url, "article"):
                continue
            ref = refs.setdefault(
                article,
                ArticleRef(
                    url=article, title=_text(area.get("title")) or None, source_key=self.source_key(article)
                ),
            )
            polygon = parse_coords(str(area.get("coords") or ""), area.get("shape"))
            if polygon and polygon not in ref.polygons:
                ref.polygons.append(polygon)
        date = edition_date or self.date_from_url(url)
        return PageRecord(
            url=url,
            edition_date=date,
            number=current.number,
            name=current.name,
            image_url=space.image_url,
            pdf_url=current.pdf_url,
            pages=pages,
            articles=list(refs.values()),
            coordinate_space=space,
            parser_version=self.parser_version(date),
        )

    # ------------------------------------------------------------------ articles

    def parse_article(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ArticleRecord:
        options = options or {}
        if self.page_kind(url) != "article":
            raise ParseError(f"not a js-data article URL: {url}")
        skin, data_url, data, _doc = self._data(body, url, headers, options)
        entries: Sequence[Any] = data if skin == "datajs" else [data]
        here = strip_query(url)
        for entry in entries:
            for area in self._areas(skin, entry):
                link = self._link(skin, area)
                if link and strip_query(join_url(data_url, link)) == here:
                    page_number = (
                        parse_label(_text(entry.get("catalog")))[0]
                        if skin == "datajs"
                        else self._own_pageno(data, url)
                    )
                    return self._article(area, skin, url, edition_date, page_number or None)
        raise ParseError(f"the data file {data_url} holds no article for {url}")

    @staticmethod
    def _own_pageno(data: Any, url: str) -> str:
        m = re.search(r"-([A-Za-z]{0,2}\d{1,3})-\d+\.html$", split_url(url).path)
        return m.group(1) if m else ""

    def _article(
        self, area: Any, skin: str, url: str, edition_date: dt.date | None, page_number: str | None
    ) -> ArticleRecord:
        html = str(area.get("html" if skin == "datajs" else "content") or "")
        title = _text(area.get("title"))
        if not title:
            raise ParseError(f"the data file's entry for {url} has no title")
        shell = f"<html><head><meta charset='utf-8'><title>{escape(title)}</title></head><body>"
        shell += f"<div id='jsdata-content'>{html}</div></body></html>"
        doc = Document.load(shell.encode("utf-8"), url, {"Content-Type": "text/html; charset=utf-8"})
        roles = {k: list(v) for k, v in BODY_ROLES.items()}
        images, caption_els = self._images(doc, roles)
        paragraphs = self._paragraphs(doc, roles, caption_els)
        date = edition_date or self.date_from_url(url)
        subtitle = _text(area.get("subtitle")).lstrip("—－- ") or None
        return ArticleRecord(
            url=strip_query(url),
            edition_date=date,
            source_id=self.source_id(url),
            kicker=_text(area.get("pretitle")) or None,
            title=title,
            subtitle=subtitle,
            paragraphs=paragraphs,
            images=images,
            author=_text(area.get("author")) or None,
            page_number=page_number,
            metadata={},
            parser_version=self.parser_version(date),
        )

    def source_id(self, url: str) -> str:
        """`article_1203.html` -> "1203"; `20240101-A1-3.html` -> "A1-3"."""
        stem = split_url(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem.startswith("article_"):
            return stem[len("article_") :]
        return stem.split("-", 1)[1] if "-" in stem else stem
