"""Render a SiteEdition as a page-articel e-paper (`content/YYYYMMDD/PageNNBC.htm`, `ArticelNBC.htm`).

The "overlink" skin: the page list `div.banmianlist_box a`, the PDF in `div.pdf`, hotspots as positioned
`a.overlink` boxes inside `div#mylink` (title in `neirong`, geometry in the style, over the page image); an
editor-credit box with no article target as real pages have; articles with `div.neirong` heads and the body
in `span#contenttext`.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from crawler.testsite.listing_html import bounding_boxes, head, meta_refresh
from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec


def index_path(spec: SiteSpec) -> str:
    return "index.htm"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"content/{date:%Y%m%d}/Page{page.number}BC.htm"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return f"content/{date:%Y%m%d}/Articel{article.id}BC.htm"


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"images/{date:%Y%m%d}/{page.number}/{page.number}_b.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pdf/{date:%Y%m%d}/{page.number}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"images/{date:%Y%m%d}/art/{src}"


def _up2(path: str) -> str:
    return "../../" + path


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    date = edition.date
    w, h = page.image_size
    current = ' class="current"'
    pages = "\n".join(
        f'<a{current if p is page else ""} href="Page{p.number}BC.htm">{escape(p.number)}版：{escape(p.name)}</a>'
        for p in edition.pages
    )
    boxes = "\n".join(
        f'<a class="overlink" href="Articel{a.id}BC.htm" neirong="{escape(a.title)}" style="position:absolute; '
        f'left:{b["left"]}px; top:{b["top"]}px; width:{b["width"]}px; height:{b["height"]}px;"></a>'
        for a, b in bounding_boxes(page)
    )
    credit = (
        f'<a class="overlink" href="javascript:void(0);" neirong="本版编辑：{escape(spec.name[:1])}编" '
        f'style="position:absolute; left:0px; top:{h - 20}px; width:120px; height:20px;"></a>'
    )
    return (
        head(f"{spec.name} - {page.number}版：{page.name}", page.charset)
        + "<body>\n"
        + f'<div class="top"><div class="papername">{escape(spec.name)}</div>'
        + f'<div class="paperdate">{date.year}年{date.month}月{date.day}日</div></div>\n'
        + f'<table><tr><td valign="top">\n<div id="mylink" style="position:relative; width:{w}px; height:{h}px;">\n'
        + f'<img src="{_up2(page_image_path(spec, date, page))}" width="{w}" height="{h}" border="0" />\n'
        + f'{boxes}\n{credit}\n</div>\n</td><td valign="top">\n'
        + f'<div class="bmname">{escape(page.number)}版：{escape(page.name)}</div>\n'
        + f'<div class="pdf"><a href="{_up2(page_pdf_path(spec, date, page))}">下载本版PDF</a></div>\n'
        + f'<div class="banmianlist_box">\n{pages}\n</div>\n</td></tr></table>\n</body>\n</html>\n'
    )


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    date = edition.date
    pics = "".join(
        f'<table class="pic" align="center"><tr><td><img src="{_up2(picture_path(spec, date, im.src))}"></td></tr>'
        f'<tr><td class="pictext">{escape(im.caption or "")}</td></tr></table>\n'
        for im in article.images
    )
    body = "".join(f"<p>　　{escape(p)}</p>" for p in article.paragraphs)
    return (
        head(article.title, page.charset)
        + "<body>\n"
        + f'<div class="banci">第{escape(page.number)}版：{escape(page.name)}</div>\n<div class="neirong">\n'
        + f"<h3>{escape(article.kicker or '')}</h3>\n<h2>{escape(article.title)}</h2>\n"
        + f"<h4>{escape(article.subtitle or '')}</h4>\n"
        + (f'<div id="author">{escape(article.author)}</div>\n' if article.author else "")
        + f'{pics}<span id="contenttext">{body}</span>\n</div>\n</body>\n</html>\n'
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    return meta_refresh(spec.name, entry_path(spec, edition.date, edition))
