"""founder-classic: the older Founder e-paper (`html/YYYY-MM/DD/node_N.htm`, `content_N.htm`).

Skins: the table page of 江西日报 / 纪检监察报 (`a id=pageLink` list, `td.px12`
or `td.bm01` header, `div id=mp<id>` article titles) and the div form (`div.bmname1`, `div.banci`). The
People's-Daily `nbs`/`nw` pages are their own family (crawler/families/people/nbs.py).
Articles: `td.font02`/`td.font01` title cells, `<founder-title>`, `div.text_c` h3/h1/h2, `main-ed` titles;
body `<founder-content>`, `div#ozoom`, or the `<!--enpcontent-->` span.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from crawler.families.founder.common import FounderFamily
from crawler.families.markup import Document, Selectors, element_text

PAGE_SKINS: dict[str, Selectors] = {
    "table": {
        "page_links": ("a#pageLink", "a[id=pageLink]"),
        "current_label": ("td.px12", "td.bm01", "div.banci", "td#currentBM"),
        "article_links": (
            "//a[.//div[starts-with(@id, 'mp')]]",
            "td.default a[href*='content_']",
            "div#titleList ul li a",
        ),
        "printed_date": ("td.default[align=right]", "div#riqi_"),
    },
    "main-ed": {  # 浙报 group
        "page_links": ("ul.main-ed-articlenav-list a", "div.main-ednav-nav dl dt a#pageLink"),
        "current_label": ("div.main-ed-title", "span.main-ed-title"),
        "article_links": ("ul.main-ed-articlenav-list li a", "div.main-ed-articlenav a"),
    },
}

ARTICLE_SKINS: dict[str, Selectors] = {
    "table": {
        "title": ("td.font01", "founder-title"),
        "body": ("founder-content", "div#ozoom", "table#newspic td"),
        "images": ("table#newspic img", "founder-content img", "div#ozoom img"),
        "author": ("founder-author",),
        "page_info": ("td.px12", "td.bm01", "div.banci"),
    },
    "founder-title": {
        "title": ("founder-title",),
        "kicker": ("founder-introtitle", "td.font02"),
        "subtitle": ("founder-subtitle",),
        "body": ("founder-content", "div#ozoom"),
        "images": ("table#newspic img", "founder-content img", "div#ozoom img", "table.pci_c img"),
        "author": ("founder-author",),
        "page_info": ("td.px12", "td.bm01", "div.lai", "div.banci"),
    },
    "text_c": {  # 人民日报 old article page
        "kicker": ("div.text_c > h3",),
        "title": ("div.text_c > h1",),
        "subtitle": ("div.text_c > h2",),
        "body": ("div#ozoom founder-content", "div#ozoom"),
        "images": ("table.pci_c img", "div#ozoom img"),
        "author": ("founder-author",),
        "page_info": ("div.lai", "div.text_c div.sha_left span"),
    },
    "main-ed": {
        "title": ("div.main-article-title", ".main-article-title"),
        "kicker": ("div.main-article-pretitle",),
        "subtitle": ("div.main-article-subtitle",),
        "body": ("div.main-article-content", ".main-article-con"),
        "images": ("div.main-article-content img",),
        "author": ("founder-author", "div.main-article-author"),
        "page_info": ("div.main-ed-title",),
    },
}

_TITLE_CELLS = (
    "//td[contains(concat(' ', normalize-space(@class), ' '), ' font01 ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' font02 ')]"
)


class FounderClassic(FounderFamily):
    key = "founder-classic"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(r"/\d{4}-\d{2}/\d{2}/node_\d+\.htm$")
    ARTICLE_URL_RE = re.compile(r"/\d{4}-\d{2}/\d{2}/content_\d+(?:_\d+)?\.htm$")
    ENTRY_URL_RE = re.compile(r"(?:^|/)paperindex\.htm$")
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/")
    DEFAULT_ENTRY = "html/{date:%Y-%m}/{date:%d}/node_1.htm"
    INDEX_FILE = "paperindex.htm"
    PAGE_SKINS = PAGE_SKINS
    ARTICLE_SKINS = ARTICLE_SKINS

    def _title_parts(
        self, doc: Document, roles: Mapping[str, Sequence[str]], title: str | None = None
    ) -> tuple[str | None, ...]:
        """Table skin: 引题 and 副题 are the `td.font02` cells right before and after the `td.font01` title."""
        kicker, title, subtitle = super()._title_parts(doc, roles, title)
        cells = [(cell, element_text(cell)) for cell in doc.root.xpath(_TITLE_CELLS)]
        at = next(
            (i for i, (cell, text) in enumerate(cells) if "font01" in (cell.get("class") or "") and text),
            None,
        )
        if at is None:
            return kicker, title, subtitle
        title = title or cells[at][1]
        if at > 0 and "font02" in (cells[at - 1][0].get("class") or ""):
            kicker = cells[at - 1][1] or None
        if at + 1 < len(cells) and "font02" in (cells[at + 1][0].get("class") or ""):
            subtitle = cells[at + 1][1] or None
        return kicker, title, subtitle
