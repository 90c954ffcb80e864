"""Render a SiteEdition as a Founder classic (`html/YYYY-MM/DD/node_N.htm`) e-paper, table skin.

Modelled on the real 江西日报 / 纪检监察报 pages the founder-classic parser reads: an `id=pageLink` page list
(twice: pop-up `DIV id=pgn` and the table with PDFs), a `td.px12` current-page header, an upper-case
`MAP NAME="pagepicmap"` with `<Area>` hotspots (with `?div=` duplicates), unquoted attributes, a nested
`<body>`, `td.font01`/`td.font02` title cells, `<founder-content>` with `<!--enpcontent-->` markers, and the
`<!--enpproperty-->` trailer after `</html>`. The text is the model's own text.
"""

from __future__ import annotations

import datetime as dt
import zlib
from html import escape

from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec

WEEKDAYS = "一二三四五六日"


# --------------------------------------------------------------------------- paths (relative to spec.root)


def index_path(spec: SiteSpec) -> str:
    return "paperindex.htm"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"html/{date:%Y-%m}/{date:%d}/{page.node}.htm"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return f"html/{date:%Y-%m}/{date:%d}/content_{article.id}.htm"


def _site_code(spec: SiteSpec) -> int:
    return 100 + zlib.crc32(spec.key.encode()) % 900


def _stamp(spec: SiteSpec, date: dt.date, page: SitePage, salt: str) -> str:
    return str(zlib.crc32(f"{spec.key}|{date}|{page.number}|{salt}".encode()) * 10 + 1507497937)


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"page/{_site_code(spec)}/{date:%Y-%m-%d}/{page.number}/{_stamp(spec, date, page, 'jpg')}.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"page/{_site_code(spec)}/{date:%Y-%m-%d}/{page.number}/{_stamp(spec, date, page, 'pdf')}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"images/{date:%Y-%m}/{date:%d}/{src}"


# --------------------------------------------------------------------------- helpers


def _up3(path: str) -> str:
    """A root-relative path as seen from html/YYYY-MM/DD/."""
    return "../../../" + path


def _coords(points: list[tuple[int, int]]) -> str:
    return ",".join(f"{x},{y}" for x, y in points)


def _date_cn(date: dt.date) -> str:
    return f"{date.year}年{date.month:02d}月{date.day:02d}日 星期{WEEKDAYS[date.weekday()]}"


def _head(title: str, charset: str) -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
        f"<title>{escape(title)}</title>\n"
        '<link href="../../../tplimg/style.css" type="text/css" rel="stylesheet">\n'
        '<SCRIPT language=javascript src="../../../tplimg/mp.js"></SCRIPT>\n'
        "</head>\n<body>\n"
        '<SPAN id=leveldiv style="POSITION: absolute"></SPAN>\n'
        '<body onLoad="initialize();initMPPage();" text=#000000 vlink=#000000 alink=#ff0000 link=#000000 '
        'leftmargin=0 topmargin=0 marginheight="0" marginwidth="0">\n'
    )


def _page_header(spec: SiteSpec, edition: SiteEdition) -> str:
    return (
        "<table width=1000 border=0 cellspacing=0 cellpadding=0 align=center><tr>"
        f'<td class=logo><a href="../../../paperindex.htm">{escape(spec.name)}数字报</a></td>'
        f"<td class=default align=right>{_date_cn(edition.date)}</td></tr></table>\n"
    )


def _pgn(edition: SiteEdition) -> str:
    items = " ".join(
        f"<Li>&nbsp;<a id=pageLink href={p.node}.htm>{escape(p.number)}： {escape(p.name)}</a></Li>"
        for p in edition.pages
    )
    return (
        "<!-- 版面导航div -->\n"
        "<DIV id=pgn onMouseOver=\"getElementById('pgn').style.display='block';\" "
        "onMouseOut=\"getElementById('pgn').style.display='none';\">\n"
        f" <UL> {items} </UL>\n</DIV>\n"
    )


