"""Linking the parts of continued stories (下转第X版 / 上接第X版) within one edition.

A story cut on page 1 with `（下转第2版）` goes on in a piece on page 2 that opens with `（上接第1版）`, often under
the same or a shortened title. The text stages remove the markers and keep them as Continuation records; this
module decides, for a whole edition, which pieces belong together:

1. For a head H on page p that says "to X": candidates are the pieces on page X that say "from p".
   One candidate → linked. Several → the one whose title matches H's (equal after normalising, or one a prefix
   or suffix of the other: jump heads are often shortened). Still several or none → ambiguous.
2. No piece on page X says "from p": a single piece on page X with a matching title and no markers of its own
   is taken (some papers omit 上接). Otherwise the head stays unresolved.
3. A piece claimed by two heads is given to neither: both are ambiguous. Nothing is ever joined on a guess.

Pure functions of plain values: the store calls them when it closes the books on an edition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelines.text.rejoin import glue, should_join
from pipelines.text.sentence import is_terminal
from schema.records import Continuation

_PAGE = re.compile(r"^([A-Z]*)0*(\d+)$")
_TITLE_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Part:
    """One fetched piece of a story: the store's article row (key), its page and its own text."""

    key: int
    page: str  # page number as printed: "01", "A03"
    title: str | None
    markers: tuple[Continuation, ...] = ()

    def to_pages(self) -> list[str]:
        return [m.page for m in self.markers if m.direction == "to"]

    def from_pages(self) -> list[str]:
        return [m.page for m in self.markers if m.direction == "from"]


@dataclass
class Links:
    """The outcome for one edition: chains of part keys (head first), and what could not be decided."""

    chains: list[list[int]] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # human-readable reasons, for the log
    unresolved: list[str] = field(default_factory=list)


def page_key(label: str) -> tuple[str, int] | None:
    """'01' → ('', 1), 'A03' → ('A', 3), '2' → ('', 2); None for labels that are not page numbers."""
    match = _PAGE.match(label.strip().upper())
    return (match.group(1), int(match.group(2))) if match else None


def same_page(printed: str, reference: str, labels: Sequence[str]) -> bool:
    """Does a marker's page reference ('2', 'A3') name the page printed as `printed` ('02', 'A03')?

    An exact match of prefix and number wins; a bare number ('2' in an edition of A/B sections) names a page
    only when exactly one page of the edition carries that number.
    """
    p, r = page_key(printed), page_key(reference)
    if p is None or r is None:
        return printed.strip().upper() == reference.strip().upper()
    if p == r:
        return True
    if r[0] == "" and p[1] == r[1]:
        same_number = [lab for lab in labels if (k := page_key(lab)) is not None and k[1] == r[1]]
        return len(same_number) == 1
    return False


def normalise_title(title: str | None) -> str:
    return _TITLE_NOISE.sub("", title or "")


def titles_match(a: str | None, b: str | None) -> bool:
    """Equal after normalising, or one a prefix/suffix of the other (a continuation's shortened head)."""
    x, y = normalise_title(a), normalise_title(b)
    if len(x) < 2 or len(y) < 2:
        return False
    return x == y or x.startswith(y) or y.startswith(x) or x.endswith(y) or y.endswith(x)


def link_parts(parts: Sequence[Part]) -> Links:
    """Decide which parts of one edition form continued stories (rules in the module docstring)."""
    links = Links()
    labels = sorted({p.page for p in parts})
    claims: dict[int, list[int]] = {}  # tail key → heads that chose it
    for head in parts:
        for target in head.to_pages():
            on_target = [p for p in parts if p.key != head.key and same_page(p.page, target, labels)]
            answering = [p for p in on_target if any(same_page(head.page, f, labels) for f in p.from_pages())]
            several = len(answering) > 1
            if several:
                answering = [p for p in answering if titles_match(head.title, p.title)]
            if not answering and several:
                links.ambiguous.append(f"part {head.key} (page {head.page}) → page {target}: "
                                       "several continuations, none with a matching title")
                continue
            if not answering:
                unmarked = [p for p in on_target if not p.markers and titles_match(head.title, p.title)]
                if len(unmarked) == 1:
                    answering = unmarked
            if len(answering) == 1:
                claims.setdefault(answering[0].key, []).append(head.key)
            elif answering:
                links.ambiguous.append(
                    f"part {head.key} (page {head.page}) → page {target}: "
                    f"{len(answering)} candidates, no single title match"
                )
            else:
                links.unresolved.append(
                    f"part {head.key} (page {head.page}) → page {target}: no continuation found"
                )
    next_of: dict[int, int] = {}
    for tail, heads in claims.items():
        if len(heads) == 1:
            next_of[heads[0]] = tail
        else:
            links.ambiguous.append(f"part {tail} claimed by parts {sorted(heads)}")
    tails = set(next_of.values())
    for part in parts:
        if part.from_pages() and part.key not in tails:
            links.unresolved.append(
                f"part {part.key} (page {part.page}) continues page(s) "
                f"{', '.join(part.from_pages())}: no head found"
            )
    for first in (p.key for p in parts if p.key in next_of and p.key not in tails):
        chain, seen = [first], {first}
        while chain[-1] in next_of and next_of[chain[-1]] not in seen:
            seen.add(next_of[chain[-1]])
            chain.append(next_of[chain[-1]])
        links.chains.append(chain)
    return links


def join_bodies(bodies: Sequence[str]) -> str:
    """The story's body from its parts' bodies in reading order.

    Parts are usually cut mid-sentence (`…征求意` / `见表，…`). A part that ends without sentence-final
    punctuation before its 下转 marker was cut there, so its last paragraph and the next part's first become one
    paragraph (also when the column-break rule of pipelines.text.rejoin says so for other reasons).
    """
    paragraphs: list[str] = []
    for body in bodies:
        piece = [p for p in (body or "").split("\n") if p.strip()]
        if not piece:
            continue
        if paragraphs and (not is_terminal(paragraphs[-1]) or should_join(paragraphs[-1], piece[0])):
            paragraphs[-1] = glue(paragraphs[-1], piece[0])
            piece = piece[1:]
        paragraphs.extend(piece)
    return "\n".join(paragraphs)
