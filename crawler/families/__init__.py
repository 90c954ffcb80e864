"""Layout families: pure parsers from payload bytes to schema records, chosen by key or by URL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from crawler.families.catalogue.family import LayoutCatalogue
from crawler.families.contract import Family, ParseError
from crawler.families.founder.classic import FounderClassic
from crawler.families.founder.common import FounderFamily
from crawler.families.founder.pc import FounderPC
from crawler.families.indexhtm.family import IndexHtm
from crawler.families.shtml.family import Shtml
from schema.records import ArticleRecord

FAMILIES: dict[str, Family] = {f.key: f for f in (FounderPC(), FounderClassic(), LayoutCatalogue(), IndexHtm(), Shtml())}

__all__ = [
    "FAMILIES",
    "Family",
    "FounderFamily",
    "ParseError",
    "get_family",
    "infer_family",
    "infer_family_of",
    "parse_article_file",
    "parse_file",
]


def get_family(key: str) -> Family:
    try:
        return FAMILIES[key]
    except KeyError:
        raise KeyError(f"unknown layout family {key!r}; known: {', '.join(sorted(FAMILIES))}") from None


def infer_family(url: str) -> Family | None:
    """The family whose URL grammar knows this URL (page, article or entry), if exactly one does."""
    hits = [f for f in FAMILIES.values() if f.matches_url(url)]
    return hits[0] if len(hits) == 1 else None


def infer_family_of(body: bytes, url: str) -> Family | None:
    """The family of a saved payload: among the families whose URL grammar knows the URL, the one with the most
    markup hits in evidence() when one leads; otherwise the URL's family (infer_family).

    Needed where two families share a URL shape (layout-catalogue's `YYYY-MM/DD/node_N.htm` is founder-classic's):
    the URL alone names one of them, the markup tells which."""
    known = [f for f in FAMILIES.values() if f.page_kind(url) is not None]
    if len(known) > 1:
        scores = {f.key: len([h for h in f.evidence(body, url) if not h.startswith("URL ")]) for f in known}
        top = max(scores.values())
        leaders = [f for f in known if scores[f.key] == top]
        if top > 0 and len(leaders) == 1:
            return leaders[0]
    return infer_family(url)


def parse_body(
    body: bytes,
    url: str,
    family_key: str | None = None,
    edition_date: dt.date | None = None,
    headers: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Parse a payload as page or article (decided by the URL) and return the record's JSON shape."""
    family = get_family(family_key) if family_key else infer_family_of(body, url)
    if family is None:
        raise ParseError(f"cannot tell the layout family of {url}; pass --family")
    kind = family.page_kind(url)
    if kind == "article":
        return family.parse_article(body, url, edition_date, headers, options).to_json()
    if kind == "entry":
        target = family.parse_entry(body, url, headers)
        if target is not None:
            return {
                "kind": "entry",
                "url": url,
                "target": target,
                "parser_version": family.parser_version(None),
            }
    return family.parse_page(body, url, edition_date, headers, options).to_json()


def parse_article_file(
    path: str | Path,
    url: str,
    family_key: str | None = None,
    edition_date: dt.date | None = None,
) -> ArticleRecord:
    """The ArticleRecord of a saved article page (`epaper parse --text`); ParseError for any other URL."""
    body = Path(path).read_bytes()
    family = get_family(family_key) if family_key else infer_family_of(body, url)
    if family is None:
        raise ParseError(f"cannot tell the layout family of {url}; pass --family")
    if family.page_kind(url) != "article":
        raise ParseError(f"--text needs an article URL; {url} is not one of {family.key}'s article URLs")
    return family.parse_article(body, url, edition_date)


def parse_file(
    path: str | Path,
    url: str,
    family_key: str | None = None,
    edition_date: dt.date | None = None,
) -> dict[str, Any]:
    """`epaper parse FILE --url URL [--family KEY]`: the record of a saved payload as JSON-ready dict."""
    return parse_body(Path(path).read_bytes(), url, family_key, edition_date)
