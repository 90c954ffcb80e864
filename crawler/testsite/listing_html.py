"""HTML pieces the renderers of the listing families share (layout-catalogue, index-htm, shtml).

Each renderer builds its own page and article skeleton; these helpers only write the repeated parts the same
way: the document head with its charset, a `<map>` of an article's polygons, body paragraphs, and the
META-refresh index of the site root. The text is the model's own text.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from crawler.testsite.model import SiteArticle, SitePage


def head(title: str, charset: str, extra: str = "") -> str:
    """The document head; GBK pages declare `gb2312` as such sites do."""
    declared = "gb2312" if charset.lower() in {"gbk", "gb2312", "gb18030"} else charset
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={declared}" />\n'
        f"<title>{escape(title)}</title>\n{extra}</head>\n"
    )


def coords(points: list[tuple[int, int]]) -> str:
    return ",".join(f"{x},{y}" for x, y in points)


def area_map(page: SitePage, href: Callable[[SiteArticle], str], name: str = "PagePicMap") -> str:
    """One `<area>` per polygon of every article; extra polygons of an article repeat its href."""
    out = [f'<map name="{name}" id="{name}">']
    for article in page.articles:
        for polygon in ([article.polygon] if article.polygon else []) + article.extra_polygons:
            out.append(f'<area shape="polygon" coords="{coords(polygon)}" href="{href(article)}" />')
    out.append("</map>")
    return "\n".join(out)


def bounding_boxes(page: SitePage) -> list[tuple[SiteArticle, dict[str, int]]]:
    """(article, left/top/width/height) of each polygon's bounding box, for positioned-box hotspots."""
    out = []
    for article in page.articles:
        for polygon in ([article.polygon] if article.polygon else []) + article.extra_polygons:
            xs, ys = [x for x, _ in polygon], [y for _, y in polygon]
            box = {"left": min(xs), "top": min(ys), "width": max(xs) - min(xs), "height": max(ys) - min(ys)}
            out.append((article, box))
    return out


def paragraphs(article: SiteArticle) -> str:
    return "".join(f"<p>　　{escape(p)}</p>\n" for p in article.paragraphs)


def meta_refresh(title: str, target: str) -> str:
    return (
        '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f'<meta http-equiv="refresh" content="0;URL={target}">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n</body>\n</html>\n"
    )
