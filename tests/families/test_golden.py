"""Golden fixtures: one test per field of every expected.json, so one broken selector fails alone."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from crawler.families.fixtures import case_dirs, parse_case

FIXTURES = Path(__file__).parent / "fixtures"
CASES = case_dirs([FIXTURES])


def _params() -> list:
    params = []
    for case in CASES:
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        name = f"{case.parent.name}/{case.name}"
        for field in sorted(expected):
            params.append(pytest.param(case, field, id=f"{name}:{field}"))
    return params


@cache
def _parsed(case: Path) -> dict:
    return json.loads(json.dumps(parse_case(case), ensure_ascii=False))  # tuples -> lists, as stored


def test_fixture_set_is_complete() -> None:
    names = {f"{c.parent.name}/{c.name}" for c in CASES}
    for skin in ("newslist", "resultlist", "articlelist"):
        assert f"founder-pc/{skin}_page" in names and f"founder-pc/{skin}_article" in names
    assert {"founder-pc/gbk_page", "founder-classic/table_page", "founder-classic/table_article"} <= names
    assert "founder-classic/paperindex" in names
    assert {"page-articel/overlink_page", "page-articel/index_page", "page-articel/gebanlist_page_gbk"} <= names
    assert {"page-articel/contenttext_article", "page-articel/ozoom_article"} <= names
    assert {"plist/page_gbk", "plist/plist_entry", "plist/article_gbk"} <= names
    assert {f"js-data/{skin}_{kind}" for skin in ("datajs", "pagejson") for kind in ("page", "article")} <= names
    assert {f"pdf-only/{case}" for case in ("template_page", "listed_page", "story_article", "pagelist_page",
                                            "scan_page")} <= names


@pytest.mark.parametrize(("case", "field"), _params())
def test_field(case: Path, field: str) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert _parsed(case).get(field) == expected[field]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_no_unexpected_fields(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert set(_parsed(case)) == set(expected)
