"""Validate the annotated text corpus (tests/text/corpus) against its format.

Why: the text heuristics are scored on this corpus, so a typo in an annotation silently becomes a wrong
"gold" answer. Besides shape and types, every expected paragraph, head, caption and name must be found in
the case's input once line breaks, indents, noise characters and continuation markers are removed.

Run `python tests/text/test_corpus_format.py` to print the coverage table used in corpus/README.md.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
PAGE_DIR, ARTICLE_DIR = CORPUS / "pages", CORPUS / "articles"

MIN_PAGES, MIN_PAGE_ARTICLES, MIN_ARTICLE_CASES, MIN_ARTICLES = 32, 130, 50, 180
HANT_SHARE = (0.18, 0.35)

ARTICLE_KEYS = {
    "section",
    "kicker",
    "title",
    "subtitle",
    "dateline",
    "bylines",
    "crossheads",
    "captions",
    "paragraphs",
    "gaps",
}
ARTICLE_CASE_KEYS = {
    "kicker",
    "title",
    "subtitle",
    "dateline",
    "bylines",
    "editors",
    "crossheads",
    "captions",
    "paragraphs",
    "continuations",
    "joins",
}
INPUT_KEYS = {"kicker", "title", "subtitle", "paragraphs", "images"}
BYLINE_ROLES = {"记者", "全媒体记者", "特约记者", "见习记者", "通讯员", "实习生", "摄影", "评论员", "编译"}
EDITOR_ROLES = {"责任编辑", "编辑", "责编", "校对", "美编", "版式", "主编", "核稿", "译者"}
DATELINE_KEYS = {"text", "organisation", "place", "date"}
SCRIPTS, REGIONS = {"hans", "hant"}, {"mainland", "hk", "tw"}

MARKER = re.compile(
    r"[（(]\s*(?:上接|接上|下转|下轉|转|轉|接)\s*第?\s*[0-9A-Za-z０-９Ａ-Ｚ一二三四五六七八九十百]+\s*[版页頁]\s*[)）]"
    r"|(?:下转|下轉|上接|转|轉|接)第?[0-9A-Z０-９Ａ-Ｚ一二三四五六七八九十]+[版頁]"
)
NOISE = "\u200b\u200c\u200d\ufeff"
FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
CAPTION_START = re.compile(r"^(?:[▲△▼↑]|图为|圖為|上图|下图|左图|右图|上圖|下圖|組圖|组图)")
NAME = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")


def _load(folder: Path) -> list[tuple[str, dict]]:
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


@lru_cache(maxsize=1)
def pages() -> list[tuple[str, dict]]:
    return _load(PAGE_DIR) if PAGE_DIR.is_dir() else []


@lru_cache(maxsize=1)
def articles() -> list[tuple[str, dict]]:
    return _load(ARTICLE_DIR) if ARTICLE_DIR.is_dir() else []


def halfwidth(s: str) -> str:
    return FULLWIDTH_ALNUM.sub(lambda m: chr(ord(m.group()) - 0xFEE0), s)


def normalise_block(s: str) -> str:
    """A printed block as the annotation sees it: no markers, noise, indents or surrounding blanks."""
    s = MARKER.sub("", s)
    for ch in NOISE:
        s = s.replace(ch, "")
    s = s.replace("\u00a0", " ")
    return s.strip(" \u3000\t\n")


def squeeze(s: str) -> str:
    return re.sub(r"[\s\u3000\u00a0" + NOISE + "]", "", s)


def page_blocks(text: str) -> list[str]:
    return [b for b in (normalise_block(x) for x in re.split(r"\n\s*\n", text)) if b]


def assembled(paragraph: str, blocks: list[str]) -> bool:
    """True when the paragraph is one block's substring or a block's tail + whole blocks + a block's head."""

    def rest(r: str, used: frozenset[int]) -> bool:
        for j, b in enumerate(blocks):
            if j in used or not b:
                continue
            if b.startswith(r):
                return True
            if r.startswith(b) and rest(r[len(b) :], used | {j}):
                return True
        return False

    for i, b in enumerate(blocks):
        if paragraph in b:
            return True
        start = 0
        while (k := b.find(paragraph[0], start)) != -1:
            tail = b[k:]
            if paragraph.startswith(tail) and rest(paragraph[len(tail) :], frozenset({i})):
                return True
            start = k + 1
    return False


