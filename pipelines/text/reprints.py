"""Reprinted stories: the same story printed in full on two pages of one edition under two CMS ids.

Pad editions (and 人民日报's own template) print a front-page story again in full on an inner page, with its own
article URL. Stored as two stories it would be counted twice in every study; it is one story with two placements.
Two pieces are the same story when their normalised texts are near-identical:

- normalised: continuation markers (`（下转第2版）`, `(上接第一版)`), whitespace and punctuation removed, so that
  the jump markers and line breaks a reprint adds or loses do not count;
- near-identical: the Jaccard similarity of their character 5-gram sets is at least REPRINT_THRESHOLD (0.9),
  and both have at least MIN_CHARS (80) normalised characters, so that short furniture (图片报道, 一句话新闻)
  never matches by accident. A continuation's tail shares only a part of the text and stays far below;
- or contained: at least REPRINT_THRESHOLD of the shorter piece's 5-grams are in the longer one (人民日报 prints
  the start of a story on page 1 with 下转 and the whole story again on the inner page); the whole one is kept.

The store runs this before it links 下转/上接 pieces, so that such a pair is never joined into a doubled body.

Pure functions of plain values: the store calls them when it closes the books on an edition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

REPRINT_THRESHOLD = 0.9
MIN_CHARS = 80
SHINGLE = 5
SAMPLE = 16  # evenly spaced 5-grams of a piece: a pair that shares fewer than half of them is not compared

_MARKER = re.compile(r"[（(]\s*[上下]\s*[接转][^）)]{0,12}[）)]")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Piece:
    """One stored story of an edition: its row key, its page and its own body text."""

    key: int
    page: int | None  # the page row the piece is printed on
    body: str


def normalise(text: str) -> str:
    """The text without continuation markers, whitespace and punctuation."""
    return _NOISE.sub("", _MARKER.sub("", text or ""))


def shingles(text: str) -> frozenset[str]:
    return frozenset(text[i : i + SHINGLE] for i in range(max(len(text) - SHINGLE + 1, 1)))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character 5-gram sets of two normalised texts (0..1)."""
    return _jaccard(shingles(a), shingles(b))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _sample(text: str) -> list[str]:
    """SAMPLE evenly spaced 5-grams of a normalised text (deterministic, unlike a hash sketch)."""
    last = max(len(text) - SHINGLE, 0)
    return [text[i : i + SHINGLE] for i in sorted({last * k // (SAMPLE - 1) for k in range(SAMPLE)})]


def containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of `part`'s 5-grams that are also in `whole` (0..1)."""
    return len(part & whole) / len(part) if part else 0.0


def find_reprints(pieces: Sequence[Piece]) -> list[tuple[int, int]]:
    """(kept, reprint) pairs of pieces on different pages that print the same story.

    Near-identical texts (Jaccard >= REPRINT_THRESHOLD): the first in the given reading order is kept. A piece
    whose text is contained in a longer one (containment >= REPRINT_THRESHOLD: a front-page start whose inner
    page prints the whole story again): the longer, whole one is kept. A piece is matched at most once, and a
    reprint is never kept for another pair."""
    texts = [(p, normalise(p.body)) for p in pieces]
    texts = [(p, t) for p, t in texts if len(t) >= MIN_CHARS]
    by_key = {p.key: t for p, t in texts}
    lengths = {p.key: len(t) for p, t in texts}
    samples = {p.key: _sample(t) for p, t in texts}
    sets: dict[int, frozenset[str]] = {}  # 5-gram sets, made only for the pairs that pass the sample test

    def shingles_of(key: int) -> frozenset[str]:
        found = sets.get(key)
        if found is None:
            found = sets[key] = shingles(by_key[key])
        return found

    pairs: list[tuple[int, int]] = []
    dropped: set[int] = set()
    kept: set[int] = set()
    for i, (first, _) in enumerate(texts):
        for later, _ in texts[i + 1 :]:
            if first.key in dropped:
                break
            if later.key in dropped or later.page == first.page:
                continue
            # near-identical or contained texts share most of the shorter one's samples; most pairs stop here.
            # A sample (SHINGLE characters of a text of at least MIN_CHARS) is one of the longer text's 5-grams
            # exactly when it occurs in that text.
            if lengths[first.key] <= lengths[later.key]:
                shorter, longer = first.key, by_key[later.key]
            else:
                shorter, longer = later.key, by_key[first.key]
            if sum(g in longer for g in samples[shorter]) * 2 < len(samples[shorter]):
                continue
            a, b = shingles_of(first.key), shingles_of(later.key)
            if _jaccard(a, b) >= REPRINT_THRESHOLD:
                pair = (first.key, later.key)
            elif lengths[first.key] < lengths[later.key] and containment(a, b) >= REPRINT_THRESHOLD:
                pair = (later.key, first.key)
            elif lengths[later.key] < lengths[first.key] and containment(b, a) >= REPRINT_THRESHOLD:
                pair = (first.key, later.key)
            else:
                continue
            if pair[1] in kept:
                continue
            pairs.append(pair)
            kept.add(pair[0])
            dropped.add(pair[1])
    return pairs
