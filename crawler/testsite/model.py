"""The content model of a generated e-paper site (what the fixture server serves).

A site generator (crawler/testsite/content.py) builds SiteEdition objects from our own writing; a family
renderer (crawler/testsite/render_<family>.py) turns them into HTML exactly shaped like the real
platform's pages; the server (crawler/testsite/server.py) serves them and injects faults.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class SiteImage:
    """A photo of an article: `src` is a file name under the edition's pic/ folder."""

    src: str
    caption: str | None = None  # as printed under the photo, credit included


@dataclass
class SiteArticle:
    id: int  # CMS content id: content_<id>.htm(l)
    title: str
    kicker: str | None = None  # 引题 as printed (may end with ——)
    subtitle: str | None = None  # 副题 as printed (may start with ——)
    paragraphs: list[str] = field(default_factory=list)  # as printed: bylines, datelines, markers included
    images: list[SiteImage] = field(default_factory=list)
    author: str | None = None  # the CMS author field (often empty on real sites)
    polygon: list[tuple[int, int]] = field(default_factory=list)  # hotspot vertices in page-image pixels
    extra_polygons: list[list[tuple[int, int]]] = field(default_factory=list)  # further areas, same article
    # what the page PDF prints when the HTML does not (an image-only page: the HTML shows only the photo)
    printed: list[str] | None = None


@dataclass
class SitePage:
    number: str  # label as printed: "01", "A01"
    name: str  # 版名 as printed (may contain spaces: "综 合")
    node: str  # file stem of the page: "node_01" (founder-pc) or "node_187" (founder-classic)
    articles: list[SiteArticle] = field(default_factory=list)
    image_size: tuple[int, int] = (350, 550)  # the displayed page image's width, height
    charset: str = "utf-8"  # "utf-8" or "gbk": the encoding this page and its articles are served in


@dataclass
class SiteEdition:
    date: dt.date
    pages: list[SitePage] = field(default_factory=list)


@dataclass
class SiteSpec:
    """One generated paper on the fixture server."""

    key: str  # registry key, e.g. "demo"
    name: str  # paper name, e.g. "河东日报"
    family: str  # "founder-pc" or "founder-classic"
    skin: str = "newslist"  # founder-pc: "newslist" | "resultlist" | "articlelist"; founder-classic: "table"
    root: str = "/demo/"  # URL path prefix of the site on the server, ends with "/"
