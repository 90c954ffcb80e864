"""Kicker, title, subtitle, section label and crosshead rules (pipelines.text.headings)."""

from __future__ import annotations

import pytest

from pipelines.text.headings import (
    assign_head,
    is_crosshead_pair,
    is_heading_like,
    kicker_text,
    subtitle_text,
)


@pytest.mark.parametrize(
    ("line", "kicker"),
    [("青禾县推进春耕生产——", "青禾县推进春耕生产"), ("——写在开园之际", None), ("普通标题", None)],
)
def test_kicker_text(line: str, kicker: str | None) -> None:
    assert kicker_text(line) == kicker


@pytest.mark.parametrize(("line", "sub"), [("——写在开园之际", "写在开园之际"), ("青禾县——", None)])
def test_subtitle_text(line: str, sub: str | None) -> None:
    assert subtitle_text(line) == sub


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("加强顶层设计", True),
        ("补齐短板，配套设施更完善", True),
        ("区议员：交通须先行", True),
        ("今天天气很好。", False),
        ("2月19日，东岭县市场监督管理局", False),
        ("三、联系方式", False),
        ("联系人：贺先生", False),
        ("2026年3月20日", False),
        ("这是一段很长的正文内容，它超过了三十个字符因此不会被当成任何标题来看待", False),
    ],
)
def test_is_heading_like(line: str, heading: bool) -> None:
    assert is_heading_like(line) is heading


def test_two_line_crosshead() -> None:
    assert is_crosshead_pair("流程做减法  ", "服务做加法")
    assert not is_crosshead_pair("流程做减法", "这是一段正文。")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["聚焦", "青禾县推进春耕生产——", "田野里的新希望"],
            ("聚焦", "青禾县推进春耕生产", "田野里的新希望", None),
        ),
        (["技能铺就前路", "——写在劳务品牌升级之际"], (None, None, "技能铺就前路", "写在劳务品牌升级之际")),
        (["资讯", "市图书馆推出夜读空间"], ("资讯", None, "市图书馆推出夜读空间", None)),
        (["市图书馆推出夜读空间"], (None, None, "市图书馆推出夜读空间", None)),
    ],
)
def test_assign_head(lines: list[str], expected: tuple) -> None:
    head = assign_head(lines)
    assert (head["section"], head["kicker"], head["title"], head["subtitle"]) == expected
