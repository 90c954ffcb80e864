"""Validate the third held-out text corpus (tests/text/corpus_holdout3) with the main corpus's own checks.

Why: this set is the final blind measurement of the text heuristics (its author saw neither the rules nor
the other corpora's cases), so it must obey exactly the same format and annotation checks as tests/text/corpus.
The per-case checks of test_corpus_format are reused unchanged; they expect ids pNNN/aNNN, so each case
(qNNN/rNNN) is checked under the matching relabelled id. The minimums below are the brief's: at least 12
pages holding 45 articles, 24 article cases, about a quarter traditional script, and every convention the
set is meant to cover present at least a few times.

Run `python -m tests.text.test_holdout3_format` (from the repository root) to print the counts used in
corpus_holdout3/README.md.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.text import test_corpus_format as base

HOLDOUT3 = Path(os.environ.get("HOLDOUT3_DIR") or Path(__file__).parent / "corpus_holdout3")
PAGE_DIR, ARTICLE_DIR = HOLDOUT3 / "pages", HOLDOUT3 / "articles"
MIN_PAGES, MIN_PAGE_ARTICLES, MIN_ARTICLE_CASES = 12, 45, 24
HANT_SHARE = (0.2, 0.35)
# Conventions the brief asks to cover, each with the least number of occurrences the set must hold.
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
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


PAGES = _load(PAGE_DIR) if PAGE_DIR.is_dir() else []
ARTICLES = _load(ARTICLE_DIR) if ARTICLE_DIR.is_dir() else []


def _relabel(case: dict, prefix: str) -> tuple[str, dict]:
    new_id = prefix + case["id"][1:]
    return f"{new_id}.json", {**case, "id": new_id}


def test_holdout3_present() -> None:
    assert PAGES and ARTICLES, "third held-out corpus folders are empty"


@pytest.mark.parametrize("name,case", PAGES, ids=[n for n, _ in PAGES])
def test_holdout3_page_case(name: str, case: dict) -> None:
    assert name == f"{case['id']}.json" and re.match(r"^q\d{3}$", case["id"]), name
    base.test_page_case(*_relabel(case, "p"))


@pytest.mark.parametrize("name,case", ARTICLES, ids=[n for n, _ in ARTICLES])
def test_holdout3_article_case(name: str, case: dict) -> None:
    assert name == f"{case['id']}.json" and re.match(r"^r\d{3}$", case["id"]), name
    base.test_article_case(*_relabel(case, "a"))


def test_reused_checks_reject_a_mistyped_case() -> None:
    """The relabelled checks must still fail on a case with a one-character slip or an invented name."""
    _, case = PAGES[0]
    first = case["expected"][0]
    bad_paragraph = first["paragraphs"][0][:-2] + "囧" + first["paragraphs"][0][-1:]
    bad = {**case, "expected": [{**first, "paragraphs": [bad_paragraph, *first["paragraphs"][1:]]}]}
    with pytest.raises(AssertionError):
        base.test_page_case(*_relabel(bad, "p"))
    _, art_case = ARTICLES[0]
    bad_exp = {
        **art_case["expected"],
        "bylines": [{"name": "无此人", "role": "记者", "organisation": "本报"}],
    }
    with pytest.raises(AssertionError):
        base.test_article_case(*_relabel({**art_case, "expected": bad_exp}, "a"))


def test_holdout3_ids_sequential() -> None:
    for items, prefix in ((PAGES, "q"), (ARTICLES, "r")):
        ids = [c["id"] for _, c in items]
        assert ids == [f"{prefix}{i:03d}" for i in range(1, len(ids) + 1)], ids


def holdout3_stats() -> dict[str, object]:
    """Counts for the README table (also used to enforce the minimums)."""
    page_articles = [(c, a) for _, c in PAGES for a in c["expected"]]
    every = [(c, a, "page") for c, a in page_articles] + [(c, c["expected"], "article") for _, c in ARTICLES]
    cov: Counter[str] = Counter()
    for case, a, kind in every:
        cov[f"{'page articles' if kind == 'page' else 'article cases'} {case['region']}"] += 1
        cov["hant articles"] += case["script"] == "hant"
        cov["section label"] += bool(a.get("section"))
        cov["kicker"] += bool(a["kicker"])
        cov["subtitle"] += bool(a["subtitle"])
        cov["title null"] += a["title"] is None
        cov["crosshead"] += len(a["crossheads"])
        cov["crosshead with comma"] += sum("，" in c for c in a["crossheads"])
        cov["dateline"] += a["dateline"] is not None
        cov["byline person"] += sum(b["name"] is not None for b in a["bylines"])
        cov["byline role only (评论员)"] += sum(b["name"] is None for b in a["bylines"])
        cov["byline with work"] += sum("work" in b for b in a["bylines"])
        for b in a["bylines"]:
            cov[f"byline role {b['role']}"] += 1
        cov["caption"] += len(a["captions"])
        cov["caption without credit"] += sum(c["credit"] is None for c in a["captions"])
        cov["gap"] += len(a.get("gaps", []))
        if kind == "article":
            cov["editor credit"] += len(a["editors"])
            cov["continuation (article cases)"] += len(a["continuations"])
            cov["column-break joins (article cases)"] += a["joins"]
            raw = "".join(case["input"]["paragraphs"])
            cov["article input with NBSP/zero-width"] += any(ch in raw for ch in base.NOISE + "\u00a0")
            cov["article input with full-width alnum"] += bool(base.FULLWIDTH_ALNUM.search(raw))
    for _, c in PAGES:
        blocks = base.page_blocks(c["text"])
        cov["page paragraphs rejoined across blocks"] += sum(
            not any(p in b for b in blocks) for a in c["expected"] for p in a["paragraphs"]
        )
        cov["page continuation markers"] += len(base.MARKER.findall(c["text"]))
        cov["page with isolated captions (4 newlines)"] += "\n\n\n\n" in c["text"]
    n = len(page_articles) + len(ARTICLES)
    return {
        "pages": len(PAGES),
        "page articles": len(page_articles),
        "article cases": len(ARTICLES),
        "articles": n,
        "hant share": round(cov["hant articles"] / max(n, 1), 3),
        "coverage": dict(sorted(cov.items())),
    }


def test_holdout3_totals_meet_minimums() -> None:
    s = holdout3_stats()
    assert s["pages"] >= MIN_PAGES, s
    assert s["page articles"] >= MIN_PAGE_ARTICLES, s
    assert s["article cases"] >= MIN_ARTICLE_CASES, s
    assert HANT_SHARE[0] <= s["hant share"] <= HANT_SHARE[1], s


def test_holdout3_covers_the_conventions() -> None:
    cov = holdout3_stats()["coverage"]
    short = {k: (cov.get(k, 0), n) for k, n in MIN_COVERAGE.items() if cov.get(k, 0) < n}
    assert not short, f"too few cases (have, need): {short}"


def test_readme_counts_are_current() -> None:
    """The README's counts table must be the one this script computes from the files."""
    readme = (HOLDOUT3 / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, (
        "run `python -m tests.text.test_holdout3_format --markdown` and update README"
    )


def markdown_table() -> str:
    """The README counts table, computed from the files (run with --markdown)."""
    s = holdout3_stats()
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
    if "--markdown" in sys.argv:
        print(markdown_table())
    else:
        json.dump(holdout3_stats(), sys.stdout, ensure_ascii=False, indent=1)
        print()
