"""Captions and photo credits (pipelines.text.captions)."""

from __future__ import annotations

import pytest

from pipelines.text.captions import attach_captions, split_caption, split_glued, split_trailing
from schema.records import Caption, ImageRef


@pytest.mark.parametrize(
    ("line", "text", "credit"),
    [
        ("▲市民在政务中心办理业务。(资料图片)", "▲市民在政务中心办理业务。", "资料图片"),
        ("▲志愿者在北山植树。", "▲志愿者在北山植树。", None),
        ("图为工人在生产线上。 本报记者 杨禾摄", "图为工人在生产线上。", "本报记者 杨禾摄"),
        ("市民在湿地公园放风筝。本报记者 于帆 摄", "市民在湿地公园放风筝。", "本报记者 于帆 摄"),
        ("图为郊外的日落景色。（新华社发）", "图为郊外的日落景色。", "新华社发"),
        ("▲漁市昨天完工。（圖／記者沈安琪攝）", "▲漁市昨天完工。", "圖／記者沈安琪攝"),
        ("大会现场(牛青 摄影)", "大会现场", "牛青 摄影"),
        ("市民在公园晨练。视觉中国供图（资料图片）", "市民在公园晨练。", "视觉中国供图（资料图片）"),
    ],
)
def test_split_caption(line: str, text: str, credit: str | None) -> None:
    cap = split_caption(line, hant=True)
    assert cap is not None
    assert (cap.text, cap.credit) == (text, credit)


@pytest.mark.parametrize(
    "line",
    ["居民纷纷拿起手机拍摄", "这项技术由企业提供。", "他用手机把过程拍摄下来，发到网上。", "今天天气很好。"],
)
def test_not_captions(line: str) -> None:
    assert split_caption(line) is None


def test_credit_only_line() -> None:
    cap = split_caption("（新华社发）")
    assert cap is not None and cap.text == "" and cap.credit == "新华社发"


def test_split_glued_caption() -> None:
    cap, rest = split_glued("▲志愿者在北山植树。（资料图片）据市林业局介绍，今年全市计划新增造林面积三万亩。")
    assert cap is not None and cap.text == "▲志愿者在北山植树。" and cap.credit == "资料图片"
    assert rest == "据市林业局介绍，今年全市计划新增造林面积三万亩。"
    cap, rest = split_glued("▲志愿者在北山植树。（资料图片）短尾")
    assert cap is None


def test_attach_captions() -> None:
    images = [ImageRef(url="a.jpg", caption="▲甲图说明。(资料图片)"), ImageRef(url="b.jpg")]
    body = [
        Caption("▲甲图说明。", None),
        Caption("▲乙图说明。", "记者 于帆 摄"),
        Caption("▲丙图说明。", None),
    ]
    out = attach_captions(body, images)
    assert [(c.text, c.credit, c.image_url) for c in out] == [
        ("▲甲图说明。", "资料图片", "a.jpg"),
        ("▲乙图说明。", "记者 于帆 摄", "b.jpg"),
        ("▲丙图说明。", None, None),
    ]


def test_split_trailing_caption() -> None:
    body, cap = split_trailing(
        "有居民清晨起來發現地舖入水，損失嚴重。▲屯灣有街道昨晨水浸。（黎青攝）", hant=True
    )
    assert body == "有居民清晨起來發現地舖入水，損失嚴重。"
    assert cap is not None and (cap.text, cap.credit) == ("▲屯灣有街道昨晨水浸。", "黎青攝")
    assert split_trailing("三角形▲符号在句中。")[1] is None
