"""Validate the blind held-out text corpora (tests/text/corpus_holdout, corpus_holdout2, corpus_holdout3) with the
main corpus's own checks.

Why: these sets measure how the text heuristics do on text their rules never saw (each author saw neither the
rules nor the other corpora's cases), so they must obey exactly the same format and annotation checks as
tests/text/corpus. The main corpus's checks are reused unchanged: each case is checked under its id relabelled to
the pNNN/aNNN form those checks expect. The minimums are the briefs': at least 12 page cases holding at least 45
articles, at least 24 article cases, a traditional-script share of a quarter or so, and least counts per
convention (MIN_COVERAGE); the first set was asked for a little less (10 / 40 / 20, no per-convention counts).

`python -m tests.text.test_blind_set_format holdout3 --markdown` prints the counts table of a set's README.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.text import test_corpus_format as base

HERE = Path(__file__).parent
# Conventions the briefs ask to cover, each with the least number of occurrences a set must hold.
MIN_COVERAGE = {
    "section label": 8,
    "kicker": 3,
    "subtitle": 2,
    "title null": 5,
    "crosshead": 8,
    "dateline": 20,
    "byline role only (评论员)": 1,
    "byline with work": 3,
    "byline role 摄影": 2,
    "byline role 通讯员": 6,
    "byline role 实习生": 2,
    "caption": 20,
    "caption without credit": 3,
    "gap": 2,
    "editor credit": 5,
    "continuation (article cases)": 3,
    "column-break joins (article cases)": 10,
    "page paragraphs rejoined across blocks": 8,
    "page continuation markers": 2,
    "article input with NBSP/zero-width": 3,
    "article input with full-width alnum": 3,
}


def _load(folder: Path) -> list[tuple[str, dict]]:
    if not folder.is_dir():
        return []
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


@dataclass(frozen=True)
class BlindSet:
    """One held-out corpus: its folder and the id prefixes its author used for page and article cases."""

    name: str
    folder: Path
    page_prefix: str
    article_prefix: str
    minimums: tuple[int, int, int] = (12, 45, 24)  # page cases, articles in them, article cases
    hant_share: tuple[float, float] = (0.2, 0.35)
    min_coverage: tuple[tuple[str, int], ...] = tuple(MIN_COVERAGE.items())
    readme_table: bool = True  # its README carries the counts table of markdown_table()

    @property
    def pages(self) -> list[tuple[str, dict]]:
        return _load(self.folder / "pages")

    @property
    def articles(self) -> list[tuple[str, dict]]:
        return _load(self.folder / "articles")


SETS = {
    "holdout": BlindSet("holdout", HERE / "corpus_holdout", "h", "g", minimums=(10, 40, 20),
                        hant_share=(0.18, 0.38), min_coverage=(), readme_table=False),
    "holdout2": BlindSet("holdout2", HERE / "corpus_holdout2", "k", "m"),
    # HOLDOUT3_DIR: validate a staging copy before it is published into the tree
    "holdout3": BlindSet("holdout3", Path(os.environ.get("HOLDOUT3_DIR") or HERE / "corpus_holdout3"), "q", "r"),
}
CASES = [
    pytest.param(s, kind, name, case, id=f"{s.name}-{name}")
    for s in SETS.values()
    for kind, items in (("page", s.pages), ("article", s.articles))
    for name, case in items
]


def _relabel(case: dict, prefix: str) -> tuple[str, dict]:
    new_id = prefix + case["id"][1:]
    return f"{new_id}.json", {**case, "id": new_id}


@pytest.fixture(params=list(SETS.values()), ids=list(SETS))
def blind(request: pytest.FixtureRequest) -> BlindSet:
    return request.param


def test_set_present(blind: BlindSet) -> None:
    assert blind.pages and blind.articles, f"{blind.folder} is empty"


@pytest.mark.parametrize("blind_set,kind,name,case", CASES)
def test_case(blind_set: BlindSet, kind: str, name: str, case: dict) -> None:
    prefix = blind_set.page_prefix if kind == "page" else blind_set.article_prefix
    assert name == f"{case['id']}.json" and re.match(rf"^{prefix}\d{{3}}$", case["id"]), name
    if kind == "page":
        base.test_page_case(*_relabel(case, "p"))
    else:
        base.test_article_case(*_relabel(case, "a"))


def test_reused_checks_reject_a_mistyped_case(blind: BlindSet) -> None:
    """The relabelled checks must still fail on a case with a one-character slip or an invented name."""
    _, case = blind.pages[0]
    first = case["expected"][0]
    bad_paragraph = first["paragraphs"][0][:-2] + "囧" + first["paragraphs"][0][-1:]
    bad = {**case, "expected": [{**first, "paragraphs": [bad_paragraph, *first["paragraphs"][1:]]}]}
    with pytest.raises(AssertionError):
        base.test_page_case(*_relabel(bad, "p"))
    _, art_case = blind.articles[0]
    bad_exp = {
        **art_case["expected"],
        "bylines": [{"name": "无此人", "role": "记者", "organisation": "本报"}],
    }
    with pytest.raises(AssertionError):
        base.test_article_case(*_relabel({**art_case, "expected": bad_exp}, "a"))


def test_ids_sequential(blind: BlindSet) -> None:
    for items, prefix in ((blind.pages, blind.page_prefix), (blind.articles, blind.article_prefix)):
        ids = [c["id"] for _, c in items]
        assert ids == [f"{prefix}{i:03d}" for i in range(1, len(ids) + 1)], ids


def stats(blind: BlindSet) -> dict[str, object]:
    """Counts for the README table (also used to enforce the minimums): the main corpus's own counting."""
    return base.convention_counts(blind.pages, blind.articles)


