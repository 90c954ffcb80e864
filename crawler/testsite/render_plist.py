"""Render a SiteEdition as a plist e-paper (`YYYY/YYYYMMDD/YYYYMMDD_NNN/YYYYMMDD_NNN.htm`).

Pages carry the page image and its `<map>` only; the edition's page list is the separate document
`YYYY/YYYYMMDD/YYYYMMDD_plist.htm` (one table row per page: `div.bancititle a span` with the three-digit label,
the PDF in the second cell), served by the fixture server as a companion document. Articles are
`YYYYMMDD_NNN_K.htm` with `td.font01` / `td.font02` heads and the body in `div#zhenwenzone`.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from crawler.testsite.listing_html import area_map, head, meta_refresh, paragraphs
from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec


def _num(page: SitePage) -> str:
    """The three-digit page number (`01` -> `001`)."""
    return f"{int(page.number):03d}" if page.number.isdigit() else page.number


def _folder(date: dt.date, page: SitePage) -> str:
    return f"{date:%Y%m%d}_{_num(page)}"


def index_path(spec: SiteSpec) -> str:
    return "index.htm"


def _mark(page: SitePage) -> None:
    """Article paths hold their page's folder: each article learns its page when the page's path is made."""
    for article in page.articles:
        object.__setattr__(article, "_plist_page", page)


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    _mark(page)
    return f"{date:%Y}/{date:%Y%m%d}/{_folder(date, page)}/{_folder(date, page)}.htm"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    # the page folder is part of the article's path; the id keeps it unique within the page
    page = getattr(article, "_plist_page", None)
    folder = _folder(date, page) if page is not None else f"{date:%Y%m%d}_000"
    return f"{date:%Y}/{date:%Y%m%d}/{folder}/{folder}_{article.id}.htm"


def plist_path(date: dt.date) -> str:
    return f"{date:%Y}/{date:%Y%m%d}/{date:%Y%m%d}_plist.htm"


def document_paths(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> list[str]:
    for page in edition.pages:
        _mark(page)
    return [plist_path(date)]


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"{date:%Y}/{date:%Y%m%d}/{_folder(date, page)}/{_folder(date, page)}_b.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"{date:%Y}/{date:%Y%m%d}/{_folder(date, page)}/{_folder(date, page)}.pdf"


def render_document(spec: SiteSpec, edition: SiteEdition, path: str) -> tuple[str, str]:
    """The plist: (HTML, charset of the edition's first page)."""
    date = edition.date
    rows = "\n".join(
        f'<tr><td><div class="bancititle"><a href="./{_folder(date, p)}/{_folder(date, p)}.htm" '
        f'target="_parent"><span>第{_num(p)}版：{escape(p.name)}</span></a></div></td>'
        f'<td><a href="./{_folder(date, p)}/{_folder(date, p)}.pdf">PDF</a></td></tr>'
        for p in edition.pages
    )
    charset = edition.pages[0].charset
    html = head(f"{spec.name} 版面目录", charset) + f"<body>\n<table>\n{rows}\n</table>\n</body>\n</html>\n"
    return html, charset


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    date = edition.date
    w, h = page.image_size
    folder = _folder(date, page)
    links = "\n".join(f'<a href="{folder}_{a.id}.htm">{escape(a.title)}</a><br>' for a in page.articles)
    return (
        head(spec.name, page.charset)
        + f'<body>\n<div class="papername">{escape(spec.name)}</div>\n'
        + f'<div class="paperdate">{date.year}年{date.month:02d}月{date.day:02d}日</div>\n'
        + f'<img src="{folder}_b.jpg" usemap="#PagePicMap" width="{w}" height="{h}" border="0">\n'
        + area_map(page, lambda a: f"../{folder}/{folder}_{a.id}.htm")
        + f'\n<div class="titlelist">\n{links}\n</div>\n</body>\n</html>\n'
    )


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    return (
        head(article.title, page.charset)
        + '<body>\n<table width="100%">\n'
        + f'<tr><td class="banci">第{_num(page)}版：{escape(page.name)}</td></tr>\n'
        + f'<tr><td class="font02 yinti">{escape(article.kicker or "")}</td></tr>\n'
        + f'<tr><td class="font01">{escape(article.title)}</td></tr>\n'
        + f'<tr><td class="font02 futi">{escape(article.subtitle or "")}</td></tr>\n</table>\n'
        + f'<div id="zhenwenzone">\n{paragraphs(article)}</div>\n</body>\n</html>\n'
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    return meta_refresh(spec.name, entry_path(spec, edition.date, edition))
