"""Role classification and column-break joins (pipelines.text.rejoin)."""

from __future__ import annotations

import pytest

from pipelines.text.rejoin import Block, classify_role, rejoin, rejoin_blocks, should_join


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("本报记者 林晓川 实习生 葛青", "byline"),
        ("责任编辑：岑雪", "editor"),
        ("▲市民在政务中心办理业务。(资料图片)", "caption"),
        ("（新华社发）", "credit"),
        ("本报讯(记者 乔远)为深入推进改革，近日召开会议。", "dateline"),
        ("——写在劳务品牌升级之际", "subtitle"),
        ("青禾县推进春耕生产——", "kicker"),
        ("【城乡新变化⑤】", "series"),
        ("加强顶层设计", "heading"),
        ("记者从市教育局获悉，今年将新增学位三千个。", "body"),
        ("▲市民在办理业务。（资料图片）据介绍，今年以来全市共办理各类业务十二万件。", "caption+body"),
        ("有居民发现地铺入水，损失严重。▲街道昨晨水浸。（黎青摄）", "body+caption"),
        ("(据新华社电)", "source"),
        ("（作者单位：岚州市文化馆）", "source"),
        ("", "empty"),
    ],
)
def test_classify_role(text: str, role: str) -> None:
    assert classify_role(text) == role


@pytest.mark.parametrize(
    ("a", "b", "join"),
    [
        (
            "市场监管局在调研中发现，该企业虽拥有“青禾”",
            "，却未能有效激活无形资产价值。",
            True,
        ),  # 1 closing start
        ("全年实现销售收入1", "2亿元，同比增长。", True),  # 2 digit-unit
        ("工作已全部完成。", "该公司负责人说，明年继续。", False),  # 3 sentence end
        ("会议提出以下要求：", "一是稳定播种面积。", False),  # 3 colon
        (
            "据市林业局介绍，今年造林将重点围绕荒山荒坡、河道两岸和城市",
            "周边展开，树种以乡土树种为主。",
            True,
        ),  # 8 long fragment
        ("指导企业系统梳理“青禾”", "等商标权属关系。", True),  # 10 continuation start
        ("2月19日，东岭县市场监督管理局", "接到投诉，对某鞋铺进行调查。", True),  # comma clause
        ("联系人：贺先生", "联系电话：0000-5550123", False),  # 7 label:value
        ("三是做好防灾减灾，及早制定应对干旱、低温等灾害的预案", "四、加强组织领导", False),  # 6 list item
        ("依托全国碳市场", "首个履约周期顺利结束。", False),  # 13 no evidence
        (
            "社区党委书记告诉记者，菜园的收成一部分送给社区里的",
            "如今，每到周末，菜园里总能看到人。",
            False,
        ),  # opener
    ],
)
def test_should_join(a: str, b: str, join: bool) -> None:
    assert should_join(a, b) is join


def test_indentation_rules() -> None:
    assert should_join("依托全国碳市场", "首个履约周期顺利结束。", b_indented=False) is True
    assert should_join("依托全国碳市场", "首个履约周期顺利结束。", b_indented=True) is False


def test_join_across_caption_and_byline_not_across_crosshead() -> None:
    blocks = [
        Block("工作人员立即开展精准帮扶，一方面现场解读政策，指导企业系统梳理“青禾”"),
        Block("▲市场监管局举办对接活动。(资料图片)", "caption"),
        Block("本报记者 程野 摄", "byline"),
        Block("等商标权属关系并协助其开展专业评估。"),
        Block("村民刘桂芳是村里有名的“积分达人”，她每周都会参加"),
        Block("从“要我做”到“我要做”", "heading"),
        Block("如今，西岭村的做法已在全县推广。"),
    ]
    out, joins = rejoin_blocks(blocks)
    assert joins == 1
    assert out[0].text.endswith("“青禾”等商标权属关系并协助其开展专业评估。")
    assert [b.role for b in out] == ["body", "caption", "byline", "body", "heading", "body"]


def test_rejoin_counts_and_keeps_lists_and_verse() -> None:
    paras, joins = rejoin(
        ["会议强调：", "一是稳定面积；", "二是保供稳价。", "槐花白，", "槐花香，", "槐花飘进旧时光。"]
    )
    assert joins == 0
    assert paras[:3] == ["会议强调：", "一是稳定面积；", "二是保供稳价。"]


def test_fragment_that_looks_like_a_heading_is_promoted() -> None:
    paras, joins = rejoin(
        ["指导企业系统梳理“青禾”", "▲活动现场。(资料图片)", "等商标权属关系并协助其开展专业评估。"]
    )
    assert paras == ["指导企业系统梳理“青禾”等商标权属关系并协助其开展专业评估。"] and joins == 1
