"""layout-catalogue: the 河南日报-group platform (`ul.layout-catalogue-list`) on Founder-looking URLs.

Pages are `<base>/YYYY-MM/DD/node_N.htm` (dahe.cn: exactly the founder-classic shape) or `node_N.html`
(新乡, 岳阳: a shape no Founder family uses); articles `content_N.htm(l)` beside them. So `matches_url` claims
only the `.html` shape, while `page_kind` knows both: a `.htm` URL is told apart by `evidence()` (the
`layout-catalogue-list` markup), never by the URL alone, and Founder URLs keep inferring as Founder.

Hotspots are `<area>`s drawn in the full-size page image's pixel space, while the page shows a scaled copy:
the coordinate space is the size the page declares for the full image (`img[data-width][data-height]`, or the
`layoutWidth`/`layoutHeight` script variables), not the displayed `width`/`height`.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.families.listing import ListingFamily, Roles
from crawler.families.markup import Document, int_attr, parse_coords
from crawler.families.urls import join_url, split_url
from schema.records import CoordinateSpace

SCRIPT_SIZE_RE = {
    "width": re.compile(r"\b(?:layout|page|pic|img)Width\s*[:=]\s*['\"]?(\d+)", re.I),
    "height": re.compile(r"\b(?:layout|page|pic|img)Height\s*[:=]\s*['\"]?(\d+)", re.I),
}

PAGE_SKINS: dict[str, Roles] = {
    "catalogue": {
        "page_links": ("ul.layout-catalogue-list li.layout-catalogue-item > a:not(.pdf)",),
        "pdf_in_entry": ("a.pdf", "a[href$='.pdf']"),
        "current_label": ("div.layout-title", "li.layout-catalogue-item.active > a:not(.pdf)"),
        "article_links": ("ul.news-list li.news-item a", "ul.news-list li a"),
        "areas": ("div.pic-box map area", "map area"),
        "page_image": ("div.pic-box img", "img[usemap]"),
        "pdf": ("div.layout-title a.pdf",),
        "paper_name": ("div.paper-name",),
        "printed_date": ("div.paper-date", "span.paper-date"),
    },
}

ARTICLE_SKINS: dict[str, Roles] = {
    "info": {  # dahe.cn: div.info div#articleContent; 新乡: div#news_content cms-content
        "kicker": ("div.info .pre-title", "div.news-head .pre-title"),
        "title": ("div.info h1", "div.news-head h1"),
        "subtitle": ("div.info .sub-title", "div.news-head .sub-title"),
        "body": (
            "div.info div#articleContent",
            "div#articleContent",
            "div#news_content cms-content",
            "div#news_content",
        ),
        "images": ("div#articleContent img", "div#news_content img", "div.news-pic img"),
        "captions": (".pic-desc",),
        "author": ("div.info .author", "div.news-head .author"),
        "page_info": ("div.info .layout-info", "div.news-head .layout-info"),
    },
}


class LayoutCatalogue(ListingFamily):
    key = "layout-catalogue"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(r"/\d{4}-\d{2}/\d{2}/node_\d+\.html?$")
    ARTICLE_URL_RE = re.compile(r"/\d{4}-\d{2}/\d{2}/content_\d+(?:_\d+)?\.html?$")
    ENTRY_URL_RE = re.compile(r"(?!)")  # no undated entry file is known: the dated node_1 is the entry
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/")
    DEFAULT_ENTRY = "html/{date:%Y-%m}/{date:%d}/node_1.htm"
    PAGE_SKINS = PAGE_SKINS
    ARTICLE_SKINS = ARTICLE_SKINS
    EVIDENCE = (
        ("ul.layout-catalogue-list li.layout-catalogue-item", "page list ul.layout-catalogue-list"),
        ("div.pic-box map area", "hotspots div.pic-box map area"),
        ("div#articleContent", "article body div#articleContent"),
        ("div#news_content cms-content", "article body div#news_content cms-content"),
    )
    URL_EVIDENCE = "YYYY-MM/DD/node_N.html or content_N.html"
    # the shape only this family uses; `.htm` twins are founder-classic's shape and need evidence()
    OWN_URL_RE = re.compile(r"/\d{4}-\d{2}/\d{2}/(?:node|content)_\d+(?:_\d+)?\.html$")

    def matches_url(self, url: str) -> bool:
        return bool(self.OWN_URL_RE.search(split_url(url).path))

    def _declared_size(self, doc: Document, image: Any | None) -> tuple[int | None, int | None]:
        """The full image's size as the page declares it: on the image, else in a page script."""
        if image is not None:
            width, height = int_attr(image.get("data-width")), int_attr(image.get("data-height"))
            if width and height:
                return width, height
        scripts = "\n".join(s.text or "" for s in doc.root.iter("script"))
        w, h = SCRIPT_SIZE_RE["width"].search(scripts), SCRIPT_SIZE_RE["height"].search(scripts)
        if w and h:
            return int(w.group(1)), int(h.group(1))
        return None, None

    def _coordinate_space(self, doc: Document, roles: Roles, image: Any | None) -> CoordinateSpace:
        src = (image.get("src") or "").strip() if image is not None else ""
        image_url = join_url(doc.url, src) if src else None
        width, height = self._declared_size(doc, image)
        if width and height:
            return CoordinateSpace(width=width, height=height, image_url=image_url)
        # No declared full size: the displayed size is the space only if every hotspot fits inside it.
        shown_w = int_attr(image.get("width")) if image is not None else None
        shown_h = int_attr(image.get("height")) if image is not None else None
        if shown_w and shown_h:
            points = [parse_coords(a.get("coords") or "", a.get("shape")) for a in doc.root.iter("area")]
            xs = [v for p in points for v in p[0::2]]
            ys = [v for p in points for v in p[1::2]]
            if all(x <= shown_w for x in xs) and all(y <= shown_h for y in ys):
                return CoordinateSpace(width=shown_w, height=shown_h, image_url=image_url)
        return CoordinateSpace(width=None, height=None, image_url=image_url)
