"""founder-pc: the newer Founder e-paper (`pc/layout/YYYYMM/DD/node_NN.html`, `pc/content/…/content_N.html`).

Three common skins: "newslist" (Chunkiconbox/Chunkiconlist + div#ScroLeft div.newslist),
"resultlist" (div.nav-list a.btn-block + li.resultList h4) and "articlelist" (ul#layoutlist + ul#articlelist),
the pad twin's `font#main-title` article skin, and "people", 人民日报's own template from 2024-12 (div#list
page list, div.news-list article list, div.article h3/h1/h2 heads, p.sec byline with its `(…日 05版)` date). Skins are tried in turn; see common.FounderFamily.
"""

from __future__ import annotations

import re

from crawler.families.founder.common import FounderFamily
from crawler.families.markup import Selectors

_NEWSDETATIT = "//div[contains(concat(' ', normalize-space(@class), ' '), ' newsdetatit ')]"

PAGE_SKINS: dict[str, Selectors] = {
    "newslist": {
        "page_links": ("div.Chunkiconlist p > a:first-child", "div.Chunkiconlist a", "div.Therestlist li a"),
        "current_label": ("div.newslisttit em", "div.newslisttit"),
        "article_links": ("div#ScroLeft div.newslist ul li h3 a", "div.newslist ul li a"),
        "pdf": ("div.Chunkiconlist p.current a[href$='.pdf']",),
    },
    "resultlist": {
        "page_links": ("div.nav-list ul li a.btn.btn-block", "div.nav-list a.btn"),
        "current_label": ("div.tabs h3", "div.nav-list a.btn.active"),
        "article_links": ("ul li.resultList a", "li.resultList a"),
        "pdf": ("a.pdf",),
    },
    "articlelist": {
        "page_links": ("ul#layoutlist li a:not([href$='.pdf'])",),
        "current_name": ("span#layout",),
        "current_label": ("p:has(> span#layout)",),
        "article_links": ("ul#articlelist li.clearfix a", "ul#articlelist li a"),
        "pdf": ("div.pull-right a[href$='.pdf']",),
    },
    "people": {  # 人民日报 pc/layout template (2024-12 on): div#list page list, div.news-list article list
        "page_links": ("div#list li a", "#list li a"),
        "current_label": ("div.paper-bot p.ban", "p.left.ban"),
        "article_links": ("div.news-list li a", ".news-list a"),
        "pdf": ("div.paper-bot a[href$='.pdf']",),
    },
}

ARTICLE_SKINS: dict[str, Selectors] = {
    "newslist": {
        "kicker": (
            "div.newsdetatit .intro",
            _NEWSDETATIT + "/h3/preceding-sibling::*[1][self::p][not(.//span)]",
        ),
        "title": ("div.newsdetatit h3", "div.newsdetatit h1"),
        "subtitle": (
            "div.newsdetatit .sub",
            _NEWSDETATIT + "/h3/following-sibling::*[1][self::p][not(.//span)]"
            "[not(contains(., '版次'))][not(contains(., '日期'))]",
        ),
        "body": ("div.newsdetatext founder-content", "founder-content", "div.newsdetatext"),
        "images": ("div.newsdetatext img", "div.newsdetapic img"),
        "author": ("founder-author", "div.newsdetatit span.Author"),
        "page_info": ("div.newsdetatit span.Author", "div.newsdetatit p span"),
    },
    "titled": {  # resultlist and articlelist share #PreTitle / #Title / #SubTitle
        "kicker": ("#PreTitle",),
        "title": ("h2#Title", "#Title"),
        "subtitle": ("#SubTitle",),
        "body": ("div#ozoom founder-content", "founder-content", "div#ozoom"),
        "images": ("div.attachment img", "div#ozoom img", "table#newspic img"),
        "author": ("founder-author", "span.author", "p.author"),
        "page_info": ("p.sec", "p.art-info span", "div.sec", "span.date", "div.date"),
    },
    "pad": {
        "kicker": ("font#intro-title", "#intro-title"),
        "title": ("font#main-title", "#main-title"),
        "subtitle": ("font#sub-title", "#sub-title"),
        "body": ("div#content founder-content", "founder-content"),
        "images": ("div#content img",),
        "author": ("founder-author",),
        "page_info": ("p#nowLayout",),
    },
    "people": {  # 人民日报 new template
        "kicker": ("div.article > h3",),
        "title": ("div.article > h1",),
        "subtitle": ("div.article > h2",),
        "body": ("div#ozoom", "founder-content"),
        "images": ("div.article table.pci_c img", "div.article table img", "div#ozoom img"),
        "author": ("founder-author",),
        "byline": ("div.article > p.sec",),
        "page_info": ("div.article p.sec span.date", "div.article .date", "div.article .sec"),
    },
}


class FounderPC(FounderFamily):
    key = "founder-pc"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(r"/\d{6}/\d{2}/(?:node_\w+|col[A-Za-z]*\d+\w*|l[A-Z]*\d+\w*|n_\w+)\.html?$")
    ARTICLE_URL_RE = re.compile(r"/\d{6}/\d{2}/(?:content_[\w-]+|c\d+)\.html?$")
    ENTRY_URL_RE = re.compile(r"(?:^|/)(?:(?:pc|PC|pad)/)?(?:paper/)?(?:layout|column|col)/index\.html?$")
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/")
    DEFAULT_ENTRY = "pc/layout/{date:%Y%m}/{date:%d}/node_01.html"
    INDEX_FILE = "pc/layout/index.html"
    PAGE_SKINS = PAGE_SKINS
    ARTICLE_SKINS = ARTICLE_SKINS
