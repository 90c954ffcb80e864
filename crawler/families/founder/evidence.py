"""What marks a payload as a Founder page: the hits behind FounderFamily.evidence() and its skin.

Read by `epaper probe` and by `epaper parse` when the URL does not tell the family. The checks look at the markup
the parsers use (each skin's page-list and title selectors, the PagePicMap hotspots, founder-content / div#ozoom,
the enpproperty trailer) and at the URL grammar of the links, so that a page saved under an unknown URL still
names its family. Pure functions of (bytes, URL): no parse is attempted here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from crawler.families.contract import PageKind, ParseError
from crawler.families.markup import Document, Selectors, first_text, select
from crawler.families.urls import join_url, split_url


class FounderFamily(Protocol):
    """What these checks read of a Founder family (founder/common.py; not imported: it calls in here)."""

    key: str
    PAGE_URL_RE: re.Pattern[str]
    ARTICLE_URL_RE: re.Pattern[str]
    PAGE_SKINS: Mapping[str, Selectors]
    ARTICLE_SKINS: Mapping[str, Selectors]

    def page_kind(self, url: str) -> PageKind | None: ...

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None: ...


@dataclass
class FounderEvidence:
    """The lines (one per hit) and the skin they point to (a page skin for pages, an article skin for articles)."""

    lines: list[str] = field(default_factory=list)
    skin: str | None = None


def _path_kind(family: FounderFamily, href: str, base: str) -> str | None:
    """'page' or 'article' when a link's path fits the family's grammar (the host is not checked: the page may
    be saved under another URL)."""
    path = split_url(join_url(base, href.strip())).path
    if family.ARTICLE_URL_RE.search(path):
        return "article"
    if family.PAGE_URL_RE.search(path):
        return "page"
    return None


def _hits(root: Any, selectors: Sequence[str]) -> tuple[str, list[Any]]:
    """The first selector that matches anything, with its elements."""
    for sel in selectors:
        found = select(root, (sel,))
        if found:
            return sel, found
    return "", []


def _page_skin(family: FounderFamily, doc: Document) -> tuple[str, str, int, int] | None:
    """(skin, selector, page links, article links) of the page skin whose page list holds most links of the
    family's page grammar; None when no skin's page list does."""
    best: tuple[str, str, int, int] | None = None
    # Under a URL of the family's grammar a page link must resolve to a page URL of it; under another URL
    # (a page saved from the site's root) relative links resolve elsewhere, and the selector alone speaks.
    known_url = family.page_kind(doc.url) is not None

    def is_page_link(a: Any) -> bool:
        href = (a.get("href") or "").strip()
        if known_url:
            return _path_kind(family, href, doc.url) == "page"
        return bool(href) and not href.lower().endswith(".pdf")

    for name, roles in family.PAGE_SKINS.items():
        sel, anchors = _hits(doc.root, roles.get("page_links", ()))
        pages = sum(1 for a in anchors if is_page_link(a))
        if not pages:
            continue
        _asel, articles = _hits(doc.root, roles.get("article_links", ()))
        arts = sum(1 for a in articles if _path_kind(family, a.get("href") or "", doc.url) == "article")
        if best is None or (pages * 10 + arts) > (best[2] * 10 + best[3]):
            best = (name, sel, pages, arts)
    return best


def _article_skin(family: FounderFamily, doc: Document) -> tuple[str, str] | None:
    """(skin, selector) of the first article skin whose own title selector finds a title."""
    for name, roles in family.ARTICLE_SKINS.items():
        for sel in roles.get("title", ()):
            if first_text(doc.root, (sel,)):
                return name, sel
    return None


def _redirect_target(family: FounderFamily, body: bytes, url: str) -> str | None:
    try:
        return family.parse_entry(body, url)
    except ParseError:
        return None


def founder_evidence(family: FounderFamily, body: bytes, url: str) -> FounderEvidence:
    """Every hit that marks (body, url) as a page, article or index page of `family`."""
    found = FounderEvidence()
    kind = family.page_kind(url)
    if kind:
        found.lines.append(f"URL has the {kind} shape of {family.key}")
    try:
        doc = Document.load(body, url, None)
    except ParseError:
        return found  # not HTML: only the URL can speak
    page = _page_skin(family, doc)
    if page:
        name, sel, pages, arts = page
        found.skin = name
        found.lines.append(f"page list of skin {name}: {pages} page links ({sel})")
        if arts:
            found.lines.append(f"article list of skin {name}: {arts} article links")
    areas = [
        a for a in doc.root.xpath("//map//area") if _path_kind(family, a.get("href") or "", url) == "article"
    ]
    if areas:
        found.lines.append(f"hotspot map: {len(areas)} areas link {family.key} article URLs")
    if not page:
        article = _article_skin(family, doc)
        if article:
            found.skin = article[0]
            found.lines.append(f"article title of skin {article[0]} ({article[1]})")
    found.lines.extend(_founder_markup(doc))
    links = [_path_kind(family, a.get("href") or "", url) for a in doc.root.iter("a")]
    n_pages, n_articles = links.count("page"), links.count("article")
    if n_pages + n_articles >= 2:
        found.lines.append(f"links in {family.key}'s URL grammar: {n_pages} page, {n_articles} article")
    if kind == "entry" or not (page or found.skin):
        target = _redirect_target(family, body, url)
        if target and family.page_kind(target) == "page":
            found.lines.append(f"redirects to {target}, a {family.key} page URL")
    return found


def _founder_markup(doc: Document) -> list[str]:
    """Markup every Founder family shares (it says "Founder", not which one)."""
    lines: list[str] = []
    content = sum(1 for _ in doc.root.iter("founder-content"))
    if content:
        lines.append(f"<founder-content>: {content} element{'s' if content > 1 else ''}")
    if doc.root.xpath("//div[@id='ozoom']"):
        lines.append("div#ozoom (article body)")
    lower = doc.text.lower()
    if "<!--enpcontent" in lower.replace(" ", ""):
        lines.append("<!--enpcontent--> body markers")
    if doc.metadata:
        keys = ", ".join(sorted(doc.metadata)[:3])
        lines.append(f"enpproperty trailer ({keys}{', …' if len(doc.metadata) > 3 else ''})")
    return lines
