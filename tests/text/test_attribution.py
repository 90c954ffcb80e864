"""Datelines and bylines (pipelines.text.attribution)."""

from __future__ import annotations

import pytest

from pipelines.text.attribution import parse_byline_line, parse_dateline, split_end_credit


def _people(credits) -> list[tuple]:
    return [(b.name, b.role, b.organisation) for b in credits.bylines]


@pytest.mark.parametrize(
    ("line", "people", "work"),
    [
        ("本报记者 林晓川 实习生 葛青", [("林晓川", "记者", "本报"), ("葛青", "实习生", "本报")], None),
        ("本报记者 苗禾 文/图", [("苗禾", "记者", "本报")], "文/图"),
        ("■ 青川日报全媒体记者 戚远", [("戚远", "全媒体记者", "青川日报")], None),
        ("通讯员 陶然", [("陶然", "通讯员", None)], None),
        ("□ 青川日报评论员", [(None, "评论员", "青川日报")], None),
        ("本报记者祁远", [("祁远", "记者", "本报")], None),
        ("记者 尚羽、包宁", [("尚羽", "记者", None), ("包宁", "记者", None)], None),
        (
            "本报特约记者 鹿鸣 见习记者 夏禾",
            [("鹿鸣", "特约记者", "本报"), ("夏禾", "见习记者", "本报")],
            None,
        ),
        ("本报记者 程野 摄", [("程野", "摄影", "本报")], None),
        ("本報記者 盧詠欣", [("盧詠欣", "记者", "本报")], None),
        ("〔記者沈安琪／竹安報導〕", [("沈安琪", "记者", None)], None),
        ("圖／文 記者李小明", [("李小明", "记者", None)], "文/图"),
        ("新华社记者 岳明川", [("岳明川", "记者", "新华社")], None),
        ("编译 岳明川", [("岳明川", "编译", None)], None),
    ],
)
def test_byline_lines(line: str, people: list[tuple], work: str | None) -> None:
    credits = parse_byline_line(line, hant=True)
    assert credits is not None
    assert _people(credits) == people
    assert credits.work == work


@pytest.mark.parametrize(
    "line",
    [
        "记者从市教育局获悉，今年将新增学位。",
        "据本报记者了解",
        "记者在现场看到",
        "居民纷纷拿起手机拍摄",
        "市民文化节开幕",
    ],
)
def test_body_sentences_are_not_bylines(line: str) -> None:
    assert parse_byline_line(line) is None


def test_editor_credits_go_to_editors() -> None:
    credits = parse_byline_line("责任编辑：岑雪   校对：邓一帆")
    assert credits is not None and credits.bylines == []
    assert [(e.name, e.role) for e in credits.editors] == [("岑雪", "责任编辑"), ("邓一帆", "校对")]
    mixed = parse_byline_line("新京报记者 苏禾 校对 李铭")
    assert [(b.name, b.role) for b in mixed.bylines] == [("苏禾", "记者")]
    assert [(e.name, e.role) for e in mixed.editors] == [("李铭", "校对")]


@pytest.mark.parametrize(
    ("paragraph", "dateline", "people", "rest"),
    [
        (
            "本报讯(记者 乔远)为深入推进改革，",
            ("本报讯", "本报", None, None),
            [("乔远", "记者")],
            "为深入推进改革，",
        ),
        (
            "本报讯 （记者孙禾 通讯员褚青）昨天，",
            ("本报讯", "本报", None, None),
            [("孙禾", "记者"), ("褚青", "通讯员")],
            "昨天，",
        ),
        (
            "新华社北京4月25日电（记者 白川、王舟）今天",
            ("新华社北京4月25日电", "新华社", "北京", "4月25日"),
            [("白川", "记者"), ("王舟", "记者")],
            "今天",
        ),
        ("本报合肥18日电 在辽阔的平原上", ("本报合肥18日电", "本报", "合肥", "18日"), [], "在辽阔的平原上"),
        (
            "（中央社記者戴雅真台北29日電）台灣",
            ("中央社記者戴雅真台北29日電", "中央社", "台北", "29日"),
            [("戴雅真", "记者")],
            "台灣",
        ),
        ("【明報專訊】政府昨公布", ("明報專訊", "明报", None, None), [], "政府昨公布"),
        (
            "〔記者吳政峰／台北報導〕立法院",
            ("記者吳政峰／台北報導", None, "台北", None),
            [("吳政峰", "记者")],
            "立法院",
        ),
    ],
)
def test_datelines(paragraph: str, dateline: tuple, people: list[tuple], rest: str) -> None:
    d, bylines, body = parse_dateline(paragraph, hant=True)
    assert d is not None
    assert (d.text, d.organisation, d.place, d.date) == dateline
    assert [(b.name, b.role) for b in bylines] == people
    assert body == rest


@pytest.mark.parametrize("paragraph", ["据本报记者实地察看，", "记者从市交通局获悉，", "本报记者会客厅开张"])
def test_not_datelines(paragraph: str) -> None:
    assert parse_dateline(paragraph) == (None, [], paragraph)


def test_end_credit() -> None:
    body, editors, bylines = split_end_credit("…正式啟用。（編輯：陳承功）1151002", hant=True)
    assert body == "…正式啟用。"
    assert [(e.name, e.role) for e in editors] == [("陳承功", "编辑")]
    body, editors, bylines = split_end_credit("征集截止到年底。（记者 邱棠）")
    assert body == "征集截止到年底。" and [(b.name, b.role) for b in bylines] == [("邱棠", "记者")]
