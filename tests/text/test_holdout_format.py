"""Validate the held-out text corpus (tests/text/corpus_holdout) with the main corpus's own checks.

Why: the held-out set scores the text heuristics on cases their author never tuned on, so it must obey
exactly the same format and annotation checks as tests/text/corpus. The per-case checks of
test_corpus_format are reused unchanged; they expect ids pNNN/aNNN, so each held-out case (hNNN/gNNN)
is checked under the matching relabelled id.

Run `python -m tests.text.test_holdout_format` (from the repository root) to print the counts used in corpus_holdout/README.md.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.text import test_corpus_format as base

HOLDOUT = Path(__file__).parent / "corpus_holdout"
PAGE_DIR, ARTICLE_DIR = HOLDOUT / "pages", HOLDOUT / "articles"
MIN_PAGES, MIN_PAGE_ARTICLES, MIN_ARTICLE_CASES = 10, 40, 20
HANT_SHARE = (0.18, 0.38)


def _load(folder: Path) -> list[tuple[str, dict]]:
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


PAGES = _load(PAGE_DIR) if PAGE_DIR.is_dir() else []
ARTICLES = _load(ARTICLE_DIR) if ARTICLE_DIR.is_dir() else []


def _relabel(name: str, case: dict, prefix: str) -> tuple[str, dict]:
    new_id = prefix + case["id"][1:]
    return f"{new_id}.json", {**case, "id": new_id}


def test_holdout_present() -> None:
    assert PAGES and ARTICLES, "held-out corpus folders are empty"


@pytest.mark.parametrize("name,case", PAGES, ids=[n for n, _ in PAGES])
def test_holdout_page_case(name: str, case: dict) -> None:
    assert name == f"{case['id']}.json" and re.match(r"^h\d{3}$", case["id"]), name
    base.test_page_case(*_relabel(name, case, "p"))


@pytest.mark.parametrize("name,case", ARTICLES, ids=[n for n, _ in ARTICLES])
def test_holdout_article_case(name: str, case: dict) -> None:
    assert name == f"{case['id']}.json" and re.match(r"^g\d{3}$", case["id"]), name
    base.test_article_case(*_relabel(name, case, "a"))


def test_reused_checks_reject_a_mistyped_holdout_case() -> None:
    """The relabelled checks must still fail on a held-out case with a one-character slip."""
    name, case = PAGES[0]
    first = case["expected"][0]
    bad_paragraph = first["paragraphs"][0][:-2] + "囧" + first["paragraphs"][0][-1:]
    bad = {**case, "expected": [{**first, "paragraphs": [bad_paragraph, *first["paragraphs"][1:]]}]}
    with pytest.raises(AssertionError):
        base.test_page_case(*_relabel(name, bad, "p"))
    art_name, art_case = ARTICLES[0]
    bad_exp = {
        **art_case["expected"],
        "bylines": [{"name": "无此人", "role": "记者", "organisation": "本报"}],
    }
    with pytest.raises(AssertionError):
        base.test_article_case(*_relabel(art_name, {**art_case, "expected": bad_exp}, "a"))


def test_holdout_ids_sequential() -> None:
    for items, prefix in ((PAGES, "h"), (ARTICLES, "g")):
        ids = [c["id"] for _, c in items]
        assert ids == [f"{prefix}{i:03d}" for i in range(1, len(ids) + 1)], ids


def holdout_stats() -> dict[str, object]:
    """Counts for the README table (also used to enforce the minimums)."""
    page_articles = [(c, a) for _, c in PAGES for a in c["expected"]]
    every = [(c, a, "page") for c, a in page_articles] + [(c, c["expected"], "article") for _, c in ARTICLES]
    cov: Counter[str] = Counter()
    for case, a, kind in every:
        cov[f"{kind} articles {case['region']}"] += 1
        cov["hant articles"] += case["script"] == "hant"
        cov["section label"] += bool(a.get("section"))
        cov["kicker"] += bool(a["kicker"])
        cov["subtitle"] += bool(a["subtitle"])
        cov["title null"] += a["title"] is None
        cov["crosshead"] += len(a["crossheads"])
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
    for _, c in PAGES:
        blocks = base.page_blocks(c["text"])
        cov["page paragraphs rejoined across blocks"] += sum(
            not any(p in b for b in blocks) for a in c["expected"] for p in a["paragraphs"]
        )
        cov["page continuation markers"] += len(base.MARKER.findall(c["text"]))
    n = len(page_articles) + len(ARTICLES)
    return {
        "pages": len(PAGES),
        "page articles": len(page_articles),
        "article cases": len(ARTICLES),
        "articles": n,
        "hant share": round(cov["hant articles"] / max(n, 1), 3),
        "coverage": dict(sorted(cov.items())),
    }


def test_holdout_totals_meet_minimums() -> None:
    s = holdout_stats()
    assert s["pages"] >= MIN_PAGES, s
    assert s["page articles"] >= MIN_PAGE_ARTICLES, s
    assert s["article cases"] >= MIN_ARTICLE_CASES, s
    assert HANT_SHARE[0] <= s["hant share"] <= HANT_SHARE[1], s


if __name__ == "__main__":
    json.dump(holdout_stats(), sys.stdout, ensure_ascii=False, indent=1)
    print()