def test_totals_meet_minimums(blind: BlindSet) -> None:
    s = stats(blind)
    min_pages, min_page_articles, min_article_cases = blind.minimums
    assert s["pages"] >= min_pages, s
    assert s["page articles"] >= min_page_articles, s
    assert s["article cases"] >= min_article_cases, s
    assert blind.hant_share[0] <= s["hant share"] <= blind.hant_share[1], s


@pytest.mark.parametrize("blind", [s for s in SETS.values() if s.min_coverage], ids=lambda s: s.name)
def test_covers_the_conventions(blind: BlindSet) -> None:
    cov = stats(blind)["coverage"]
    short = {k: (cov.get(k, 0), n) for k, n in blind.min_coverage if cov.get(k, 0) < n}
    assert not short, f"too few cases (have, need): {short}"


@pytest.mark.parametrize("blind", [s for s in SETS.values() if s.readme_table], ids=lambda s: s.name)
def test_readme_counts_are_current(blind: BlindSet) -> None:
    """A set's README counts table must be the one computed from its files."""
    readme = (blind.folder / "README.md").read_text(encoding="utf-8")
    assert markdown_table(blind) in readme, (
        f"run `python -m tests.text.test_blind_set_format {blind.name} --markdown` and update its README"
    )


def markdown_table(blind: BlindSet) -> str:
    """The README counts table, computed from the files (run with --markdown)."""
    s = stats(blind)
    cov: dict[str, int] = s["coverage"]  # type: ignore[assignment]
    rows = [
        ("page cases", s["pages"]),
        ("articles in page cases", s["page articles"]),
        ("article cases", s["article cases"]),
        ("articles overall", s["articles"]),
        ("traditional-script articles (share)", f"{cov.get('hant articles', 0)} ({s['hant share']})"),
    ]
    rows += [(k, v) for k, v in cov.items() if k != "hant articles"]
    lines = ["| What | Count |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    chosen = SETS[next((a for a in sys.argv[1:] if a in SETS), "holdout3")]
    if "--markdown" in sys.argv:
        print(markdown_table(chosen))
    else:
        json.dump(stats(chosen), sys.stdout, ensure_ascii=False, indent=1)
        print()