# --------------------------------------------------------------------------- shape checks


def check_str_or_none(value: object, where: str) -> None:
    assert value is None or (isinstance(value, str) and value.strip() == value and value), where


def check_clean_text(s: str, where: str) -> None:
    assert isinstance(s, str) and s, f"{where}: empty"
    assert s == s.strip(), f"{where}: surrounding whitespace"
    assert "\u3000" not in s[:2], f"{where}: ideographic indent"
    assert not MARKER.search(s), f"{where}: continuation marker left in text"
    assert not any(ch in s for ch in NOISE + "\u00a0\n"), f"{where}: noise characters"


def check_bylines(bylines: list, where: str) -> None:
    assert isinstance(bylines, list), where
    for b in bylines:
        assert set(b) - {"work"} == {"name", "role", "organisation"}, f"{where}: byline keys {sorted(b)}"
        assert b["role"] in BYLINE_ROLES, f"{where}: role {b['role']!r}"
        if b["name"] is None:
            assert b["role"] == "评论员", f"{where}: nameless byline must be a commentator role"
        else:
            assert NAME.match(b["name"]), f"{where}: implausible name {b['name']!r}"
            assert not re.search(r"记者|記者|通讯员|通訊員|摄|攝|报|報", b["name"]), (
                f"{where}: role word in name"
            )
        check_str_or_none(b["organisation"], where)
        assert b.get("work", "文/图") in {"文/图", "图/文", "圖／文", "文／圖", "摄"}, (
            f"{where}: work {b.get('work')!r}"
        )


def check_captions(captions: list, where: str) -> None:
    for c in captions:
        assert set(c) == {"text", "credit"}, where
        check_clean_text(c["text"], where)
        assert len(c["text"]) <= 200, f"{where}: caption too long"
        check_str_or_none(c["credit"], where)
        if c["credit"] is not None:
            credit = c["credit"]
            outer = credit[:1] in "(（" or (credit[-1:] in ")）" and not re.search(r"[(（]", credit[:-1]))
            assert not outer, f"{where}: credit keeps its outer brackets"
        assert c["credit"] is not None or CAPTION_START.match(c["text"]), (
            f"{where}: caption without mark or credit"
        )


def check_dateline(d: object, where: str) -> None:
    if d is None:
        return
    assert isinstance(d, dict) and set(d) == DATELINE_KEYS, where
    check_clean_text(d["text"], where)
    for k in ("organisation", "place", "date"):
        check_str_or_none(d[k], where)


def check_heads(a: dict, where: str) -> None:
    for k in ("section", "kicker", "title", "subtitle"):
        check_str_or_none(a[k], f"{where}.{k}")
    if a["kicker"]:
        assert not a["kicker"].endswith("—"), f"{where}: kicker keeps its dashes"
    if a["subtitle"]:
        assert not a["subtitle"].startswith("—"), f"{where}: subtitle keeps its dashes"
    for c in a["crossheads"]:
        check_clean_text(c, f"{where}.crosshead")
        assert len(c) <= 40, f"{where}: crosshead too long: {c!r}"


def check_page_article(a: dict, where: str) -> None:
    assert set(a) == ARTICLE_KEYS, f"{where}: keys {sorted(a)}"
    check_heads(a, where)
    check_dateline(a["dateline"], where)
    check_bylines(a["bylines"], where)
    check_captions(a["captions"], where)
    for i, p in enumerate(a["paragraphs"]):
        check_clean_text(p, f"{where}.paragraphs[{i}]")
    assert a["paragraphs"] or a["captions"], f"{where}: article with neither paragraphs nor captions"
    for g in a["gaps"]:
        assert set(g) == {"after_paragraph", "reason"}, where
        assert (
            isinstance(g["after_paragraph"], int) and 0 <= g["after_paragraph"] < len(a["paragraphs"]) - 1
        ), where


def found_in(needle: str, haystack_squeezed: str) -> bool:
    return squeeze(needle) in haystack_squeezed


# --------------------------------------------------------------------------- tests


def test_corpus_present() -> None:
    assert pages() and articles(), "corpus folders are empty"


