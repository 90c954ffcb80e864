"""Hostile inputs give a result or a clear ValueError, never a hang."""

from __future__ import annotations

import time

import pytest

from pipelines.text.article import process_article
from pipelines.text.segment import segment_page


def _timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def test_empty_inputs() -> None:
    assert segment_page("") == []
    assert segment_page("\n\n\u3000\n") == []
    text = process_article(None, None, None, [])
    assert text.paragraphs == [] and text.title is None


def test_bad_types_are_clear_errors() -> None:
    with pytest.raises(ValueError):
        segment_page(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        process_article(None, "题", None, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        process_article(None, "题", None, "一段文字")  # type: ignore[arg-type]


def test_two_megabyte_line_finishes() -> None:
    line = "市民在公园里散步，" * 230_000  # ≈ 2 MB of one line, no sentence end
    result, seconds = _timed(segment_page, line)
    assert len(result) == 1 and len(result[0]["paragraphs"][0]) == len(line)
    assert seconds < 30
    article, seconds = _timed(process_article, None, "题", None, [line])
    assert article.paragraphs == [line] and seconds < 30


@pytest.mark.parametrize(
    "text",
    [
        "▲" * 5000 + "(" * 50_000 + "资料图片" * 500,
        "本报记者 " * 100_000,
        "<p>" * 100_000,
        "（下转第" * 100_000,
        "——" * 100_000,
    ],
)
def test_pathological_lines_finish(text: str) -> None:
    _, seconds = _timed(segment_page, text)
    assert seconds < 30


def test_mixed_scripts_and_html() -> None:
    page = (
        "<p>市民夜讀空間開放</p>\n\n<p>本報記者 祁遠</p>\n\n<p>为满足市民需求，夜读空间&nbsp;正式开放。</p>\n"
    )
    (article,) = segment_page(page)
    assert article["title"] == "市民夜讀空間開放"
    assert article["bylines"][0]["name"] == "祁遠"
    assert article["paragraphs"] == ["为满足市民需求，夜读空间 正式开放。"]


def test_mixed_paper_detects_script_per_article() -> None:
    trad = process_article(
        None, "社區檢測下月展開", None, ["政府昨公布兩星期後會展開社區檢測。"], script="mixed", region="hk"
    )
    assert trad.script == "hant" and trad.title_simplified == "社区检测下月展开"
    simp = process_article(None, "社区检测下月展开", None, ["政府昨天公布两星期后展开检测。"], script=None)
    assert simp.script == "hans" and simp.title_simplified is None
