"""Render a SiteEdition as a Founder "pc/layout" (founder-pc) e-paper, in one of three skins.

The markup follows the structures of real founder-pc pages, as its parser reads them (Chunkiconlist/newslist,
nav-list/resultList, layoutlist/articlelist) with the quirks the parsers must survive: polygon hotspots in a
`PagePicMap` with `?div=` duplicates and mixed-case tags, relative `../../../` links, footer links to other
dates, `<!--enpcontent-->` markers and `<!--enpproperty-->` trailers. The text is the model's own text.
"""

from __future__ import annotations

import datetime as dt
import zlib
from html import escape

from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec

WEEKDAYS = "一二三四五六日"


# --------------------------------------------------------------------------- paths (relative to spec.root)


def index_path(spec: SiteSpec) -> str:
    return "pc/layout/index.html"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pc/layout/{date:%Y%m}/{date:%d}/{page.node}.html"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return f"pc/content/{date:%Y%m}/{date:%d}/content_{article.id}.html"


def _stamp(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    """A stable pseudo-random file stem like the CMS's upload names."""
    return str(zlib.crc32(f"{spec.key}|{date}|{page.number}".encode()))


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    code = spec.key.upper()
    return f"pc/images/{date:%Y%m}/{date:%d}/{page.number}/{code}{date:%Y%m%d}{page.number}_b.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"pc/images/{date:%Y%m}/{date:%d}/{page.number}/{_stamp(spec, date, page)}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"pc/pic/{date:%Y%m}/{date:%d}/{src}"


# --------------------------------------------------------------------------- helpers


def _up3(path: str) -> str:
    """A root-relative path as seen from pc/layout/YYYYMM/DD/ or pc/content/YYYYMM/DD/ (three levels below pc/)."""
    assert path.startswith("pc/")
    return "../../../" + path[len("pc/") :]


def _content_href(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return _up3(article_path(spec, date, article))


def _label(page: SitePage) -> str:
    return f"{page.number}版：{page.name}"


def _coords(points: list[tuple[int, int]]) -> str:
    return ",".join(f"{x},{y}" for x, y in points)


def _date_cn(date: dt.date) -> str:
    return f"{date.year}年{date.month:02d}月{date.day:02d}日 星期{WEEKDAYS[date.weekday()]}"


def _head(title: str, charset: str) -> str:
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta charset="{charset}">\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="../../../static/css/layout.css">\n'
        '<script src="../../../static/js/jquery.min.js"></script>\n'
        "</head>\n"
    )


def _hotspots(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    """The PagePicMap: one area per polygon, extra polygons with ?div= suffixes, tag case varying."""
    tags = ("area", "AREA", "Area")
    out = ['<map name="PagePicMap" id="PagePicMap">']
    n = 0
    for article in page.articles:
        href = _content_href(spec, edition.date, article)
        shapes = [(article.polygon, "")] if article.polygon else []
        shapes += [
            (poly, "?div=-1" if i % 2 == 0 else "?div=0") for i, poly in enumerate(article.extra_polygons)
        ]
        for poly, suffix in shapes:
            tag = tags[n % len(tags)]
            n += 1
            out.append(
                f'<{tag} shape="polygon" coords="{_coords(poly)}" href="{href}{suffix}" target="_blank">'
            )
    out.append("</map>")
    return "\n".join(out)


def _page_image(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    w, h = page.image_size
    src = _up3(page_image_path(spec, edition.date, page))
    return f'<img src="{src}" usemap="#PagePicMap" width="{w}" height="{h}" border="0" alt="{escape(_label(page))}" id="pageImg">'


def _footer(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    """Links that leave the edition: other dates, the archive, the site home (parsers must ignore them)."""
    prev_day = edition.date - dt.timedelta(days=1)
    next_day = edition.date + dt.timedelta(days=1)
    return (
        '<div class="footer">\n'
        f'<a href="../../{prev_day:%Y%m}/{prev_day:%d}/{page.node}.html">上一期</a> |\n'
        f'<a href="../../{next_day:%Y%m}/{next_day:%d}/{page.node}.html">下一期</a> |\n'
        '<a href="../../../layout/index.html">今日报纸</a> |\n'
        f'<a href="../../../../">{escape(spec.name)}首页</a>\n'
        f"<p>{escape(spec.name)}社版权所有 未经授权不得转载</p>\n"
        "</div>\n"
    )


def _page_trailer(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    return (
        f"<!--enpproperty <founder-date>{edition.date:%Y-%m-%d} 00:00:00</founder-date>"
        f"<founder-pagenum>{page.number}</founder-pagenum><founder-papername>{escape(spec.name)}</founder-papername>"
        "<founder-type>2</founder-type>"
        f"<founder-pagepicurl>{page_image_path(spec, edition.date, page)}</founder-pagepicurl> /enpproperty-->\n"
    )


def _header(spec: SiteSpec, edition: SiteEdition) -> str:
    return (
        '<div class="header">\n'
        f'<div class="logo"><a href="../../../layout/index.html">{escape(spec.name)}</a></div>\n'
        f'<div class="date">{_date_cn(edition.date)}</div>\n'
        "</div>\n"
    )


# --------------------------------------------------------------------------- skins: page lists and article lists


def _nav_newslist(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    rows = []
    for p in edition.pages:
        pdf = _up3(page_pdf_path(spec, edition.date, p))
        cls = ' class="current"' if p is page else ""
        rows.append(
            f'<p{cls}><a href="{p.node}.html">{escape(p.number)}：{escape(p.name)}</a>'
            f'<a href="{pdf}" target="_blank"><img src="../../../static/img/pdf.png" alt="PDF"></a></p>'
        )
    articles = "\n".join(
        f'<li><h3><a href="{_content_href(spec, edition.date, a)}" target="_blank">{escape(a.title)}</a></h3></li>'
        for a in page.articles
    )
    return (
        '<div class="Chunkiconbox">\n<div class="Chunkiconlist">\n' + "\n".join(rows) + "\n</div>\n</div>\n"
        f'<div class="newslisttit"><em>{escape(page.number)}：{escape(page.name)}</em></div>\n'
        f'<div id="ScroLeft">\n<div class="newslist">\n<ul>\n{articles}\n</ul>\n</div>\n</div>\n'
    )


def _nav_resultlist(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    rows = []
    for p in edition.pages:
        pdf = _up3(page_pdf_path(spec, edition.date, p))
        active = " active" if p is page else ""
        rows.append(
            f'<li><a class="btn btn-block{active}" href="./{p.node}.html">{escape(_label(p))}</a>'
            f'<a class="pdf" href="{pdf}"><i class="icon-pdf"></i></a></li>'
        )
    articles = "\n".join(
        f'<li class="resultList"><a href="{_content_href(spec, edition.date, a)}"><h4>{escape(a.title)}</h4></a></li>'
        for a in page.articles
    )
    return (
        '<div class="nav-list">\n<ul>\n' + "\n".join(rows) + "\n</ul>\n</div>\n"
        f'<div class="tabs"><h3>{escape(_label(page))}</h3></div>\n'
        f'<div class="news-list">\n<ul>\n{articles}\n</ul>\n</div>\n'
    )


def _nav_articlelist(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    rows = []
    for i, p in enumerate(edition.pages):
        pdf = _up3(page_pdf_path(spec, edition.date, p))
        rows.append(
            f'<li class="position-r"><a href="{p.node}.html" id="pageLink{i}">{escape(_label(p))}</a>'
            f'<a href="{pdf}" class="pdf-ico" title="PDF"></a></li>'
        )
    articles = "\n".join(
        f'<li class="clearfix"><i class="icon-doc"></i><a href="{_content_href(spec, edition.date, a)}">'
        f"{escape(a.title)}</a></li>"
        for a in page.articles
    )
    current_pdf = _up3(page_pdf_path(spec, edition.date, page))
    return (
        '<div class="paper-bottom clearfix">\n'
        f'<p class="pull-left">{escape(page.number)}版：<span id="layout">{escape(page.name)}</span></p>\n'
        f'<div class="pull-right"><a href="{current_pdf}" target="_blank">PDF下载</a></div>\n'
        "</div>\n"
        '<div class="layout-list">\n<ul id="layoutlist">\n' + "\n".join(rows) + "\n</ul>\n</div>\n"
        f'<div class="article-list">\n<ul id="articlelist">\n{articles}\n</ul>\n</div>\n'
    )


_NAVS = {"newslist": _nav_newslist, "resultlist": _nav_resultlist, "articlelist": _nav_articlelist}


def _next_link(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    idx = edition.pages.index(page)
    if idx + 1 < len(edition.pages):
        return f'<div class="newsnext"><a class="nextArt" href="{edition.pages[idx + 1].node}.html">下一版</a></div>\n'
    return ""


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    skin = spec.skin if spec.skin in _NAVS else "newslist"
    body = (
        f'<body class="skin-{skin}">\n'
        + _header(spec, edition)
        + '<div class="main clearfix">\n<div class="main-left">\n<div class="newspaper-pic">\n'
        + _hotspots(spec, edition, page)
        + "\n"
        + _page_image(spec, edition, page)
        + '\n</div>\n</div>\n<div class="main-right">\n'
        + _NAVS[skin](spec, edition, page)
        + _next_link(spec, edition, page)
        + "</div>\n</div>\n"
        + _footer(spec, edition, page)
        + _page_trailer(spec, edition, page)
        + "</body>\n</html>\n"
    )
    return _head(f"{spec.name}-{_label(page)}", page.charset) + body


# --------------------------------------------------------------------------- articles


def _paragraphs(article: SiteArticle) -> str:
    return "".join(f"<p>　　{escape(p)}</p>\n" for p in article.paragraphs)


def _article_trailer(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    url = spec.root + article_path(spec, edition.date, article)
    return (
        f"<!--enpproperty <date>{edition.date:%Y-%m-%d} 00:00:00:0</date><author>{escape(article.author or '')}</author>"
        f"<subtitle>{escape(article.subtitle or '')}</subtitle><introtitle>{escape(article.kicker or '')}</introtitle>"
        f"<keyword></keyword><paperarticleid>{article.id}</paperarticleid><channel>1</channel><nodeid>0</nodeid>"
        f"<nodename>{escape(page.name)}</nodename><url>{escape(url)}</url><urlpad>content_{article.id}.html</urlpad>"
        f"<siteid>1</siteid><paperid>1</paperid><title>{escape(article.title)}</title>/enpproperty-->"
    )


def _body(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    return (
        "<founder-content><!--enpcontent-->"
        + _paragraphs(article)
        + "<!--/enpcontent-->"
        + _article_trailer(spec, edition, page, article)
        + "</founder-content>\n"
    )


def _pic(spec: SiteSpec, edition: SiteEdition, src: str) -> str:
    return _up3(picture_path(spec, edition.date, src))


def _article_newslist(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    pics = "".join(
        f'<div class="newsdetapic"><img src="{_pic(spec, edition, im.src)}" alt="">'
        f'<p class="pictext">{escape(im.caption or "")}</p></div>\n'
        for im in article.images
    )
    return (
        '<div class="newsdetatit">\n'
        f'<p class="intro">{escape(article.kicker or "")}</p>\n'
        f"<h3>{escape(article.title)}</h3>\n"
        f'<div class="sub">{escape(article.subtitle or "")}</div>\n'
        f'<p class="newsdetatime"><span class="Author">版次：{escape(page.number)}</span>'
        f'<span class="Author">作者：{escape(article.author or "")}</span>'
        f'<span class="Author">日期：{edition.date:%Y-%m-%d}</span></p>\n'
        "</div>\n"
        '<div class="newsdetatext">\n' + pics + _body(spec, edition, page, article) + "</div>\n"
    )


def _article_resultlist(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    pics = "".join(
        f'<div class="attachment"><img src="{_pic(spec, edition, im.src)}">'
        f'<p class="pic-text">{escape(im.caption or "")}</p></div>\n'
        for im in article.images
    )
    return (
        '<div class="detail-title">\n'
        f'<p id="PreTitle">{escape(article.kicker or "")}</p>\n'
        f'<h2 id="Title">{escape(article.title)}</h2>\n'
        f'<p id="SubTitle">{escape(article.subtitle or "")}</p>\n'
        f'<p class="sec">{escape(spec.name)} {edition.date:%Y年%m月%d日} 第{escape(page.number)}版 '
        f"{escape(article.author or '')}</p>\n"
        "</div>\n" + pics + '<div id="ozoom">\n' + _body(spec, edition, page, article) + "</div>\n"
    )


def _article_articlelist(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    pics = "".join(
        f'<table class="pic"><tr><td><img src="{_pic(spec, edition, im.src)}" border="0"></td></tr>'
        f'<tr><td class="pictext">{escape(im.caption or "")}</td></tr></table>\n'
        for im in article.images
    )
    return (
        '<div class="article-title">\n'
        f'<p id="PreTitle">{escape(article.kicker or "")}</p>\n'
        f'<h2 id="Title">{escape(article.title)}</h2>\n'
        f'<p id="SubTitle">{escape(article.subtitle or "")}</p>\n'
        f'<p class="art-info"><span>{escape(page.number)}版：{escape(page.name)}</span>'
        f'<span class="author">{escape(article.author or "")}</span></p>\n'
        "</div>\n"
        + (f'<div class="attachment">\n{pics}</div>\n' if pics else "")
        + '<div id="ozoom">\n'
        + _body(spec, edition, page, article)
        + "</div>\n"
    )


_ARTICLES = {
    "newslist": _article_newslist,
    "resultlist": _article_resultlist,
    "articlelist": _article_articlelist,
}


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    skin = spec.skin if spec.skin in _ARTICLES else "newslist"
    back = f"../../../layout/{edition.date:%Y%m}/{edition.date:%d}/{page.node}.html"
    return (
        _head(f"{article.title}-{spec.name}", page.charset)
        + f'<body class="skin-{skin}">\n'
        + _header(spec, edition)
        + f'<div class="crumb"><a href="{back}">返回{escape(_label(page))}</a></div>\n'
        + '<div class="article">\n'
        + _ARTICLES[skin](spec, edition, page, article)
        + "</div>\n"
        + "</body>\n</html>\n"
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    """pc/layout/index.html: a META refresh to the latest edition's first page (relative to pc/layout/)."""
    target = entry_path(spec, edition.date, edition)[len("pc/layout/") :]
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f"<title>{escape(spec.name)}</title>\n</head>\n<body>\n"
        f'<script>window.location.href="{target}";</script>\n'
        "</body>\n</html>\n"
    )
