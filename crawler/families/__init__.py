"""Layout families: pure parsers from payload bytes to schema records, chosen by key or by URL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from crawler.families.articel.family import PageArticel
from crawler.families.catalogue.family import LayoutCatalogue
from crawler.families.contract import Family, PageKind, ParseError
from crawler.families.detect import choose_family
from crawler.families.founder.classic import FounderClassic
from crawler.families.founder.common import FounderFamily
from crawler.families.founder.pc import FounderPC
from crawler.families.indexhtm.family import IndexHtm
from crawler.families.jsdata.family import JsData
from crawler.families.pdfonly.family import PdfOnly
from crawler.families.people.nbs import PeopleNbs
from crawler.families.plist.family import Plist
from crawler.families.shtml.family import Shtml
from schema.records import ArticleRecord

FAMILIES: dict[str, Family] = {
    f.key: f
    for f in (
        FounderPC(),
        FounderClassic(),
        PeopleNbs(),
        LayoutCatalogue(),
        IndexHtm(),
        Shtml(),
        PageArticel(),
        Plist(),
        JsData(),
        PdfOnly(),
    )
}

__all__ = [
    "FAMILIES",
    "Family",
    "FounderFamily",
    "ParseError",
    "family_for",
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


def family_for(body: bytes, url: str, family_key: str | None = None) -> tuple[Family, PageKind | None, str | None]:
    """The family and kind to parse a payload with, and why when the content decided.

    `--family` wins. When exactly one family's URL grammar knows the URL, that family. When several do (two
    families share a URL shape: layout-catalogue's `YYYY-MM/DD/node_N.htm` is founder-classic's) or none does,
    the content decides (detect.choose_family among those that know the URL, else among all), and the note says
    which family and on what evidence. A tie among URL-sharing families falls back to the URL's own family."""
    if family_key:
        family = get_family(family_key)
        return family, family.page_kind(url), None
    knowing = {k: f for k, f in FAMILIES.items() if f.page_kind(url) is not None}
    if len(knowing) == 1:
        (only,) = knowing.values()
        return only, only.page_kind(url), None
    try:
        match = choose_family(body, url, knowing or FAMILIES)
    except ParseError:
        by_url = infer_family(url)
        if by_url is None:
            raise
        return by_url, by_url.page_kind(url), None
    why = f"the URL fits {' and '.join(knowing)}" if knowing else "the URL fits no family's grammar"
    chosen = FAMILIES[match.family]
    kind = chosen.page_kind(url) or match.kind
    note = (
        f"{match.family} chosen from the content ({why}): {kind or 'kind unknown'}, score {match.score}; "
        + "; ".join(match.evidence[:4])
    )
    return chosen, kind, note


def infer_family_of(body: bytes, url: str) -> Family | None:
    """The family of a saved payload (family_for without `--family`), None when neither URL nor content tells."""
    try:
        return family_for(body, url)[0]
    except ParseError:
        return None


def parse_body(
    body: bytes,
    url: str,
    family_key: str | None = None,
    edition_date: dt.date | None = None,
    headers: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    kind: PageKind | None = None,
) -> dict[str, Any]:
    """Parse a payload as page or article (decided by the URL, or `kind`) and return the record's JSON shape."""
    family = get_family(family_key) if family_key else infer_family_of(body, url)
    if family is None:
        raise ParseError(f"cannot tell the layout family of {url}; pass --family")
    kind = kind or family.page_kind(url)
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
    kind: PageKind | None = None,
    options: dict[str, Any] | None = None,
) -> ArticleRecord:
    """The ArticleRecord of a saved article page (`epaper parse --text`); ParseError for any other URL."""
    body = Path(path).read_bytes()
    family = get_family(family_key) if family_key else infer_family_of(body, url)
    if family is None:
        raise ParseError(f"cannot tell the layout family of {url}; pass --family")
    if (kind or family.page_kind(url)) != "article":
        raise ParseError(f"--text needs an article URL; {url} is not one of {family.key}'s article URLs")
    return family.parse_article(body, url, edition_date, None, options)


def parse_file(
    path: str | Path,
    url: str,
    family_key: str | None = None,
    edition_date: dt.date | None = None,
    kind: PageKind | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`epaper parse FILE --url URL [--family KEY] [--document URL=FILE]`: the record of a saved payload as a
    JSON-ready dict; `options["documents"]` carries the companion documents (NeedsDocuments without them)."""
    return parse_body(Path(path).read_bytes(), url, family_key, edition_date, options=options, kind=kind)
