"""One literal test per newspaper convention added to make the text rules generalise.

Every page and line here is fictional text written for these tests (places 岚溪, 石桥镇, 溪口…); none is
taken from the corpora. Each test names the convention it encodes.
"""

from __future__ import annotations

from pipelines.text.attribution import parse_dateline
from pipelines.text.headings import is_heading_like, is_notice_line
from pipelines.text.rejoin import Block, classify_role, rejoin, rejoin_blocks
from pipelines.text.segment import segment_page
from pipelines.text.units import is_furniture


def _titles(articles: list[dict]) -> list[str | None]:
    return [a["title"] for a in articles]


# --------------------------------------------------------------------------- page furniture


def test_daodu_entry_with_trailing_page_reference_is_furniture() -> None:
    """Convention: a 导读 list prints each entry as head + page reference (`……　第5版`, `……　A4版`);
    such a line is a pointer to another page, never a head of this page."""
    assert is_furniture("湖畔新城地铁站主体封顶\u3000第5版", 4)
    assert is_furniture("石桥镇办起乡村托管班　A4版", 6)
    assert not is_furniture("湖畔新城地铁站主体封顶", 4)
    assert not is_furniture("今年第5版规划正式出台", 4)  # no separating space: a head that names a 版


def test_folio_line_is_furniture_anywhere_on_the_page() -> None:
    """Convention: the folio (paper, date, page number, page name on one line) is page furniture,
    also when it is not one of the first lines of the page text."""
    assert is_furniture("岚溪晚报\u30002025年3月2日\u3000第6版\u3000城事", 0)
    assert is_furniture("岚溪晚报\u30002025年3月2日\u3000第6版\u3000城事", 9)
    page = "岚溪晚报\u30002025年3月2日\u3000第6版\u3000城事\n\n老街口新添便民驿站\n\n\u3000\u3000本报讯 近日，老街口便民驿站投入使用，可为环卫工人提供热水和休息座椅。"
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["老街口新添便民驿站"]


# --------------------------------------------------------------------------- notice lines


def test_notice_label_value_lines_are_body_and_stay_apart() -> None:
    """Convention (notice lines, 联系人：…): a line `label：value` whose label ends in a form word
    (时间, 地点, 方式, 电话, 热线…) is a line of a notice — body, never a head, never joined."""
    for line in (
        "活动地点：镇文化站二楼",
        "咨询热线：8812 3300",
        "社区服务中心值班电话：5566 7788",
        "报名方式：现场登记",
    ):
        assert is_notice_line(line), line
        assert not is_heading_like(line), line
        assert classify_role(line) == "body", line
    assert not is_notice_line("城市热线连着民心")  # a head about a hotline has no colon
    assert not is_notice_line("他说：明天再来")  # speech, no form word before the colon
    paras, joins = rejoin(["报名方式：现场登记", "咨询热线：8812 3300", "活动地点：镇文化站二楼"])
    assert joins == 0 and len(paras) == 3


# --------------------------------------------------------------------------- datelines


def test_ltn_dateline_without_brackets() -> None:
    """Convention (LTN style): `記者X／Y報導` may be printed without 〔〕, set off from the body by a
    space; it is still the dateline (reporter in it, place printed) — and so is a desk prefix."""
    dateline, bylines, rest = parse_dateline(
        "記者林曉雲／溪口報導\u3000溪口鎮公所昨天宣布啟用新的托育中心。", hant=True
    )
    assert dateline is not None and dateline.text == "記者林曉雲／溪口報導" and dateline.place == "溪口"
    assert [b.name for b in bylines] == ["林曉雲"]
    assert rest == "溪口鎮公所昨天宣布啟用新的托育中心。"
    dateline, bylines, rest = parse_dateline("生活中心／綜合報導　今年夏天颱風可能偏多。", hant=True)
    assert dateline is not None and dateline.text == "生活中心／綜合報導" and bylines == []
    # a sentence that merely mentions 記者 is no dateline
    assert parse_dateline("記者走訪發現，溪口鎮的路燈已全部更新。", hant=True)[0] is None


# --------------------------------------------------------------------------- heads


