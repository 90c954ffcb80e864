"""Cleaning and continuation markers (pipelines.text.clean)."""

from __future__ import annotations

import pytest

from pipelines.text.clean import (
    chinese_number,
    clean_paragraph,
    clean_text,
    extract_continuations,
    page_label,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u3000\u3000本报讯今天开幕。", "本报讯今天开幕。"),
        ("\u00a0\u00a0记者从市里获悉", "记者从市里获悉"),
        ("东岭\u200b区\ufeff举办", "东岭区举办"),
        ("ＡＢＣ１２３，全角标点（保留）", "ABC123，全角标点（保留）"),
        ("5&nbsp;公里&amp;更多", "5 公里&更多"),
        ("一行<br/>二行\r\n三行", "一行\n二行\n三行"),
        ("<span class='x'>带标签</span>的文字", "带标签的文字"),
        ("控制\x07字符\x1b去掉", "控制字符去掉"),
        ("中间\u3000空格保留", "中间\u3000空格保留"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_keeps_width_when_asked() -> None:
    assert clean_text("１２３ＡＩ", fold_width=False) == "１２３ＡＩ"


def test_clean_paragraph_joins_lines_without_losing_text() -> None:
    assert clean_paragraph("　　青禾县\n白沙河镇") == "青禾县白沙河镇"
    assert clean_paragraph("New\nYork") == "New York"


def test_clean_text_rejects_none() -> None:
    with pytest.raises(ValueError):
        clean_text(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "rest", "markers"),
    [
        ("工程将于年底完工（下转第2版）", "工程将于年底完工", [("to", "2")]),
        ("(上接第一版)会议要求，", "会议要求，", [("from", "1")]),
        ("（转Ａ３版）", "", [("to", "A3")]),
        ("详见转第十二版", "详见", [("to", "12")]),
        ("接第3版 各地积极", "各地积极", [("from", "3")]),
        ("（下转第二十一版）", "", [("to", "21")]),
        ("公司下转让股权", "公司下转让股权", []),
        ("转型第3阶段", "转型第3阶段", []),
    ],
)
def test_extract_continuations(text: str, rest: str, markers: list[tuple[str, str]]) -> None:
    out, found = extract_continuations(text)
    assert out == rest
    assert [(c.direction, c.page) for c in found] == markers


@pytest.mark.parametrize(
    ("cn", "n"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("ab", None)]
)
def test_chinese_number(cn: str, n: int | None) -> None:
    assert chinese_number(cn) == n


def test_page_label() -> None:
    assert page_label("Ａ３") == "A3"
    assert page_label("02") == "02"
