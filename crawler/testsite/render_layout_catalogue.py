"""Render a SiteEdition as a layout-catalogue e-paper (`html/YYYY-MM/DD/node_N.htm`, `ul.layout-catalogue-list`).

The displayed page image is scaled by CSS (`width="440"`), the areas are drawn in the full image's pixels and
the picture box declares that size with `data-width`/`data-height`, as the family's parser expects. Page list
entries carry their PDF in `a.pdf`; articles use the `div.info div#articleContent` skin.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from crawler.testsite.listing_html import area_map, head, meta_refresh, paragraphs
from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec


def index_path(spec: SiteSpec) -> str:
    return "html/index.htm"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"html/{date:%Y-%m}/{date:%d}/{page.node}.htm"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return f"html/{date:%Y-%m}/{date:%d}/content_{article.id}.htm"


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"images/{date:%Y-%m}/{date:%d}/{page.number}/{spec.key.upper()}{date:%Y%m%d}{page.number}_b.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"images/{date:%Y-%m}/{date:%d}/{page.number}/{spec.key.upper()}{date:%Y%m%d}{page.number}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"images/{date:%Y-%m}/{date:%d}/pic/{src}"


def _up3(path: str) -> str:
    """A root-relative path as seen from html/YYYY-MM/DD/."""
    return "../../../" + path


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    date = edition.date
    w, h = page.image_size
    entries = "\n".join(
        f'<li class="layout-catalogue-item{" active" if p is page else ""}"><a href="{p.node}.htm">'
        f'{escape(p.number)}版：{escape(p.name)}</a><a class="pdf" href="{_up3(page_pdf_path(spec, date, p))}">PDF</a></li>'
        for p in edition.pages
    )
    news = "\n".join(
        f'<li class="news-item"><a href="content_{a.id}.htm">{escape(a.title)}</a></li>'
        for a in page.articles
    )
    body = (
        "<body>\n"
        f'<div class="header"><div class="paper-name">{escape(spec.name)}</div>'
        f'<div class="paper-date">{date.year}年{date.month:02d}月{date.day:02d}日</div></div>\n'
        '<div class="main clearfix">\n<div class="pic-box fl">\n'
        f'<img src="{_up3(page_image_path(spec, date, page))}" usemap="#PagePicMap" width="440" '
        f'data-width="{w}" data-height="{h}" alt="{escape(page.number)}版">\n'
        + area_map(page, lambda a: f"content_{a.id}.htm")
        + '\n</div>\n<div class="layout-box fr">\n'
        f'<div class="layout-title">{escape(page.number)}版：{escape(page.name)} '
        f'<a class="pdf" href="{_up3(page_pdf_path(spec, date, page))}">下载PDF</a></div>\n'
        f'<ul class="layout-catalogue-list">\n{entries}\n</ul>\n<ul class="news-list">\n{news}\n</ul>\n'
        "</div>\n</div>\n"
        f'<div class="footer"><a href="../{(date - dt.timedelta(days=1)):%d}/node_01.htm">上一期</a></div>\n'
        "</body>\n</html>\n"
    )
    return head(f"{spec.name}-{page.number}版：{page.name}", page.charset) + body


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    date = edition.date
    pics = "".join(
        f'<div class="news-pic"><img src="{_up3(picture_path(spec, date, im.src))}">'
        f'<p class="pic-desc">{escape(im.caption or "")}</p></div>\n'
        for im in article.images
    )
    return (
        head(f"{article.title}-{spec.name}", page.charset)
        + '<body>\n<div class="info">\n'
        + f'<p class="layout-info">第{escape(page.number)}版：{escape(page.name)}</p>\n'
        + (f'<p class="pre-title">{escape(article.kicker)}</p>\n' if article.kicker else "")
        + f"<h1>{escape(article.title)}</h1>\n"
        + (f'<p class="sub-title">{escape(article.subtitle)}</p>\n' if article.subtitle else "")
        + (f'<p class="author">作者：{escape(article.author)}</p>\n' if article.author else "")
        + f'<div id="articleContent">\n{pics}{paragraphs(article)}</div>\n'
        + "</div>\n</body>\n</html>\n"
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    """html/index.htm: a META refresh to the latest edition's first page (relative to html/)."""
    return meta_refresh(spec.name, entry_path(spec, edition.date, edition)[len("html/") :])
