"""shtml: editions under `<base>/shtml/<paper>/YYYYMMDD/` (山西日报 group, 华西都市报 and others).

Pages are `index.shtml` (the first page), `v01.shtml`, `vA1.shtml`, `vA01.shtml`; articles are numeric,
`NNNNN.shtml`, in the same folder. Two skins:

- "conRList" (山西日报 group): page list `ul.conRList li a`, article list `ul.conMItemList li a`, a `<map>`
  on the page image; article `h2.detConTit` with `.detConYinti` / `.detConFuti`, body `div.details p`,
  images `div.detPic img` with the caption in the same `div.detPic`. Several of these sites serve GBK.
- "selectBox" (华西都市报): page list `div.title-wrap div.page-title div.title-text a` with the PDF in
  `div.pdf-ico a`; hotspots are absolutely positioned `div.page a.selectBox` boxes (title in `@title`,
  geometry in the `style` left/top/width/height) over a page box whose own style gives the space they are
  drawn in; article body `div#ozoom founder-content`.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.families.listing import ListingFamily, Roles, box_polygon, style_box, styled_space
from crawler.families.markup import Document, select, select_all
from crawler.families.urls import split_url
from schema.records import CoordinateSpace

PAGE_SKINS: dict[str, Roles] = {
    "conRList": {
        "page_links": ("ul.conRList li a:not([href$='.pdf'])",),
        "pdf_in_entry": ("a[href$='.pdf']", "a[href$='.PDF']"),
        "current_label": ("div.conTopTit", "p.conTopTit"),
        "article_links": ("ul.conMItemList li a",),
        "areas": ("map area",),
        "page_image": ("img[usemap]",),
        "paper_name": ("div.paperName",),
        "printed_date": ("div.paperDate", "span.paperDate"),
    },
    "selectBox": {
        "page_links": ("div.title-wrap div.page-title div.title-text a",),
        "pdf_in_entry": ("div.pdf-ico a",),
        "current_label": ("div.page-now",),
        "boxes": ("div.page a.selectBox",),
        "page_box": ("div.page",),
        "page_image": ("div.page img",),
        "paper_name": ("div.paper-name",),
        "printed_date": ("div.paper-date",),
    },
}

ARTICLE_SKINS: dict[str, Roles] = {
    "detCon": {
        "kicker": (".detConYinti",),
        "title": ("h2.detConTit",),
        "subtitle": (".detConFuti",),
        "body": ("div.details",),
        "images": ("div.detPic img",),
        "captions": ("div.detPic p", "div.detPic span"),
        "author": (".detConAuthor",),
        "page_info": (".detConBanci",),
    },
    "ozoom": {
        "kicker": ("div.article-head h3",),
        "title": ("div.article-head h1",),
        "subtitle": ("div.article-head h2",),
        "body": ("div#ozoom founder-content", "div#ozoom"),
        "images": ("div.article-pic img", "div#ozoom img"),
        "captions": ("p.pic-note",),
        "author": ("div.article-head .author",),
        "page_info": ("div.article-head .banci",),
    },
}


class Shtml(ListingFamily):
    key = "shtml"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(r"/shtml/[\w-]+/\d{8}/(?:index|v[A-Za-z]{0,2}\d{1,3})\.shtml$")
    ARTICLE_URL_RE = re.compile(r"/shtml/[\w-]+/\d{8}/\d+\.shtml$")
    ENTRY_URL_RE = re.compile(r"(?!)")  # the dated index.shtml / v01.shtml is the entry
    DATE_URL_RE = re.compile(r"/shtml/[\w-]+/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/")
    DEFAULT_ENTRY = "{date:%Y%m%d}/index.shtml"
    PAGE_SKINS = PAGE_SKINS
    ARTICLE_SKINS = ARTICLE_SKINS
    EVIDENCE = (
        ("ul.conRList li a", "page list ul.conRList"),
        ("ul.conMItemList li a", "article list ul.conMItemList"),
        ("div.page a.selectBox", "hotspot boxes div.page a.selectBox"),
        ("h2.detConTit", "article title h2.detConTit"),
        ("div.details", "article body div.details"),
        ("div.article-head h1", "article heads div.article-head"),
    )
    URL_EVIDENCE = "shtml/<paper>/YYYYMMDD/vNN.shtml or NNNNN.shtml"

    def _is_first_page_url(self, url: str) -> bool:
        return split_url(url).path.endswith("/index.shtml")

    def source_id(self, url: str) -> str:
        return split_url(url).path.rsplit("/", 1)[-1].split(".", 1)[0]

    def _hotspots(self, doc: Document, roles: Roles) -> list[tuple[Any, str, list[float]]]:
        """`<area>` coords, or positioned `a.selectBox` boxes turned into 4-vertex polygons."""
        out = super()._hotspots(doc, roles)
        for box in select_all(doc.root, roles.get("boxes", ())):
            out.append((box, (box.get("href") or "").strip(), box_polygon(box.get("style") or "")))
        return out

    def _coordinate_space(self, doc: Document, roles: Roles, image: Any | None) -> CoordinateSpace:
        """For positioned boxes, the page box's styled size; for a `<map>`, the image's declared size."""
        boxes = select(doc.root, roles.get("page_box", ()))
        if not boxes:
            return super()._coordinate_space(doc, roles, image)
        return styled_space(doc, boxes[0], image)


__all__ = ["Shtml", "style_box"]