def _hotspots(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    areas = []
    for article in page.articles:
        href = f"content_{article.id}.htm"
        shapes = [(article.polygon, "")] if article.polygon else []
        shapes += [
            (poly, "?div=-1" if i % 2 == 0 else "?div=0") for i, poly in enumerate(article.extra_polygons)
        ]
        for poly, suffix in shapes:
            areas.append(f'<Area coords="{_coords(poly)}" shape="polygon" href="{href}{suffix}">')
    w, h = page.image_size
    img = _up3(page_image_path(spec, edition.date, page))
    return (
        f'<MAP NAME="pagepicmap">{"".join(areas)}</MAP>'
        f"<img src={img} border=0 USEMAP=#PagePicMap width={w} height={h}>"
    )


def _article_list(edition: SiteEdition, page: SitePage) -> str:
    rows = "".join(
        '<tr> <TD class=default valign="top"> <img src="../../../tplimg/checkbox.gif" width="10" height="10"> </TD> '
        f'<td class=default valign="top"> <a href=content_{a.id}.htm><div style="display:inline" id=mp{a.id}>'
        f"{escape(a.title)}</div></a> </td> </TR>"
        for a in page.articles
    )
    return f"<TABLE cellSpacing=0 cellPadding=1 border=0> <TBODY> {rows} </TBODY> </TABLE>"


def _page_list(spec: SiteSpec, edition: SiteEdition) -> str:
    rows = []
    for i, p in enumerate(edition.pages):
        bg = " bgcolor=#e8e8e8" if i % 2 else ""
        pdf = _up3(page_pdf_path(spec, edition.date, p))
        rows.append(
            f"<tr{bg}> <td class=default align=left>&nbsp;<a id=pageLink href={p.node}.htm>"
            f"第{escape(p.number)}版：{escape(p.name)}</a></td> <td nowrap align=middle width=55><a href={pdf}>"
            '<img height=16 src="../../../tplimg/pdf.gif" width=16 border=0></a></td></tr>'
        )
    return (
        "<table cellspacing=0 cellpadding=2 width=100% border=0><tbody> "
        + " ".join(rows)
        + "</tbody></table>"
    )


def _footer(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    prev_day = edition.date - dt.timedelta(days=1)
    return (
        "<table width=1000 align=center><tr><td class=default align=center>"
        f'<a class=preart href="../../{prev_day:%Y-%m}/{prev_day:%d}/{edition.pages[0].node}.htm">上一期</a> '
        '<a href="../../../paperindex.htm">今日报纸</a> '
        f"<a href=../../{prev_day:%Y-%m}/{prev_day:%d}/content_{page.articles[0].id if page.articles else 1}.htm>往期回顾</a> "
        f'<a href="http://www.{escape(spec.key)}.example.cn/">{escape(spec.name)}网</a>'
        f"<br>{escape(spec.name)}社 版权所有</td></tr></table>\n"
    )


def _page_trailer(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    return (
        f"<!--enpproperty <founder-date>{edition.date:%Y-%m-%d} 23:59:57</founder-date>"
        f"<founder-pagenum>{escape(page.number)}</founder-pagenum>"
        f"<founder-papername>{escape(spec.name)}</founder-papername><founder-type>2</founder-type>"
        f"<founder-pagepicurl>{spec.key}/{page_image_path(spec, edition.date, page)}</founder-pagepicurl>"
        f"<founder-content>{escape(spec.name)}</founder-content> /enpproperty-->"
    )


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    idx = edition.pages.index(page)
    nxt = (
        f"<a class=preart href=\"{edition.pages[idx + 1].node}.htm\"><span style='font-size:12px;font-family:webdings'>4</span>下一版</a>"
        if idx + 1 < len(edition.pages)
        else ""
    )
    pdf = _up3(page_pdf_path(spec, edition.date, page))
    return (
        _head(f"{spec.name}数字报", page.charset)
        + _pgn(edition)
        + _page_header(spec, edition)
        + "<table width=1000 border=0 cellspacing=0 cellpadding=0 align=center><tr>\n"
        + ' <td width="280" class="Ltd1" bgcolor=#ffffff>'
        + _hotspots(spec, edition, page)
        + " </td>\n <td valign=top><table width=100% border=0><tr>\n"
        + f' <td width="202" align=left class=px12>第{escape(page.number)}版：<STRONG>{escape(page.name)}</STRONG>\n </td>\n'
        + f' <td width="30" align=right nowrap class=px12>{nxt}&nbsp;&nbsp;</td>\n'
        + f' <td width=149 align=right valign=center nowrap class=px12 style="PADDING-RIGHT: 5px"><a href={pdf}>'
        + '<IMG height=16 src="../../../tplimg/pdf.gif" width=16 border=0></a></td>\n'
        + ' </tr><tr><td colspan=3 width=403 align=left valign="top">'
        + _article_list(edition, page)
        + "</td></tr>\n <tr><td colspan=3 class=default><strong>版面导航</strong>"
        + _page_list(spec, edition)
        + "</td></tr></table></td>\n</tr></table>\n"
        + _footer(spec, edition, page)
        + "</body>\n</html>\n"
        + _page_trailer(spec, edition, page)
    )


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    pics = "".join(
        f'<tr><td align=center><img src="{_up3(picture_path(spec, edition.date, im.src))}" border=0></td></tr>'
        f"<tr><td class=font6 align=center>{escape(im.caption or '')}</td></tr>"
        for im in article.images
    )
    newspic = f"<table id=newspic width=100% border=0>{pics}</table>\n" if pics else ""
    paragraphs = "".join(f"<P>　　{escape(p)}</P>" for p in article.paragraphs)
    author = escape(article.author or "")
    trailer = (
        f"<!--enpproperty <articleid>{article.id}</articleid><date>{edition.date:%Y-%m-%d}</date>"
        f"<author>{author}</author><title>{escape(article.title)}</title><keyword></keyword>"
        f"<subtitle>{escape(article.subtitle or '')}</subtitle><introtitle>{escape(article.kicker or '')}</introtitle>"
        f"<siteid>1</siteid><nodeid>{page.node.split('_', 1)[-1]}</nodeid><nodename>{escape(page.name)}</nodename>"
        "<nodesearchname></nodesearchname>/enpproperty-->"
    )
    return (
        _head(f"{article.title}--{spec.name}", page.charset)
        + _page_header(spec, edition)
        + "<table width=1000 border=0 cellspacing=0 cellpadding=0 align=center><tr>"
        + f"<td class=px12 align=left>第{escape(page.number)}版：<STRONG>{escape(page.name)}</STRONG></td>"
        + f"<td class=px12 align=right><a href={page.node}.htm>返回本版</a></td></tr></table>\n"
        + "<table width=1000 border=0 cellspacing=0 cellpadding=0 align=center class=wz><tr><td>"
        + "<table width=100% border=0 cellspacing=0 cellpadding=0>"
        + f"<tr valign=top><td class=font02 align=center>{escape(article.kicker or '')}</td></tr>"
        + f"<tr valign=top><td class=font01 align=center>{escape(article.title)}</td></tr>"
        + f"<tr valign=top><td class=font02 align=center>{escape(article.subtitle or '')}</td></tr>"
        + "<tr valign=top><td class=font03 align=center><founder-author><!--<npm:article-author>-->"
        + f"{author}<!--</npm:article-author>--></founder-author></td></tr></table>\n"
        + newspic
        + "<div id=ozoom><founder-content><!--<npm:article-content>--><!--enpcontent-->"
        + paragraphs
        + "<!--/enpcontent--><!--</npm:article-content>--></founder-content></div>\n"
        + "</td></tr></table>\n"
        + "</body>\n</html>\n"
        + trailer
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    """paperindex.htm: META refresh to the latest edition's front page (found from its node, not assumed)."""
    target = entry_path(spec, edition.date, edition)
    return (
        "<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f'<meta http-equiv="refresh" content="0;URL={target}">\n'
        f"<title>{escape(spec.name)}</title>\n</head>\n<body>\n</body>\n</html>\n"
    )
