"""Render a SiteEdition as a People's-Daily-style `nbs`/`nw` e-paper (people-nbs).

Modelled on the structure of the real 人民日报 pages of that platform: `html/YYYY-MM/DD/nbs.D110000<code>_NN.htm`
pages with a `div#pageList` of `a#pageLink` rows and PDFs, a `div.ban_t` label "01版:要闻", a `PagePicMap` with
capitalised `<Area>` polygons and unquoted attributes, a `div#titleList` whose titles are written by
`document.write(view("…"))`, a `div#riqi_` date line, and `nw.D110000<code>_YYYYMMDD_<seq>-<NN>.htm` articles with
`div.text_c` h3/h1/h2/h4, `div.lai`, `table.pci_c` pictures and a `div#ozoom` body plus its hidden second copy.
Each page also lists and maps an editor-credit box (本版责编) and links to another site, which the parser must not
take for articles. The text is the model's own text.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec

WEEKDAYS = "一二三四五六日"


def _code(spec: SiteSpec) -> str:
    """The paper code in the file names (`D110000<code>`): the site key's letters."""
    return re.sub(r"[^a-z]", "", spec.key.lower()) or "paper"


def _number_of(article: SiteArticle) -> str:
    """The page number an article id belongs to (content.article_id packs the page index into the id)."""
    return f"{article.id % 1000 // 20 + 1:02d}"


# --------------------------------------------------------------------------- paths (relative to spec.root)


def index_path(spec: SiteSpec) -> str:
    return "index.html"


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"html/{date:%Y-%m}/{date:%d}/nbs.D110000{_code(spec)}_{page.number}.htm"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    seq = article.id % 20 + 1
    return f"html/{date:%Y-%m}/{date:%d}/nw.D110000{_code(spec)}_{date:%Y%m%d}_{seq}-{_number_of(article)}.htm"


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"page/{date:%Y-%m}/{date:%d}/{page.number}/{_code(spec)}{date:%Y%m%d}{page.number}_b.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"page/{date:%Y-%m}/{date:%d}/{page.number}/{_code(spec)}{date:%Y%m%d}{page.number}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"res/1/{date:%Y%m%d}/{src}"


# --------------------------------------------------------------------------- helpers


def _up3(path: str) -> str:
    return "../../../" + path


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _coords(points: list[tuple[int, int]]) -> str:
    return ",".join(f"{x},{y}" for x, y in points)


def _js(text: str) -> str:
    """A title inside the script's string literal (HTML-escaped, so no quote or `<` ends it early)."""
    return escape(text).replace("\\", "\\\\")


def _credit_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    """The editor-credit box's own `nw` page: listed and mapped like a story, never served."""
    return f"nw.D110000{_code(spec)}_{date:%Y%m%d}_19-{page.number}.htm"


