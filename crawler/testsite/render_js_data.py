"""Render a SiteEdition as a js-data e-paper of the "datajs" skin (`YYYY-MM-DD/page_N.html` shells + data.js).

Every page and article URL serves the same script shell, which names `data.js`; the fixture server serves
`YYYY-MM-DD/data.js` as the edition's companion document: `var data = [...]`, one entry per page with
`catalog` (the label), `imgSrc`, `pdf`, `width`/`height` and `areaList[]` (`title`, `pretitle`, `subtitle`,
`shareLink`, `coords`, `html` with the article inline, photos and captions included).
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from crawler.testsite.listing_html import coords, meta_refresh
from crawler.testsite.model import SiteArticle, SiteEdition, SitePage, SiteSpec


def index_path(spec: SiteSpec) -> str:
    return "index.htm"


def _index_of(edition: SiteEdition, page: SitePage) -> int:
    return next(i for i, p in enumerate(edition.pages, start=1) if p is page or p.number == page.number)


def page_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    number = int(page.number) if page.number.isdigit() else 1
    return f"{date:%Y-%m-%d}/page_{number}.html"


def entry_path(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> str:
    return page_path(spec, date, edition.pages[0])


def article_path(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    return f"{date:%Y-%m-%d}/article_{article.id}.html"


def data_path(date: dt.date) -> str:
    return f"{date:%Y-%m-%d}/data.js"


def document_paths(spec: SiteSpec, date: dt.date, edition: SiteEdition) -> list[str]:
    return [data_path(date)]


def page_image_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"upload/{date:%Y-%m-%d}/{page.number}.jpg"


def page_pdf_path(spec: SiteSpec, date: dt.date, page: SitePage) -> str:
    return f"upload/{date:%Y-%m-%d}/{page.number}.pdf"


def picture_path(spec: SiteSpec, date: dt.date, src: str) -> str:
    return f"upload/{date:%Y-%m-%d}/art/{src}"


def _article_html(spec: SiteSpec, date: dt.date, article: SiteArticle) -> str:
    pics = "".join(
        f'<p><img src="../{picture_path(spec, date, im.src)}"/></p><p class="pic-txt">{escape(im.caption or "")}</p>'
        for im in article.images
    )
    return pics + "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)


def render_document(spec: SiteSpec, edition: SiteEdition, path: str) -> tuple[str, str]:
    """data.js: (JavaScript, charset)."""
    date = edition.date
    data = []
    for page in edition.pages:
        w, h = page.image_size
        data.append(
            {
                "catalog": f"第{page.number}版：{page.name}",
                "imgSrc": f"../{page_image_path(spec, date, page)}",
                "pdf": f"../{page_pdf_path(spec, date, page)}",
                "width": w,
                "height": h,
                "areaList": [
                    {
                        "title": a.title,
                        "pretitle": a.kicker or "",
                        "subtitle": a.subtitle or "",
                        "author": a.author or "",
                        "shareLink": f"article_{a.id}.html",
                        "coords": coords(a.polygon),
                        "html": _article_html(spec, date, a),
                    }
                    for a in page.articles
                ],
            }
        )
    return "var data = " + json.dumps(data, ensure_ascii=False, indent=1) + ";\n", "utf-8"


def _shell(spec: SiteSpec) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(spec.name)}数字报</title>\n</head>\n<body>\n"
        '<div id="app"><div class="paper-img"></div><ul class="area-list"></ul></div>\n'
        '<script src="data.js"></script>\n<script src="../static/js/paper.js"></script>\n</body>\n</html>\n'
    )


def render_page(spec: SiteSpec, edition: SiteEdition, page: SitePage) -> str:
    return _shell(spec)


def render_article(spec: SiteSpec, edition: SiteEdition, page: SitePage, article: SiteArticle) -> str:
    return _shell(spec)


def render_index(spec: SiteSpec, edition: SiteEdition) -> str:
    return meta_refresh(spec.name, entry_path(spec, edition.date, edition))
