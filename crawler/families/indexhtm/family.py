"""index-htm: editions under `<base>/YYYYMMDD/html/` (several papers on *.joyhua.cn).

`index.htm` shows the first page and carries the page list (`div.bmml_con_div a.bmml_con_div_name`); the
other pages are `page_N.htm` (`page_A01.htm` on some); articles are `content_N.htm`, `index_content_N.htm`
(listed from index.htm), `page_N_content_M.htm` or `index_N_content_M.htm`. The article list is
`a.bmdh_con_a`, hotspots a `<map>` on the displayed page image; articles carry `.bmnr_con_yinti` (引题),
`.bmnr_con_biaoti` (标题), `.bmnr_con_futi` (副题) and the body in `div#zoom`. The `YYYYMMDD/html/`
path (8-digit date folder, then `html` or `mhtml`) is what no Founder family uses.
"""

from __future__ import annotations

import re

from crawler.families.listing import ListingFamily, Roles
from crawler.families.urls import split_url

PAGE_SKINS: dict[str, Roles] = {
    "bmml": {
        "page_links": ("div.bmml_con_div a.bmml_con_div_name", "div.bmml_con a[href*='page_']"),
        "pdf_in_entry": ("a.bmml_con_div_pdf", "a[href$='.pdf']", "a[href$='.PDF']"),
        "current_label": ("div.bmdh_title", "span.bmdh_title"),
        "article_links": ("a.bmdh_con_a",),
        "areas": ("map area",),
        "page_image": ("img[usemap]",),
        "pdf": ("a.bmdh_pdf", "div.bmdh a[href$='.pdf']"),
        "paper_name": ("div.top_papername",),
        "printed_date": ("div.top_date", "span.top_date"),
    },
}

ARTICLE_SKINS: dict[str, Roles] = {
    "bmnr": {
        "kicker": (".bmnr_con_yinti",),
        "title": (".bmnr_con_biaoti",),
        "subtitle": (".bmnr_con_futi",),
        "body": ("div#zoom",),
        "images": ("div#zoom img", "div.bmnr_con_img img"),
        "captions": (".bmnr_con_img_txt", "td.pic_txt"),
        "author": (".bmnr_con_zuozhe",),
        "page_info": (".bmnr_con_banci",),
    },
}

CONTENT_ID_RE = re.compile(r"content_(\w+?)\.htm$")


class IndexHtm(ListingFamily):
    key = "index-htm"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(r"/\d{8}/m?html/(?:index|page_[A-Za-z]{0,2}\d{1,3})\.htm$")
    ARTICLE_URL_RE = re.compile(
        r"/\d{8}/m?html/(?:index_(?:\d+_)?|page_[A-Za-z]{0,2}\d{1,3}_)?content_\w+\.htm$"
    )
    ENTRY_URL_RE = re.compile(r"(?!)")  # the dated index.htm is itself the first page
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/m?html/")
    DEFAULT_ENTRY = "{date:%Y%m%d}/html/index.htm"
    PAGE_SKINS = PAGE_SKINS
    ARTICLE_SKINS = ARTICLE_SKINS
    EVIDENCE = (
        ("div.bmml_con_div a.bmml_con_div_name", "page list div.bmml_con_div a.bmml_con_div_name"),
        ("a.bmdh_con_a", "article list a.bmdh_con_a"),
        (".bmnr_con_biaoti", "article title .bmnr_con_biaoti"),
        ("div#zoom", "article body div#zoom"),
    )
    URL_EVIDENCE = "YYYYMMDD/html/index.htm, page_N.htm or content_N.htm"

    def _is_first_page_url(self, url: str) -> bool:
        return split_url(url).path.endswith("/index.htm")

    def source_id(self, url: str) -> str:
        """`content_12.htm`, `index_content_12.htm`, `page_2_content_12.htm` -> "12"."""
        m = CONTENT_ID_RE.search(split_url(url).path)
        return m.group(1) if m else super().source_id(url)
