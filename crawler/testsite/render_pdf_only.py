"""Render a SiteEdition as a paper that publishes only page PDFs (the pdf-only family).

Every page is one PDF, `pdf/YYYYMMDD/NN.pdf`, set by crawler/testsite/printed.py from the page's own stories
(each in its hotspot areas); there is no page HTML and no article page. Skin `template`: the registry's entry
numbers the PDFs (`pdf/{yyyy}{mm}{dd}/{page:02d}.pdf`), the page after the last answers 404. Skin `pagelist`:
`pdflist/YYYYMMDD/index.html` links the edition's PDFs with their labels (`第01版：要闻`), as such sites do.
The server (crawler/testsite/server.py) serves a page path as its PDF (`PAGES_ARE_PDFS`) and no article paths.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from crawler.testsite.listing_html import head, meta_refresh
from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec

PAGES_ARE_PDFS = True


def index_path(spec: SiteSpec) -> str:
    return "index.html"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pdf/{date:%Y%m%d}/{page.number}.pdf"


def list_path(date: dt.date) -> str:
    return f"pdflist/{date:%Y%m%d}/index.html"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return list_path(date) if spec.skin == "pagelist" else page_path(spec, date, edition.pages[0])


def entry_template(spec: SiteSpec) -> str:
    """The registry entry of the site: the page list's path, or the page PDFs' numbering template."""
    return "pdflist/{yyyy}{mm}{dd}/index.html" if spec.skin == "pagelist" else "pdf/{yyyy}{mm}{dd}/{page:02d}.pdf"


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    raise ValueError("a pdf-only paper has no article pages: its stories are printed in the page PDFs")


def document_paths(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> list[str]:
    return [list_path(date)] if spec.skin == "pagelist" else []


def render_document(spec: SiteSpec, edition: SiteEdition, path: str) -> tuple[str, str]:
    """The page list: one link per page PDF, labelled as printed, under a masthead and a date line."""
    date = edition.date
    rows = "\n".join(
        f'<li><a href="../../pdf/{date:%Y%m%d}/{p.number}.pdf" target="_blank">第{p.number}版：{escape(p.name)}</a>'
        f' <span class="size">PDF</span></li>'
        for p in edition.pages
    )
    html = (head(f"{spec.name} {date:%Y年%m月%d日}", "utf-8")
            + f'<body><div class="masthead"><h1>{escape(spec.name)}</h1><p>{date:%Y年%m月%d日}</p></div>\n'
            + f'<ul class="pdf-list">\n{rows}\n</ul>\n<a href="../../index.html">返回首页</a></body></html>\n')
    return html, "utf-8"


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    return meta_refresh(spec.name, entry_path(spec, edition.date, edition))


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    raise ValueError("a pdf-only page is served as its PDF (crawler/testsite/printed.py)")


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    raise ValueError("a pdf-only paper has no article pages")
