"""Render a SiteEdition as an shtml e-paper (`shtml/<paper>/YYYYMMDD/vNN.shtml`, `NNNNN.shtml` articles).

Two skins, as the family's parser reads them: "conRList" (the 山西日报-group lists, `map` hotspots,
`h2.detConTit` / `div.details` / `div.detPic` articles) and "selectBox" (positioned `a.selectBox` boxes over a
`div.page` of a styled size, `div#ozoom founder-content` articles). Links are root-relative (`/…/shtml/…`), as
on the real sites.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from crawler.testsite.listing_html import area_map, head, meta_refresh, paragraphs
from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec


def _code(spec: SiteSpec) -> str:
    return re.sub(r"[^\w-]", "", spec.key) or "paper"


def index_path(spec: SiteSpec) -> str:
    return f"shtml/{_code(spec)}/index.shtml"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"shtml/{_code(spec)}/{date:%Y%m%d}/v{page.number}.shtml"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return f"shtml/{_code(spec)}/{date:%Y%m%d}/{article.id}.shtml"


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pic/{_code(spec)}/{date:%Y%m%d}/v{page.number}/v{page.number}_m.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pdf/{_code(spec)}/{date:%Y%m%d}/v{page.number}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"pic/{_code(spec)}/{date:%Y%m%d}/art/{src}"


def _abs(spec: SiteSpec, path: str) -> str:
    return spec.root + path


def _boxes(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    """Each polygon's bounding box as a positioned `a.selectBox` (the title in @title, no text)."""
    out = []
    for article in page.articles:
        for polygon in ([article.polygon] if article.polygon else []) + article.extra_polygons:
            xs, ys = [x for x, _ in polygon], [y for _, y in polygon]
            style = (
                f"position:absolute; left:{min(xs)}px; top:{min(ys)}px; "
                f"width:{max(xs) - min(xs)}px; height:{max(ys) - min(ys)}px;"
            )
            href = _abs(spec, article_path(spec, edition.date, article))
            out.append(
                f'<a class="selectBox" href="{href}" title="{escape(article.title)}" style="{style}"></a>'
            )
    return "\n".join(out)


def _page_conrlist(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    date = edition.date
    w, h = page.image_size
    entries = "\n".join(
        f'<li><a href="{_abs(spec, page_path(spec, date, p))}">第{escape(p.number)}版：{escape(p.name)}</a> '
        f'<a href="{_abs(spec, page_pdf_path(spec, date, p))}">PDF</a></li>'
        for p in edition.pages
    )
    items = "\n".join(
        f'<li><a href="{_abs(spec, article_path(spec, date, a))}">{escape(a.title)}</a></li>'
        for a in page.articles
    )
    return (
        f'<div class="conTop"><div class="paperName">{escape(spec.name)}</div>'
        f'<div class="paperDate">{date.year}年{date.month}月{date.day}日</div></div>\n'
        '<div class="conMain">\n<div class="conL">\n'
        f'<img src="{_abs(spec, page_image_path(spec, date, page))}" usemap="#pagemap" width="{w}" height="{h}" />\n'
        + area_map(page, lambda a: _abs(spec, article_path(spec, date, a)), name="pagemap")
        + "\n</div>\n"
        f'<div class="conM"><div class="conTopTit">第{escape(page.number)}版：{escape(page.name)}</div>\n'
        f'<ul class="conMItemList">\n{items}\n</ul></div>\n'
        f'<div class="conR"><ul class="conRList">\n{entries}\n</ul></div>\n</div>\n'
    )


def _page_selectbox(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    date = edition.date
    w, h = page.image_size
    entries = "\n".join(
        f'<div><div class="page-title"><div class="ellipsis title-text"><a href="{_abs(spec, page_path(spec, date, p))}">'
        f"{escape(p.number)}：{escape(p.name)}</a></div>"
        f'<div class="pdf-ico"><a href="{_abs(spec, page_pdf_path(spec, date, p))}"></a></div></div></div>'
        for p in edition.pages
    )
    return (
        f'<div class="header"><div class="paper-name">{escape(spec.name)}</div>'
        f'<div class="paper-date">{date.year}年{date.month:02d}月{date.day:02d}日</div></div>\n'
        '<div class="content">\n<div class="content-left">\n'
        f'<div class="page" style="position:relative; width:{w}px; height:{h}px;">\n'
        f'<img src="{_abs(spec, page_image_path(spec, date, page))}" width="{w}" height="{h}" />\n'
        + _boxes(spec, edition, page)
        + "\n</div>\n</div>\n"
        f'<div class="content-right"><div class="page-now">{escape(page.number)}：{escape(page.name)}</div>\n'
        f'<div class="title-wrap mt">\n{entries}\n</div></div>\n</div>\n'
    )


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    inner = _page_selectbox if spec.skin == "selectBox" else _page_conrlist
    return (
        head(f"{spec.name} 第{page.number}版", page.charset)
        + "<body>\n"
        + inner(spec, edition, page)
        + "</body>\n</html>\n"
    )


def _article_detcon(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    pics = "".join(
        f'<div class="detPic"><img src="{_abs(spec, picture_path(spec, edition.date, im.src))}" />'
        f"<p>{escape(im.caption or '')}</p></div>\n"
        for im in article.images
    )
    return (
        '<div class="detCon">\n'
        f'<div class="detConBanci">第{escape(page.number)}版：{escape(page.name)}</div>\n'
        + (f'<p class="detConYinti">{escape(article.kicker)}</p>\n' if article.kicker else "")
        + f'<h2 class="detConTit">{escape(article.title)}</h2>\n'
        + (f'<p class="detConFuti">{escape(article.subtitle)}</p>\n' if article.subtitle else "")
        + pics
        + f'<div class="details">\n{paragraphs(article)}</div>\n</div>\n'
    )


def _article_ozoom(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    pics = "".join(
        f'<div class="article-pic"><img src="{_abs(spec, picture_path(spec, edition.date, im.src))}" />'
        f'<p class="pic-note">{escape(im.caption or "")}</p></div>\n'
        for im in article.images
    )
    return (
        '<div class="article">\n<div class="article-head">\n'
        f'<p class="banci">{escape(page.number)}：{escape(page.name)}</p>\n'
        f"<h3>{escape(article.kicker or '')}</h3>\n<h1>{escape(article.title)}</h1>\n"
        f"<h2>{escape(article.subtitle or '')}</h2>\n"
        + (f'<p class="author">{escape(article.author)}</p>\n' if article.author else "")
        + "</div>\n"
        + pics
        + f'<div id="ozoom"><founder-content>\n{paragraphs(article)}</founder-content></div>\n</div>\n'
    )


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    inner = _article_ozoom if spec.skin == "selectBox" else _article_detcon
    return (
        head(f"{article.title}-{spec.name}", page.charset)
        + "<body>\n"
        + inner(spec, edition, page, article)
        + "</body>\n</html>\n"
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    """shtml/<paper>/index.shtml: a META refresh to the latest edition's first page."""
    return meta_refresh(spec.name, _abs(spec, entry_path(spec, edition.date, edition)))