def _hotspots(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    areas = []
    for article in page.articles:
        href = _name(article_path(spec, edition.date, article))
        for poly in [article.polygon, *article.extra_polygons]:
            if poly:
                areas.append(f'<Area coords="{_coords(poly)}" shape="polygon" href="{href}">')
    w, h = page.image_size
    areas.append(f'<Area coords="2,{h - 20},120,{h - 20},120,{h - 4},2,{h - 4}" shape="polygon" '
                 f'href="{_credit_path(spec, edition.date, page)}">')
    areas.append(f'<Area coords="{w - 60},2,{w - 2},2,{w - 2},30,{w - 60},30" shape="polygon" '
                 f'href="http://www.{_code(spec)}.example.cn/special/">')
    img = _up3(page_image_path(spec, edition.date, page))
    return f"<map name=PagePicMap>{''.join(areas)}</map><img  width={w} height={h} src={img} border=0 USEMAP=#PagePicMap>"


def _title_list(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    items = [
        (_name(article_path(spec, edition.date, a)), a.title) for a in page.articles
    ] + [(_credit_path(spec, edition.date, page), "本版责编：周敏　韩晓峰")]
    return "\n".join(
        ("<li>" if i % 2 == 0 else '<li class="one">\n ')
        + f'\n<a href={href}><script>document.write(view("{_js(title)}  "))</script></a></li>'
        for i, (href, title) in enumerate(items)
    )


def _page_list(spec: SiteSpec, edition: SiteEdition) -> str:
    rows = []
    for i, p in enumerate(edition.pages):
        href = ("./" if i == 0 else "") + _name(page_path(spec, edition.date, p))
        rows.append(
            f'<div class="right_title{1 + i % 2}">\n<div class="right_title-name"><a id=pageLink href={href}>'
            f"第{escape(p.number)}版：{escape(p.name)}</a></div>\n"
            f'<div class="right_title-pdf"><a href={_up3(page_pdf_path(spec, edition.date, p))}>'
            '<img src="../../../tplimg/ico3.gif" border=0 /></a></div>\n</div>'
        )
    return "\n".join(rows)


def _date_cn(date: dt.date) -> str:
    return f"{date.year}年{date.month:02d}月{date.day:02d}日 星期{WEEKDAYS[date.weekday()]}"


def _head(title: str, charset: str) -> str:
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        f'<meta http-equiv="content-type" content="text/html;charset={charset}" />\n'
        f"<title>{escape(title)}</title>\n"
        '<script type="text/javascript" src="../../../tplimg/lib.js"></script>\n</head>\n'
    )


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    idx = edition.pages.index(page)
    nxt = (
        f'<a class=preart href="{_name(page_path(spec, edition.date, edition.pages[idx + 1]))}">下一版 '
        "<img src='../../../tplimg/right_ico.gif' border=0 /></a>"
        if idx + 1 < len(edition.pages)
        else ""
    )
    label = f"{escape(page.number)}版:{escape(page.name)}"
    prev_day = edition.date - dt.timedelta(days=1)
    return (
        _head(f"{spec.name}-数字报", page.charset)
        + '<body onLoad="initialize();initMPPage();">\n<div class="div_bg"><div class="div_center">\n'
        + '<div class="left_c">\n<div class="ban">\n<div>\n'
        + _hotspots(spec, edition, page)
        + "</div>\n</div>\n"
        + f'<div class="ban_t">\n<div>\n<ul>\n<li>\n{label}\n&nbsp;\n'
        + f'<a href={_up3(page_pdf_path(spec, edition.date, page))}><IMG src="../../../tplimg/ico4.gif" border=0></a>\n'
        + f"PDF版下载 <span>\n{nxt}</span></li>\n</ul>\n</div>\n</div>\n</div>\n"
        + '<div class="right_c">\n<div style="float:left; width:370px;"><div id="riqi_" style="float:left;">\n'
        + f"{escape(spec.name)}\n{_date_cn(edition.date)}\n</div></div>\n"
        + f'<div class="top_link"><a href="../../{prev_day:%Y-%m}/{prev_day:%d}/'
        + f'{_name(page_path(spec, prev_day, edition.pages[0]))}">上一期</a></div>\n'
        + '<DIV id="ozoom" style="zoom:100%;">\n<div class="list_t">\n<div class="list_l">\n'
        + f'<div class="l_t">\n{label}\n</div>\n<div class="l_c">\n'
        + '<div id="titleList" style="height:440px;overflow:hidden;">\n<!-- list starting -->\n<ul>\n'
        + _title_list(spec, edition, page)
        + "\n</ul><!-- list endding -->\n</div>\n</div>\n</div>\n"
        + '<div class="list_r">\n<div class="l_t l_t1">版面目录</div>\n<div class="l_c l_c1">\n'
        + '<div id="pageList" style="overflow:hidden;height:440px;">\n<!-- list starting -->\n<ul>\n'
        + _page_list(spec, edition)
        + "\n</ul><!-- list endding -->\n</div>\n</div>\n</div>\n</div>\n</DIV>\n</div>\n</div></div>\n"
        + "</body>\n</html>\n"
    )


def _pictures(spec: SiteSpec, edition: SiteEdition, article: SiteArticle) -> str:
    return "".join(
        '<table class="pci_c" width="400"><tbody>\n'
        f'<tr><td align="center"><img src="{_up3(picture_path(spec, edition.date, im.src))}"></td></tr>\n'
        f"<tr><td><p>　　{escape(im.caption or '')}</p></td></tr>\n</tbody></table>\n"
        for im in article.images
    )


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    paragraphs = "".join(f"<P>　　{escape(p)}</P>\n" for p in article.paragraphs)
    first = f"<P>　　{escape(article.paragraphs[0])}</P>" if article.paragraphs else ""
    return (
        _head(f"{article.title}--{spec.name}", page.charset)
        + '<body>\n<div class="w1000">\n<div class="left_c">\n<div class="text_c">\n'
        + f"<h3>{escape(article.kicker or '')}</h3>\n"
        + f"<h1>{escape(article.title)}</h1>\n"
        + f"<h2>{escape(article.subtitle or '')}</h2>\n"
        + f"<h4>{escape(article.author or '')}</h4>\n"
        + f'<div class="lai">《 {escape(spec.name)} 》（ {edition.date.year}年{edition.date.month:02d}月'
        + f"{edition.date.day:02d}日 {escape(page.number)} 版）</div>\n"
        + '<div class="c_c">\n<div id="ozoom">\n'
        + _pictures(spec, edition, article)
        + "<founder-title></founder-title>\n<!--enpcontent-->"
        + paragraphs
        + "<!--/enpcontent-->\n</div>\n<!-- 以下是供复制全文用 -->\n"
        + f'<div style="display:none" id="articleContent"><!--enpcontent-->{first}<!--/enpcontent--></div>\n'
        + "</div>\n</div>\n</div>\n</div>\n</body>\n</html>\n"
    )


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    """index.html: META refresh to the latest edition's first page."""
    target = entry_path(spec, edition.date, edition)
    return (
        "<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f'<meta http-equiv="refresh" content="0;URL={target}">\n'
        f"<title>{escape(spec.name)}</title>\n</head>\n<body>\n</body>\n</html>\n"
    )