@pytest.mark.parametrize("name,case", pages(), ids=[n for n, _ in pages()])
def test_page_case(name: str, case: dict) -> None:
    assert set(case) == {"id", "script", "region", "description", "text", "expected"}, name
    assert name == f"{case['id']}.json" and re.match(r"^p\d{3}$", case["id"])
    assert case["script"] in SCRIPTS and case["region"] in REGIONS
    assert (case["script"] == "hant") == (case["region"] in {"hk", "tw"})
    assert case["description"].strip()
    assert isinstance(case["text"], str) and "\n\n" in case["text"]
    assert isinstance(case["expected"], list) and case["expected"]
    blocks = page_blocks(case["text"])
    flat = squeeze(normalise_block(case["text"]))
    for n, a in enumerate(case["expected"]):
        where = f"{case['id']}[{n}]"
        check_page_article(a, where)
        for i, p in enumerate(a["paragraphs"]):
            assert assembled(p, blocks), f"{where}.paragraphs[{i}] not in text: {p[:40]!r}"
        for k in ("section", "kicker", "title", "subtitle"):
            if a[k]:
                assert found_in(a[k], flat), f"{where}.{k} not in text: {a[k]!r}"
        for c in a["crossheads"]:
            assert found_in(c, flat), f"{where}: crosshead not in text: {c!r}"
        for c in a["captions"]:
            assert found_in(c["text"], flat), f"{where}: caption not in text: {c['text'][:30]!r}"
            if c["credit"]:
                assert found_in(c["credit"], flat), f"{where}: credit not in text: {c['credit']!r}"
        for b in a["bylines"]:
            if b["name"]:
                assert found_in(b["name"], flat), f"{where}: byline name not in text: {b['name']!r}"
        if a["dateline"]:
            assert found_in(a["dateline"]["text"], flat), f"{where}: dateline not in text"


@pytest.mark.parametrize("name,case", articles(), ids=[n for n, _ in articles()])
def test_article_case(name: str, case: dict) -> None:
    assert set(case) == {"id", "script", "region", "description", "input", "expected"}, name
    assert name == f"{case['id']}.json" and re.match(r"^a\d{3}$", case["id"])
    assert case["script"] in SCRIPTS and case["region"] in REGIONS
    assert (case["script"] == "hant") == (case["region"] in {"hk", "tw"})
    inp, exp = case["input"], case["expected"]
    assert set(inp) == INPUT_KEYS and set(exp) - {"gaps"} == ARTICLE_CASE_KEYS, name
    assert (
        isinstance(inp["paragraphs"], list)
        and inp["paragraphs"]
        and all(isinstance(p, str) for p in inp["paragraphs"])
    )
    for img in inp["images"]:
        assert set(img) == {"url", "caption"} and img["url"]
    where = case["id"]
    check_heads({**exp, "section": None}, where)
    check_dateline(exp["dateline"], where)
    check_bylines(exp["bylines"], where)
    check_captions(exp["captions"], where)
    for e in exp["editors"]:
        assert set(e) == {"name", "role"} and e["role"] in EDITOR_ROLES and NAME.match(e["name"]), where
    for c in exp["continuations"]:
        assert set(c) == {"direction", "page"} and c["direction"] in {"to", "from"}, where
        assert re.match(r"^[A-Z]?\d{1,2}$", c["page"]), f"{where}: page label {c['page']!r}"
    assert exp["paragraphs"] or exp["captions"], f"{where}: neither paragraphs nor captions"
    for i, p in enumerate(exp["paragraphs"]):
        check_clean_text(p, f"{where}.paragraphs[{i}]")
    expected_text = json.dumps(
        {k: exp[k] for k in ("kicker", "title", "subtitle", "paragraphs", "crossheads")}, ensure_ascii=False
    )
    assert not FULLWIDTH_ALNUM.search(expected_text), f"{where}: full-width letters/digits in expected"
    assert isinstance(exp["joins"], int) and 0 <= exp["joins"] < len(inp["paragraphs"]), where
    sources = [inp[k] or "" for k in ("kicker", "title", "subtitle")] + inp["paragraphs"]
    sources += [img["caption"] or "" for img in inp["images"]]
    blocks = [halfwidth(normalise_block(s)) for s in sources]
    flat = squeeze("\n".join(blocks))
    for i, p in enumerate(exp["paragraphs"]):
        assert assembled(p, blocks), f"{where}.paragraphs[{i}] not in input: {p[:40]!r}"
    for k in ("kicker", "title", "subtitle"):
        if exp[k]:
            assert found_in(exp[k], flat), f"{where}.{k} not in input"
    for c in exp["crossheads"]:
        assert found_in(c, flat), f"{where}: crosshead not in input: {c!r}"
    for c in exp["captions"]:
        assert found_in(c["text"], flat), f"{where}: caption not in input"
        if c["credit"]:
            assert found_in(c["credit"], flat), f"{where}: credit not in input"
    for b in exp["bylines"] + exp["editors"]:
        if b["name"]:
            assert found_in(b["name"], flat), f"{where}: name not in input: {b['name']!r}"
    if exp["dateline"]:
        assert found_in(exp["dateline"]["text"], flat), f"{where}: dateline not in input"
    raw = "".join(inp["paragraphs"])
    if exp["continuations"]:
        assert MARKER.search(raw), f"{where}: continuation expected but no marker in input"
    else:
        assert not MARKER.search(raw), f"{where}: marker in input but no continuation expected"


