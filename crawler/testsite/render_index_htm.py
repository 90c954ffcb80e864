"""Render a SiteEdition as an index-htm e-paper (`YYYYMMDD/html/index.htm`, `page_NN.htm`, `content_N.htm`).

`index.htm` is the first page itself (the page list links it as such); the page list is
`div.bmml_con_div a.bmml_con_div_name` with the PDF beside each name, the article list `a.bmdh_con_a`, the
hotspots a `<map>` on the displayed image; articles use the `.bmnr_con_*` heads and `div#zoom`.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from crawler.testsite.listing_html import area_map, head, meta_refresh, paragraphs
from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec


def index_path(spec: SiteSpec) -> str:
    return "index.htm"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    # the first page is index.htm: its number is the model's first label, "01"
    name = "index.htm" if page.number == "01" else f"page_{page.number}.htm"
    return f"{date:%Y%m%d}/html/{name}"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return f"{date:%Y%m%d}/html/content_{article.id}.htm"


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pic/{date:%Y%m%d}/{page.number}/{page.number}_s.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pdf/{date:%Y%m%d}/{page.number}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"pic/{date:%Y%m%d}/art/{src}"


def _up2(path: str) -> str:
    """A root-relative path as seen from YYYYMMDD/html/."""
    return "../../" + path


def _rel(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return page_path(spec, date, page).rsplit("/", 1)[1]


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    date = edition.date
    w, h = page.image_size
    entries = "\n".join(
        f'<div class="bmml_con_div"><a class="bmml_con_div_name" href="{_rel(spec, date, p)}">'
        f"第{escape(p.number)}版：{escape(p.name)}</a> "
        f'<a class="bmml_con_div_pdf" href="{_up2(page_pdf_path(spec, date, p))}">PDF</a></div>'
        for p in edition.pages
    )
    links = "\n".join(
        f'<a class="bmdh_con_a" href="content_{a.id}.htm">{escape(a.title)}</a><br />' for a in page.articles
    )
    body = (
        "<body>\n"
        f'<div class="top"><div class="top_papername">{escape(spec.name)}</div>'
        f'<div class="top_date">{date.year}年{date.month}月{date.day}日</div></div>\n'
        '<div class="bm">\n<div class="bmtp">\n'
        f'<img src="{_up2(page_image_path(spec, date, page))}" usemap="#Map" width="{w}" height="{h}" border="0" />\n'
        + area_map(page, lambda a: f"content_{a.id}.htm", name="Map")
        + "\n</div>\n"
        f'<div class="bmdh"><div class="bmdh_title">第{escape(page.number)}版：{escape(page.name)}</div>\n'
        f'<div class="bmdh_con">\n{links}\n</div></div>\n'
        f'<div class="bmml"><div class="bmml_title">版面目录</div><div class="bmml_con">\n{entries}\n</div></div>\n'
        "</div>\n</body>\n</html>\n"
    )
    return head(f"{spec.name} 第{page.number}版：{page.name}", page.charset) + body


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    date = edition.date
    pics = "".join(
        f'<table class="bmnr_con_img" align="center"><tr><td><img src="{_up2(picture_path(spec, date, im.src))}" />'
        f'</td></tr><tr><td class="pic_txt">{escape(im.caption or "")}</td></tr></table>\n'
        for im in article.images
    )
    return (
        head(f"{spec.name} {article.title}", page.charset)
        + '<body>\n<div class="bmnr"><div class="bmnr_con">\n'
        + f'<div class="bmnr_con_banci">第{escape(page.number)}版：{escape(page.name)}</div>\n'
        + f'<div class="bmnr_con_yinti">{escape(article.kicker or "")}</div>\n'
        + f'<div class="bmnr_con_biaoti">{escape(article.title)}</div>\n'
        + f'<div class="bmnr_con_futi">{escape(article.subtitle or "")}</div>\n'
        + (f'<div class="bmnr_con_zuozhe">{escape(article.author)}</div>\n' if article.author else "")
        + f'<div id="zoom">\n{pics}{paragraphs(article)}</div>\n'
        + "</div></div>\n</body>\n</html>\n"
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    """index.htm at the site root: a META refresh to the latest edition's index.htm."""
    return meta_refresh(spec.name, entry_path(spec, edition.date, edition))
