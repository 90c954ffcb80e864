"""Which layout family a payload belongs to, judged from its content as well as its URL.

Every family says what in a payload marks it as its own (`Family.evidence`, one line per hit); a family whose
parser also reads the payload gets a bonus, so a page is claimed by the family that can actually parse it and not
merely by the one whose URL grammar fits. A family whose URL grammar knows the URL *and* whose parser reads
the payload as that kind outranks every family that only reads the markup: article markup is alike across
platforms (a 人民日报 article parses as a Founder one), the URL grammar is not. `detect` ranks the families it is
given (FAMILIES); `choose_family` is what `epaper parse` uses when the URL alone is ambiguous or unknown. What is no page of any family is said by nonpage.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.families.contract import Family, NeedsDocuments, PageKind, ParseError

PARSED_BONUS = 3  # the family's own parser reads the payload: worth more than any single selector hit
MATCH_SCORE = 3  # below this a family is a candidate, not a match (a URL shape alone scores 1)


@dataclass(frozen=True)
class Match:
    """One family's claim on a payload: how strong, on which evidence, and what its parser made of it."""

    family: str
    skin: str | None
    kind: PageKind | None  # page, article or entry: by the URL grammar, else by what the parser accepted
    score: int
    evidence: tuple[str, ...]
    parsed: str  # what the parser read ("page: 8 pages, 12 articles") or why it refused
    url_fits: bool = False  # the family's URL grammar knows the URL and its parser read the payload as that kind

    @property
    def is_match(self) -> bool:
        return self.score >= MATCH_SCORE

    @property
    def rank(self) -> tuple[bool, int]:
        return self.url_fits, self.score

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "skin": self.skin,
            "kind": self.kind,
            "score": self.score,
            "evidence": list(self.evidence),
            "parsed": self.parsed,
        }


def _parse_as(
    family: Family, kind: PageKind, body: bytes, url: str, documents: Mapping[str, bytes] | None = None
) -> str:
    """What the family's parser reads as `kind`; ParseError when it refuses."""
    options = {"documents": dict(documents)} if documents else None
    if kind == "entry":
        target = family.parse_entry(body, url)
        if target is None or family.page_kind(target) != "page":
            raise ParseError("no redirect to a page of the family")
        return f"entry: redirects to {target}"
    if kind == "article":
        record = family.parse_article(body, url, None, None, options)
        return f"article: {record.title!r}, {len(record.paragraphs)} paragraphs"
    page = family.parse_page(body, url, None, None, options)
    return f"page {page.number}: {len(page.pages)} pages, {len(page.articles)} articles"


def _try_parse(
    family: Family, body: bytes, url: str, documents: Mapping[str, bytes] | None = None
) -> tuple[PageKind | None, str, bool]:
    """(kind, what the parser said, accepted): the URL's kind, else page then article then entry."""
    url_kind = family.page_kind(url)
    kinds: tuple[PageKind, ...] = (url_kind,) if url_kind else ("page", "article", "entry")
    refusal = ""
    for kind in kinds:
        try:
            return kind, _parse_as(family, kind, body, url, documents), True
        except NeedsDocuments as needs:
            return kind, f"{kind}: needs {len(needs.urls)} companion document(s) ({needs.reason})", True
        except ParseError as exc:
            refusal = refusal or f"{kind} parser refuses it: {exc.reason}"
        except Exception as exc:  # a parser bug must not hide the other families' verdicts
            refusal = refusal or f"{kind} parser failed: {type(exc).__name__}: {exc}"
    return url_kind, refusal, False


def family_match(
    family: Family, body: bytes, url: str, documents: Mapping[str, bytes] | None = None
) -> Match | None:
    """The family's claim on the payload, None when it sees nothing of its own in it."""
    lines = family.evidence(body, url)
    if not lines:
        return None
    kind, parsed, accepted = _try_parse(family, body, url, documents)
    return Match(
        family=family.key,
        skin=family.skin_of(body, url),
        kind=kind,
        score=len(lines) + (PARSED_BONUS if accepted else 0),
        evidence=tuple(lines),
        parsed=parsed,
        url_fits=accepted and family.page_kind(url) is not None,
    )


def detect(
    body: bytes, url: str, families: Mapping[str, Family], documents: Mapping[str, bytes] | None = None
) -> list[Match]:
    """Every family that sees evidence in (body, url), strongest first (ties by family key); `documents` are
    the companion documents the payload names (`epaper probe --document`), read by the parsers that need them."""
    found = [m for m in (family_match(f, body, url, documents) for f in families.values()) if m is not None]
    return sorted(found, key=lambda m: (not m.url_fits, -m.score, m.family))


def choose_family(body: bytes, url: str, families: Mapping[str, Family]) -> Match:
    """The one family the content names; ParseError when none does, or when two tie at the top."""
    matches = [m for m in detect(body, url, families) if m.is_match]
    if not matches:
        from crawler.families.nonpage import diagnose

        seen = diagnose(body, url)
        what = f": {seen.reason}, {seen.detail}" if seen else ""
        raise ParseError(f"no layout family recognises this payload{what}; pass --family")
    if len(matches) > 1 and matches[1].rank == matches[0].rank:
        raise ParseError(
            f"the content fits {matches[0].family} and {matches[1].family} equally (score {matches[0].score}); "
            "pass --family"
        )
    return matches[0]