def test_checker_catches_typos_and_accepts_interleaved_joins() -> None:
    """The containment check must reject a one-character typo and accept a join across a caption."""
    text = "甲乙丙丁戊己，庚辛\n\n\n\n▲图片说明。(资料图片)\n\n\n\n壬癸子丑。（下转第2版）\n\n　　寅卯辰巳。"
    blocks = page_blocks(text)
    assert blocks[-1] == "寅卯辰巳。" and blocks[2] == "壬癸子丑。"
    assert assembled("甲乙丙丁戊己，庚辛壬癸子丑。", blocks)
    assert assembled("庚辛壬癸子丑。", blocks)
    assert not assembled("甲乙丙丁戊己，庚辛壬癸子五。", blocks)
    assert not assembled("甲乙丙丁戊己，庚壬癸子丑。", blocks)
    assert normalise_block("　　７月\u200b１日\u00a0") == "７月１日" and halfwidth("７月Ａ") == "7月A"


def test_ids_unique_and_sequential() -> None:
    for items, prefix in ((pages(), "p"), (articles(), "a")):
        ids = [c["id"] for _, c in items]
        assert ids == [f"{prefix}{i:03d}" for i in range(1, len(ids) + 1)], ids


# --------------------------------------------------------------------------- totals and coverage


def convention_counts(page_cases: list[tuple[str, dict]], article_cases: list[tuple[str, dict]]) -> dict[str, object]:
    """Counts of a corpus (this one or a held-out set): totals, traditional share, and how often each convention
    occurs. The held-out READMEs carry these counts as a table, and the minimums are checked against them."""
    page_articles = [(c, a) for _, c in page_cases for a in c["expected"]]
    every = [(c, a, "page") for c, a in page_articles] + [(c, c["expected"], "article") for _, c in article_cases]
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
            cov["article input with NBSP/zero-width"] += any(ch in raw for ch in NOISE + "\u00a0")
            cov["article input with full-width alnum"] += bool(FULLWIDTH_ALNUM.search(raw))
    for _, c in page_cases:
        blocks = page_blocks(c["text"])
        cov["page paragraphs rejoined across blocks"] += sum(
            not any(p in b for b in blocks) for a in c["expected"] for p in a["paragraphs"]
        )
        cov["page continuation markers"] += len(MARKER.findall(c["text"]))
        cov["page with isolated captions (4 newlines)"] += "\n\n\n\n" in c["text"]
    n = len(page_articles) + len(article_cases)
    return {
        "pages": len(page_cases),
        "page articles": len(page_articles),
        "article cases": len(article_cases),
        "articles": n,
        "hant articles": cov["hant articles"],
        "hant share": round(cov["hant articles"] / max(n, 1), 3),
        "coverage": dict(sorted(cov.items())),
    }


def corpus_stats() -> dict[str, object]:
    """Counts for the README table (also used to enforce the minimums)."""
    return convention_counts(pages(), articles())


def test_totals_meet_minimums() -> None:
    s = corpus_stats()
    assert s["pages"] >= MIN_PAGES, s
    assert s["page articles"] >= MIN_PAGE_ARTICLES, s
    assert s["article cases"] >= MIN_ARTICLE_CASES, s
    assert s["articles"] >= MIN_ARTICLES, s
    assert HANT_SHARE[0] <= s["hant share"] <= HANT_SHARE[1], s


if __name__ == "__main__":
    json.dump(corpus_stats(), sys.stdout, ensure_ascii=False, indent=1)
    print()