def test_title_with_a_comma_above_a_byline() -> None:
    """Convention: feature heads may carry a comma (`一条渡船摆了三十年，老周守着两岸乡亲的出行路`); an
    unindented clause line of ≤ 30 characters directly above a byline line (at the page top, or under a
    section label or an end byline — not after body text or a title) is the story's title."""
    page = (
        "一条渡船摆了三十年，老周守着两岸乡亲的出行路\n\n本报记者 岑小舟\n\n"
        "\u3000\u3000天还没亮，老周已经把渡船擦得干干净净。三十年来，他每天往返二十多趟。\n\n"
        "\u3000\u3000“只要还有人要过河，我就一直撑下去。”老周说。"
    )
    arts = segment_page(page, "hans")
    assert len(arts) == 1
    assert arts[0]["title"] == "一条渡船摆了三十年，老周守着两岸乡亲的出行路"
    assert [b["name"] for b in arts[0]["bylines"]] == ["岑小舟"]
    assert len(arts[0]["paragraphs"]) == 2
    # the same clause line right under a title, or indented, is the first paragraph, not a head
    under_title = "渡口边的摆渡人\n\n" + page
    assert segment_page(under_title, "hans")[0]["title"] == "渡口边的摆渡人"
    indented = page.replace("一条渡船", "\u3000\u3000一条渡船", 1)
    assert segment_page(indented, "hans")[0]["title"] is None


def test_headless_items_of_a_labelled_column_are_separate_items() -> None:
    """Convention (brief columns without datelines): under a column label each item is a short head
    and one complete paragraph; the next head opens the next item (with the column label), it is not a
    crosshead of the first item."""
    page = (
        "城事快递\n\n东门菜场完成改造\n\n\u3000\u3000东门菜场改造后重新开业，新增摊位40个。\n\n"
        "湖滨步道夜间亮灯\n\n\u3000\u3000湖滨步道新装的路灯本周起每晚亮到十一点。"
    )
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["东门菜场完成改造", "湖滨步道夜间亮灯"]
    assert [a["section"] for a in arts] == ["城事快递", "城事快递"]
    assert all(not a["crossheads"] for a in arts)


def test_item_ending_in_a_source_note_is_its_own_story() -> None:
    """Convention: a source note `（据新华社电）` credits a whole reprinted item; a head whose short text
    ends in such a note is an item of its own, not a crosshead of the story above it."""
    page = (
        "岚溪举办非遗市集\n\n本报记者 米禾\n\n\u3000\u3000周末，岚溪非遗市集吸引市民数千人次。\n\n"
        "\u3000\u3000市集共设摊位60个，展示竹编、剪纸等技艺。\n\n"
        "全国铁路暑运启动\n\n\u3000\u3000今年暑运为期62天，预计发送旅客超过9亿人次。\n\n（据新华社电）"
    )
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["岚溪举办非遗市集", "全国铁路暑运启动"]
    assert arts[0]["crossheads"] == []
    assert arts[1]["paragraphs"] == ["今年暑运为期62天，预计发送旅客超过9亿人次。"]


def test_verse_lines_are_a_poem_not_a_head_block() -> None:
    """Convention (副刊 verse): a head block has at most section, kicker, title, subtitle; a run of
    short unpunctuated lines is a poem — its first line the title, each further line one paragraph,
    never joined."""
    page = "\n\n".join(
        ["秋夜", "风从河面上走过", "芦苇低下了头", "月光铺满了石桥", "母亲在灯下缝补", "针脚细密如旧时光"]
    )
    arts = segment_page(page, "hans")
    assert len(arts) == 1
    assert arts[0]["title"] == "秋夜" and arts[0]["kicker"] is None and arts[0]["subtitle"] is None
    assert arts[0]["paragraphs"] == [
        "风从河面上走过",
        "芦苇低下了头",
        "月光铺满了石桥",
        "母亲在灯下缝补",
        "针脚细密如旧时光",
    ]


# --------------------------------------------------------------------------- photos


def test_dateline_after_a_photo_group_opens_a_new_story() -> None:
    """Convention (组图): a head over several photos and no text is a picture story; a dateline after
    the photo row starts the next story (a text story prints its dateline before its photos)."""
    page = (
        "春耕正当时\n\n\n\n▲石桥镇农民在田间插秧。通讯员 乐安 摄\n\n\n\n▲岚溪农机手驾驶插秧机作业。\n\n\n\n"
        "\u3000\u3000本报讯 近日，岚溪市图书馆新增自助借还机12台，市民借书更加方便。"
    )
    arts = segment_page(page, "hans")
    assert len(arts) == 2
    assert arts[0]["title"] == "春耕正当时" and len(arts[0]["captions"]) == 2 and arts[0]["paragraphs"] == []
    assert arts[1]["title"] is None and arts[1]["dateline"]["text"] == "本报讯"


# --------------------------------------------------------------------------- joins


