"""Page segmentation (pipelines.text.segment) on small pages written for these tests."""

from __future__ import annotations

import json

from crawler.cli.research import segment_command
from pipelines.text.segment import segment_page

PAGE = """聚焦

青禾县推进高标准农田建设——

田野里的新希望

本报记者 林晓川 实习生 葛青

春分过后，青禾县的田野里一片繁忙。今年全县计划新建高标准农田三万亩。

加强统筹规划  
夯实粮食根基

县农业农村局负责人介绍，项目按照“集中连片、旱涝保收”的要求推进，已完成投资一点二亿元，并指导合作社系统梳理“青禾”



▲农机手在田间作业。(资料图片)



等品牌的种植规范，带动周边农户增收。

资讯

市图书馆推出夜读空间

本报讯(记者 祁远)为满足市民夜间阅读需求，近日，市图书馆夜读空间正式开放。

白沙河镇开展农机安全检查

本报讯（记者 穆清 通讯员 韩冬）近日，白沙河镇组织人员对农机开展安全检查。
"""


def test_page_structure() -> None:
    articles = segment_page(PAGE)
    assert [a["title"] for a in articles] == [
        "田野里的新希望",
        "市图书馆推出夜读空间",
        "白沙河镇开展农机安全检查",
    ]
    first = articles[0]
    assert first["section"] == "聚焦" and first["kicker"] == "青禾县推进高标准农田建设"
    assert [(b["name"], b["role"]) for b in first["bylines"]] == [("林晓川", "记者"), ("葛青", "实习生")]
    assert first["crossheads"] == ["加强统筹规划 夯实粮食根基"]
    assert first["captions"] == [{"text": "▲农机手在田间作业。", "credit": "资料图片"}]
    assert first["paragraphs"][-1].endswith("梳理“青禾”等品牌的种植规范，带动周边农户增收。")
    assert len(first["paragraphs"]) == 2 and first["gaps"] == []
    brief = articles[1]
    assert brief["section"] == "资讯" and articles[2]["section"] == "资讯"
    assert brief["dateline"] == {"text": "本报讯", "organisation": "本报", "place": None, "date": None}
    assert brief["paragraphs"][0].startswith("为满足")
    assert [(b["name"], b["role"]) for b in articles[2]["bylines"]] == [("穆清", "记者"), ("韩冬", "通讯员")]


ORPHAN_READS_ON = """还要每天抽血，记录血常规的变化。小周仍然每天向母亲报平安。

采集当天，工作人员赶到医院看望小周。

东岭区举办招聘会

本报讯(记者 祁远)东岭区退役军人专场招聘会昨日举行，46家企业提供岗位600余个。

大学生小周捐献“生命种子”

本报记者 穆清

3月24日，在外地读书的大学生小周完成造血干细胞捐献。

捐献前，小周需要连续几天注射动员剂，
"""

ORPHAN_APART = """夕阳下，韩老汉扛着锄头往家走，身后是一片刚刚翻过的黄土地。

红石村：小山楂做成大产业

本报记者 吕晨晨

在青禾县红石村，漫山遍野的山楂树是村民们的“摇钱树”。

村党支部书记告诉记者，加工厂投产后，全村山楂收购价每斤提高了五毛钱，
"""


def test_orphan_tail_is_attached_only_when_it_reads_on() -> None:
    articles = segment_page(ORPHAN_READS_ON)
    assert [a["title"] for a in articles] == ["东岭区举办招聘会", "大学生小周捐献“生命种子”"]
    story = articles[1]
    assert "注射动员剂，还要每天抽血，记录血常规的变化。" in story["paragraphs"][-2]
    assert story["paragraphs"][-1] == "采集当天，工作人员赶到医院看望小周。"

    apart = segment_page(ORPHAN_APART)
    assert [a["title"] for a in apart] == [None, "红石村：小山楂做成大产业"]
    assert apart[0]["paragraphs"] == ["夕阳下，韩老汉扛着锄头往家走，身后是一片刚刚翻过的黄土地。"]


def test_untitled_dateline_story_and_gap() -> None:
    page = """让积分撬动乡村治理

本报记者 樊小禾 文/图

走进西岭村的积分超市，货架上摆满了生活用品。

村民刘桂芳是村里有名的“积分达人”，她每周都会参加

从“要我做”到“我要做”

如今，西岭村的做法已在全县推广。

本报讯(记者 包宁)3月22日，市第二届全民健身运动会开幕。
"""
    articles = segment_page(page)
    assert [a["title"] for a in articles] == ["让积分撬动乡村治理", None]
    assert articles[0]["gaps"] == [{"after_paragraph": 1, "reason": "missing-text"}]
    assert articles[0]["crossheads"] == ["从“要我做”到“我要做”"]
    assert articles[0]["bylines"] == [
        {"name": "樊小禾", "role": "记者", "organisation": "本报", "work": "文/图"}
    ]
    assert articles[1]["dateline"]["organisation"] == "本报"


def test_page_of_only_captions() -> None:
    page = "▲清晨，环卫工人清扫路面。本报记者 程野 摄\n\n\n\n市民在湿地公园放风筝。本报记者 于帆 摄\n"
    articles = segment_page(page)
    assert len(articles) == 2
    assert all(a["title"] is None and a["paragraphs"] == [] for a in articles)
    assert articles[1]["captions"] == [{"text": "市民在湿地公园放风筝。", "credit": "本报记者 于帆 摄"}]


def test_traditional_page() -> None:
    page = "漁港整建完工\n\n〔記者沈安琪／竹安報導〕竹安縣南灣漁港整建工程昨天完工。\n"
    (article,) = segment_page(page, "hant")
    assert article["dateline"]["place"] == "竹安"
    assert article["bylines"] == [{"name": "沈安琪", "role": "记者", "organisation": None}]
    assert article["paragraphs"] == ["竹安縣南灣漁港整建工程昨天完工。"]


def test_segment_command(tmp_path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    data = json.loads(segment_command(path, as_json=True))
    assert data == segment_page(PAGE)
    text = segment_command(path)
    assert "#1 田野里的新希望" in text and "crosshead: 加强统筹规划 夯实粮食根基" in text


def test_text_after_a_jump_marker_is_another_story() -> None:
    page = """中学生设计减塑饭盒获奖

【湾报专讯】两名中四学生设计出可分解饭盒，希望作品日后能够（转A4版）多名市民对政府的新措施表示欢迎，认为可减轻家庭负担。

（本报记者 岑家乐）
"""
    first, second = segment_page(page)
    assert first["paragraphs"] == ["两名中四学生设计出可分解饭盒，希望作品日后能够"]
    assert second["title"] is None and second["paragraphs"][0].startswith("多名市民")
    assert second["bylines"] == [{"name": "岑家乐", "role": "记者", "organisation": "本报"}]


def test_masthead_and_index_lines_are_not_articles() -> None:
    page = "青川日报\n\n2026年4月30日 星期四\n\n导读\n\n第3版 让老旧小区焕发新颜\n\n市图书馆推出夜读空间\n\n本报讯(记者 祁远)近日，夜读空间正式开放。\n"
    (article,) = segment_page(page)
    assert article["title"] == "市图书馆推出夜读空间" and article["section"] is None
