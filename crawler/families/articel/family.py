"""page-articel: `<base>/YYYYMMDD/PageNNXX.htm` pages and `ArticelNNNNXX.htm` articles (sic "Articel").

Papers: 法治日报, 南方农村报, 半岛都市报, 桂林, 伊犁, 吐鲁番, 潍坊, 天水, 皖西, 酒泉 … The two letters after the page
number differ per paper (`Page01TB`, `PageA01BC`, `Page01JQ`), so pages are found from the page list, never
guessed. Hotspots are not a `<map>`: each article is an absolutely positioned `a.overlink` box inside
`div#mylink` (geometry in the inline style left/top/width/height, over the page image; the title in the
non-standard attribute `neirong`). The link target may sit in `href` or, on some skins, in another attribute
(`daohang`, `url`, `title`): any attribute whose value is an `Articel…htm` URL of the edition is the target. A box
without any target (an editor-credit box, an advert) is not a story: it is logged and counted, never silently
dropped. Skins of the page:

- "overlink" (半岛都市报, 潍坊): page list `div.banmianlist_box a`, PDF `div.pdf a`, boxes `div#mylink a.overlink`;
- "gebanlist" (吐鲁番, 伊犁): page list `div.gebanlist_2 a`, article list `a.14` / `a.atitle`, boxes as above.

The whole-issue index `PageArticleIndexLB.htm` lists every page as a `div.linkto` block (`h4` with the label,
the page link and `a.pdf`, then `ul li a` with the article URL in the `title` attribute): it is read as the
edition's first page with the whole page list. Articles: `div#title` / `div.neirong h2` (title), `h3` (kicker),
body `span#contenttext` / `div#contenttext` / `div#ozoom founder-content`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import Any

from crawler.families.contract import ParseError
from crawler.families.listing import ListingFamily, Roles, box_polygon, not_an_article, styled_space
from crawler.families.markup import (
    Document,
    clean_space,
    date_from_text,
    element_text,
    first_text,
    is_editor_credit,
    load_whole,
    parse_label,
    select,
    select_all,
    strip_query,
)
from crawler.families.urls import join_url, split_url
from schema.records import ArticleRef, CoordinateSpace, PageRecord, PageRef

log = logging.getLogger(__name__)

BOXES = ("div#mylink a.overlink", "a.overlink")
PAGE_SKINS: dict[str, Roles] = {
    "overlink": {
        "page_links": ("div.banmianlist_box a",),
        "pdf_in_entry": ("a.pdf",),
        "current_label": ("div.banmianlist_box a.current", "div.bmname"),
        "boxes": BOXES,
        "page_box": ("div#mylink",),
        "page_image": ("div#mylink img", "img#pageimg"),
        "pdf": ("div.pdf a",),
        "paper_name": ("div.papername",),
        "printed_date": ("div.paperdate",),
    },
    "gebanlist": {
        "page_links": ("div.gebanlist_2 a:not(.pdf)",),
        "pdf_in_entry": ("a.pdf",),
        "current_label": ("div.gebanlist_2 a.current", "td.bmname"),
        "article_links": ("//a[@class='14']", "a.atitle"),
        "boxes": BOXES,
        "page_box": ("div#mylink",),
        "page_image": ("div#mylink img", "img#pageimg"),
        "pdf": ("a.pdfdown",),
        "paper_name": ("div.papername",),
        "printed_date": ("div.paperdate",),
    },
}

ARTICLE_SKINS: dict[str, Roles] = {
    "contenttext": {
        "kicker": ("div.neirong h3", "div#yinti"),
        "title": ("div#title", "div.neirong h2"),
        "subtitle": ("div.neirong h4", "div#futi"),
        "body": ("span#contenttext", "div#contenttext", "span#oldcontenttext"),
        "images": ("div.neirong img", "table.pic img"),
        "captions": ("td.pictext", "div.pictext"),
        "author": ("div#author",),
        "page_info": ("div.banci", "span.banci"),
    },
    "ozoom": {
        "kicker": ("td.yinti", "div.yinti"),
        "title": ("td.title", "div.title h1"),
        "subtitle": ("td.futi", "div.futi"),
        "body": ("div#ozoom founder-content", "div#ozoom"),
        "images": ("div#ozoom img", "table.pic img"),
        "captions": ("td.pictext",),
        "author": ("td.author",),
        "page_info": ("td.banci",),
    },
}

INDEX_BLOCKS = "div.linkto"
# the attributes a real page puts an article target in, after href
TARGET_ATTRS = ("href", "daohang", "url", "data-href", "link", "title")
ARTICEL_RE = re.compile(r"/\d{8}/Articel\w+\.htm$", re.I)


class PageArticel(ListingFamily):
    key = "page-articel"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(
        r"/\d{8}/Page(?:[A-Za-z]{0,2}\d{1,3}[A-Za-z]{1,2}|ArticleIndex[A-Za-z]{0,3})\.htm$"
    )
    ARTICLE_URL_RE = re.compile(r"/\d{8}/Articel\w+\.htm$")
    ENTRY_URL_RE = re.compile(r"(?!)")  # the dated Page01XX.htm (or the whole-issue index) is the entry
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/(?:Page|Articel)")
    DEFAULT_ENTRY = "content/{date:%Y%m%d}/Page01BC.htm"
    PAGE_SKINS = PAGE_SKINS
    ARTICLE_SKINS = ARTICLE_SKINS
    EVIDENCE = (
        ("div#mylink a.overlink", "hotspot boxes div#mylink a.overlink"),
        ("div.banmianlist_box a", "page list div.banmianlist_box"),
        ("div.gebanlist_2 a", "page list div.gebanlist_2"),
        ("div.linkto h4", "whole-issue index div.linkto"),
        ("span#contenttext", "article body span#contenttext"),
        ("div#contenttext", "article body div#contenttext"),
        ("a[href*='Articel']", "links to Articel….htm articles"),
    )
    URL_EVIDENCE = "YYYYMMDD/PageNNXX.htm or ArticelNNNNXX.htm"

    def source_id(self, url: str) -> str:
        """`Articel01002BC.htm` -> "01002BC"."""
        stem = split_url(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return stem[len("Articel") :] if stem.lower().startswith("articel") else stem

    def skin_of(self, body: bytes, url: str) -> str | None:
        try:
            doc = Document.load(body, url, None)
        except ParseError:
            return None
        if select(doc.root, (INDEX_BLOCKS + " h4",)):
            return "index"
        for name, roles in PAGE_SKINS.items():
            if select(doc.root, roles["page_links"]):
                return name
        return None

    def _entry_pdf(self, anchor: Any, roles: Roles, others: set[int], base: str) -> str | None:
        """gebanlist prints each entry as `<a>label</a> <a class="pdf">` in one shared box: the PDF is the
        anchor's next sibling; otherwise the entry's own element holds it."""
        sibling = anchor.getnext()
        if sibling is not None and sibling.tag == "a" and "pdf" in (sibling.get("class") or "").split():
            href = (sibling.get("href") or "").strip()
            return join_url(base, href) if href else None
        return super()._entry_pdf(anchor, roles, others, base)

    def _is_index(self, url: str) -> bool:
        return "pagearticleindex" in split_url(url).path.rsplit("/", 1)[-1].lower()

    def _is_first_page_url(self, url: str) -> bool:
        return self._is_index(url)

    # ------------------------------------------------------------------ hotspots

    def _target(self, el: Any, page_url: str) -> str:
        """The article an overlink box or list link points at, from whichever attribute holds it."""
        for attr in TARGET_ATTRS:
            value = (el.get(attr) or "").strip()
            if value and ARTICEL_RE.search(split_url(join_url(page_url, value)).path):
                return value
        return ""

    def _hotspots(self, doc: Document, roles: Roles) -> list[tuple[Any, str, list[float]]]:
        return [
            (box, self._target(box, doc.url), box_polygon(box.get("style") or ""))
            for box in select_all(doc.root, roles.get("boxes", ()))
        ]

    def _articles(self, doc: Document, roles: Roles) -> list[ArticleRef]:
        refs: dict[str, ArticleRef] = {}
        for a in select_all(doc.root, roles.get("article_links", ())):
            target = self._target(a, doc.url)
            url = strip_query(join_url(doc.url, target)) if target else ""
            title = element_text(a) or None
            if url and self.same_edition(url, doc.url, "article") and not not_an_article(title):
                refs.setdefault(url, ArticleRef(url=url, title=title, source_key=self.source_key(url)))
        unlinked: list[str] = []
        for el, href, polygon in self._hotspots(doc, roles):
            title = clean_space(el.get("neirong") or el.get("title") or "") or None
            url = strip_query(join_url(doc.url, href)) if href else ""
            if not url or not self.same_edition(url, doc.url, "article"):
                unlinked.append(title or "(untitled box)")
                continue
            if is_editor_credit(title):
                unlinked.append(title or "")
                continue
            ref = refs.get(url)
            if ref is None:
                ref = refs[url] = ArticleRef(url=url, title=title, source_key=self.source_key(url))
            ref.title = ref.title or title
            if polygon and polygon not in ref.polygons:
                ref.polygons.append(polygon)
        if unlinked:
            log.warning(
                "%s: %d overlink box(es) without an article target, not stored as articles: %s",
                doc.url,
                len(unlinked),
                "; ".join(unlinked[:5]),
            )
        return list(refs.values())

    def unlinked_boxes(self, body: bytes, url: str) -> list[str]:
        """The titles of the page's overlink boxes that point at no article of the edition (for tests and
        `epaper probe`): what the page parser logs and counts instead of storing."""
        doc = Document.load(body, url, None)
        roles = {"boxes": BOXES}
        out = []
        for el, href, _polygon in self._hotspots(doc, roles):
            target = strip_query(join_url(url, href)) if href else ""
            title = clean_space(el.get("neirong") or el.get("title") or "")
            if not target or not self.same_edition(target, url, "article") or is_editor_credit(title):
                out.append(title or "(untitled box)")
        return out

    def _coordinate_space(self, doc: Document, roles: Roles, image: Any | None) -> CoordinateSpace:
        """The boxes are positioned inside div#mylink: its styled size (else the image's) is their space."""
        boxes = select(doc.root, roles.get("page_box", ()))
        return styled_space(doc, boxes[0] if boxes else None, image)

    # ------------------------------------------------------------------ the whole-issue index

    def parse_page(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> PageRecord:
        options = options or {}
        if self._is_index(url):
            return self._parse_index(load_whole(body, url, headers, options), edition_date)
        return super().parse_page(body, url, edition_date, headers, options)

    def _parse_index(self, doc: Document, edition_date: dt.date | None) -> PageRecord:
        """The index as the edition's first page: every block is a page of the list, the first block's
        articles are this record's (the other blocks' articles are read from their own pages)."""
        blocks = select_all(doc.root, (INDEX_BLOCKS,))
        if not blocks:
            raise ParseError("no div.linkto blocks: not a page-articel whole-issue index")
        pages: list[PageRef] = []
        first_articles: list[ArticleRef] = []
        unlinked = 0
        for i, block in enumerate(blocks):
            h4 = select(block, ("h4",))
            label_el = h4[0] if h4 else block
            links = [a for a in label_el.iter("a") if "pdf" not in (a.get("class") or "")]
            pdfs = [a for a in label_el.iter("a") if "pdf" in (a.get("class") or "")]
            text = clean_space("".join(label_el.itertext()).replace("PDF", ""))
            number, name = parse_label(text)
            href = (links[0].get("href") or "").strip() if links else ""
            page_url = join_url(doc.url, href) if href else ""
            if not number or not page_url or not self.same_edition(page_url, doc.url, "page"):
                unlinked += 1
                continue
            pdf = join_url(doc.url, pdfs[0].get("href").strip()) if pdfs and pdfs[0].get("href") else None
            pages.append(PageRef(number=number, name=name, url=page_url, pdf_url=pdf))
            if i == 0:
                for a in select_all(block, ("ul li a",)):
                    target = self._target(a, doc.url)
                    art = strip_query(join_url(doc.url, target)) if target else ""
                    title = element_text(a) or None
                    if art and self.same_edition(art, doc.url, "article") and not not_an_article(title):
                        first_articles.append(
                            ArticleRef(url=art, title=title, source_key=self.source_key(art))
                        )
        if unlinked:
            log.warning("%s: %d index block(s) without a page label or page link: skipped", doc.url, unlinked)
        if not pages:
            raise ParseError("whole-issue index without a page block that links its page")
        date = edition_date or self.date_from_url(doc.url)
        return PageRecord(
            url=doc.url,
            edition_date=date,
            number=pages[0].number,
            name=pages[0].name,
            pdf_url=pages[0].pdf_url,
            pages=pages,
            articles=first_articles,
            paper_name=first_text(doc.root, ("div.papername",)),
            printed_date=date_from_text(first_text(doc.root, ("div.paperdate",))),
            parser_version=self.parser_version(date),
        )