def test_indented_piece_after_a_cut_paragraph_starts_a_new_paragraph() -> None:
    """Convention: on a page that indents paragraph starts (　　), a column-break piece is printed
    without the indent; an indented line after a cut paragraph opens a new paragraph (text is missing
    in between), it is not joined."""
    page = (
        "老桥修缮完工\n\n\u3000\u3000本报讯 历时半年，石桥镇老桥修缮完工。\n\n"
        "\u3000\u3000施工中，工人们保留了原有的石栏杆和桥墩，并对\n\n"
        "\u3000\u3000桥头新建的游客驿站将于下月开放。"
    )
    arts = segment_page(page, "hans")
    assert arts[0]["paragraphs"] == [
        "历时半年，石桥镇老桥修缮完工。",
        "施工中，工人们保留了原有的石栏杆和桥墩，并对",
        "桥头新建的游客驿站将于下月开放。",
    ]
    assert arts[0]["gaps"] == [{"after_paragraph": 1, "reason": "missing-text"}]
    # without indents on the page the same long piece is still joined (column break)
    flat = page.replace("\u3000\u3000", "")
    assert len(segment_page(flat, "hans")[0]["paragraphs"]) == 2


def test_crosshead_set_inside_a_cut_sentence_keeps_the_paragraph_whole() -> None:
    """Convention: like a caption or byline, a crosshead the make-up dropped between the two halves of
    a sentence (`…由原来的` / crosshead / `“一年一遇”提升到…`) stays a crosshead and the halves join."""
    blocks = [
        Block("改造后，排水能力将由原来的", "body"),
        Block("雨天不积水 出行更放心", "heading"),
        Block("“一年一遇”提升到“三年一遇”。", "body"),
    ]
    out, joins = rejoin_blocks(blocks)
    assert joins == 1
    assert [(b.role, b.text) for b in out] == [
        ("body", "改造后，排水能力将由原来的“一年一遇”提升到“三年一遇”。"),
        ("heading", "雨天不积水 出行更放心"),
    ]
    # a heading-like line that itself runs on into the next text is a cut piece of body
    blocks = [
        Block("居民们纷纷来到新建的", "body"),
        Block("社区食堂", "heading"),
        Block("，品尝第一顿午饭。", "body"),
    ]
    out, joins = rejoin_blocks(blocks)
    assert [b.role for b in out] == ["body"] and out[
        0
    ].text == "居民们纷纷来到新建的社区食堂，品尝第一顿午饭。"


def test_byline_printed_between_the_halves_of_a_sentence_does_not_close_the_story() -> None:
    """Convention: a byline block set between the two halves of a cut sentence is interleaved — the
    story goes on after it, so the paragraphs that follow stay in the story."""
    page = (
        "城西公园改造开工\n\n\u3000\u3000城西公园改造工程昨日开工，计划投资\n\n本报记者 童方\n\n"
        "1.5亿元，年底前完工。\n\n\u3000\u3000改造后公园将新增儿童游乐区和健身步道。"
    )
    arts = segment_page(page, "hans")
    assert len(arts) == 1
    assert arts[0]["paragraphs"] == [
        "城西公园改造工程昨日开工，计划投资1.5亿元，年底前完工。",
        "改造后公园将新增儿童游乐区和健身步道。",
    ]


def test_page_top_tail_attached_when_it_reads_on_and_shares_rare_words() -> None:
    """Convention (head after tail): text at the page top that reads on from the cut last sentence of
    the one dangling story below, and shares its rare words (names, topic), is that story's tail."""
    page = (
        "\u3000\u3000把落水的少年拖上了岸。随后赶到的船工陶满仓帮着做了急救。\n\n"
        "\u3000\u3000少年的家人专程登门道谢，陶满仓却连连摆手。\n\n"
        "船工陶满仓勇救落水少年\n\n本报记者 沈岑\n\n"
        "\u3000\u30005月20日傍晚，一名少年在石桥镇河段游泳时体力不支。\n\n"
        "\u3000\u3000正在收网的陶满仓听到呼救，立即跳入河中，游了二十多米"
    )
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["船工陶满仓勇救落水少年"]
    assert arts[0]["paragraphs"][1].endswith(
        "游了二十多米把落水的少年拖上了岸。随后赶到的船工陶满仓帮着做了急救。"
    )


def test_unlabelled_next_item_in_a_brief_column() -> None:
    """Convention (简讯): every brief item is one paragraph; when an item's dateline was lost, a body
    paragraph after a complete item is the next item of the column, not a second paragraph."""
    page = (
        "简讯\n\n本报讯（记者 卢溪）岚溪市新开通公交线路3条，方便城郊居民出行。\n\n"
        "石桥镇中心小学新建的塑胶跑道近日投入使用，全校1200名学生受益。"
    )
    arts = segment_page(page, "hans")
    assert len(arts) == 2
    assert [a["section"] for a in arts] == ["简讯", "简讯"]
    assert arts[1]["paragraphs"] == ["石桥镇中心小学新建的塑胶跑道近日投入使用，全校1200名学生受益。"]
