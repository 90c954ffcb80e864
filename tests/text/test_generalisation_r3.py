"""Round 3: one literal test per newspaper convention added so the text rules generalise further.

Every page and line here is fictional text written for these tests (places 岚溪, 石桥镇, 溪口, 芦湾…); none is
taken from the corpora. Each test names the convention it encodes.
"""

from __future__ import annotations

from pipelines.text.attribution import parse_dateline
from pipelines.text.headings import assign_head, is_heading_like
from pipelines.text.rejoin import rejoin, should_join
from pipelines.text.segment import segment_page
from pipelines.text.units import is_furniture


def _titles(articles: list[dict]) -> list[str | None]:
    return [a["title"] for a in articles]


# --------------------------------------------------------------------------- furniture


def test_folio_line_with_weekday_and_page_code_is_furniture() -> None:
    """Convention: the folio prints paper, date, weekday, page code and page name on one line; a page
    code like `A2` carries no 版, the weekday (星期三 / 周三) marks the line as a folio."""
    assert is_furniture("岚溪日报\u30002026年6月3日\u3000星期三\u3000A2\u3000要闻", 0)
    assert is_furniture("溪口晚報\u30002026年6月4日\u3000星期四\u3000B3\u3000港聞", 7)
    assert is_furniture("2026年6月3日 星期三", 0)
    assert not is_furniture("2026年6月3日星期三上午，岚溪市举行了开学典礼，全校师生参加。", 5)


def test_contact_line_of_a_notice_is_not_page_furniture() -> None:
    """Convention (启事/notice): a `投稿邮箱：…` line under other `label：value` lines is the notice's last
    line and stays in the article; alone on the page it is the page's contact furniture."""
    page = (
        "“老照片里的岚溪”征稿启事\n\n本报即日起征集反映岚溪城市变迁的老照片，欢迎读者踊跃投稿。\n\n"
        "截稿时间：2026年8月31日\n\n投稿邮箱：photo@lanxi.example"
    )
    arts = segment_page(page, "hans")
    assert arts[0]["paragraphs"][-2:] == ["截稿时间：2026年8月31日", "投稿邮箱：photo@lanxi.example"]
    assert is_furniture("投稿邮箱：photo@lanxi.example", 9)


# --------------------------------------------------------------------------- heads


def test_unmarked_line_above_the_title_is_the_kicker() -> None:
    """Convention: a 副题 under the title is printed with its leading ——, an 引题 above the title often
    without its dash; so of two unmarked head lines the first is the kicker, the second the title."""
    head = assign_head(["专访岚溪市图书馆馆长柯宁", "“让书香飘进每一条小巷”"])
    assert head["kicker"] == "专访岚溪市图书馆馆长柯宁"
    assert head["title"] == "“让书香飘进每一条小巷”"
    assert head["subtitle"] is None
    head = assign_head(["石桥镇老桥修缮完工", "——记古桥保护志愿者"])
    assert head["title"] == "石桥镇老桥修缮完工" and head["subtitle"] == "记古桥保护志愿者"


def test_comma_clause_cut_after_a_function_word_is_no_head() -> None:
    """Convention: a head may carry a comma, but never ends on a function word (的/把/在/与…); a comma
    clause ending on one is a sentence cut by a column break, i.e. body."""
    assert not is_heading_like("近年来，石桥镇把废弃的")
    assert not is_heading_like("今年以来，芦湾村与")
    assert is_heading_like("守住老手艺，走出新路子")
    assert is_heading_like("村里的“共享书屋”")


def test_signed_section_after_a_one_line_head_is_another_story() -> None:
    """Convention (a story is signed once): in a story signed under its head, a heading line followed by
    text that ends in its own reporter credit `（记者 A 通讯员 B）` is the head of another story."""
    page = (
        "石桥镇老桥修缮完工\n\n本报记者 童方\n\n历时半年，石桥镇老桥修缮完工，昨日恢复通行。\n\n"
        "施工中，工人们保留了原有的石栏杆和桥墩。\n\n"
        "溪口街道开通夜间诊室\n\n溪口街道社区卫生服务中心开通夜间诊室，每晚开诊到九点。（记者 卢溪 通讯员 季禾）"
    )
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["石桥镇老桥修缮完工", "溪口街道开通夜间诊室"]
    assert arts[0]["crossheads"] == []
    assert [(b["name"], b["role"]) for b in arts[1]["bylines"]] == [("卢溪", "记者"), ("季禾", "通讯员")]
    # an unsigned section after a crosshead stays in the story
    unsigned = page.replace("（记者 卢溪 通讯员 季禾）", "")
    arts = segment_page(unsigned, "hans")
    assert _titles(arts) == ["石桥镇老桥修缮完工"] and arts[0]["crossheads"] == ["溪口街道开通夜间诊室"]


def test_verse_under_a_signed_title_and_the_next_pieces_title() -> None:
    """Convention (副刊): a poem prints title, author, then short unpunctuated lines, one per paragraph;
    the last short line before the next author line is that next piece's title."""
    page = (
        "芦湾的秋天\n\n本报记者 米禾\n\n芦花白了堤岸\n\n雁阵写过天边\n\n父亲把船拴好\n\n灯火一盏一盏\n\n"
        "巷口的豆腐坊\n\n通讯员 沈岑\n\n天不亮，巷口的豆腐坊就亮起了灯。"
    )
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["芦湾的秋天", "巷口的豆腐坊"]
    assert arts[0]["paragraphs"] == ["芦花白了堤岸", "雁阵写过天边", "父亲把船拴好", "灯火一盏一盏"]
    assert [b["name"] for b in arts[1]["bylines"]] == ["沈岑"]


def test_author_note_closes_the_piece() -> None:
    """Convention: `（作者单位：…）` ends a signed piece like an end byline; a head after it opens the next
    piece, it is not a crosshead."""
    page = (
        "巷口的豆腐坊\n\n通讯员 沈岑\n\n天不亮，巷口的豆腐坊就亮起了灯。\n\n（作者单位：岚溪市第三中学）\n\n"
        "芦湾村举办丰收节\n\n芦湾村昨天举办丰收节，村民们晒出了自家的新米和柿饼。"
    )
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["巷口的豆腐坊", "芦湾村举办丰收节"]
    assert arts[0]["crossheads"] == []


# --------------------------------------------------------------------------- sections


def test_page_label_over_a_story_with_a_photo_does_not_carry() -> None:
    """Convention: a brief column's label heads a run of text items; a label over a story with its
    picture (or over a photo group) names the page and is not carried to the stories below it."""
    page = (
        "城事\n\n老街口新添便民驿站\n\n本报讯 近日，老街口便民驿站投入使用。\n\n\n\n"
        "▲环卫工人在驿站休息。本报记者 童方 摄\n\n\n\n"
        "湖滨步道夜间亮灯\n\n本报讯 湖滨步道新装的路灯本周起每晚亮到十一点。\n\n"
        "东门菜场完成改造\n\n本报讯 东门菜场改造后重新开业，新增摊位40个。"
    )
    arts = segment_page(page, "hans")
    assert [a["section"] for a in arts] == ["城事", None, None]
    column = page.replace("\n\n\n\n▲环卫工人在驿站休息。本报记者 童方 摄\n\n\n\n", "\n\n")
    assert [a["section"] for a in segment_page(column, "hans")] == ["城事", "城事", "城事"]


# --------------------------------------------------------------------------- photos


def test_head_over_a_single_caption_is_a_photo_item() -> None:
    """Convention (图片新闻): a head whose only content is a photo caption is a photo item of its own,
    never a crosshead of the story above it (a crosshead is followed by text)."""
    page = (
        "石桥镇老桥修缮完工\n\n本报记者 童方\n\n历时半年，石桥镇老桥修缮完工，昨日恢复通行。\n\n"
        "芦湾稻田迎来开镰\n\n\n\n9月20日，芦湾村的农机手驾驶收割机收割水稻。本报记者 米禾 摄"
    )
    arts = segment_page(page, "hans")
    assert _titles(arts) == ["石桥镇老桥修缮完工", "芦湾稻田迎来开镰"]
    assert arts[1]["paragraphs"] == [] and arts[1]["captions"][0]["credit"] == "本报记者 米禾 摄"


def test_unmarked_photo_between_two_stories_is_its_own_item() -> None:
    """Convention: an unmarked photo caption printed after a story's last full sentence and before the
    next story's dateline is a head-less photo item; the dateline after it opens the next story."""
    page = (
        "溪口渔港恢复作业\n\n記者柯安／溪口報導\n\n溪口漁港昨天恢復作業，漁船陸續出港。\n\n\n\n"
        "芦灣碼頭5日作業情形。中央社記者沈岑攝 115年6月5日\n\n\n\n"
        "〔社會中心／綜合報導〕溪口市一處路口號誌故障，警方派員指揮交通。"
    )
    arts = segment_page(page, "hant")
    assert len(arts) == 3
    assert arts[1]["title"] is None and arts[1]["paragraphs"] == [] and len(arts[1]["captions"]) == 1
    assert arts[2]["dateline"]["text"] == "社會中心／綜合報導" and arts[0]["captions"] == []


def test_photo_with_another_date_leaves_the_photo_group() -> None:
    """Convention: the photos of a group show one event and only the first caption is dated; a later
    caption opening with another date (`▲9月19日，…`) is a separate photo item."""
    page = (
        "稻谷飘香 秋收正忙\n\n\n\n▲9月20日，芦湾村农机手驾驶收割机收割水稻。本报记者 米禾 摄\n\n\n\n"
        "▲村民在晒场上翻晒稻谷。本报记者 米禾 摄\n\n\n\n▲9月19日，市民在岚溪公园观赏桂花。(资料图片)"
    )
    arts = segment_page(page, "hans")
    assert len(arts) == 2
    assert len(arts[0]["captions"]) == 2 and arts[1]["title"] is None and len(arts[1]["captions"]) == 1
    same_day = page.replace("▲9月19日，", "▲9月20日，")
    assert len(segment_page(same_day, "hans")) == 1


# --------------------------------------------------------------------------- datelines


def test_datelines_without_date_or_reporter() -> None:
    """Conventions: an evening paper's `本报{地}电` may omit the date; CNA prints its foreign desk as
    `（中央社{城市}{日}日綜合外電報導）` with cities of any length; `记者 X报道：` may carry a space."""
    dateline, bylines, rest = parse_dateline("本报芦湾电（记者 沈岑）秋粮收购今起启动。")
    assert dateline is not None and (dateline.text, dateline.place, dateline.date) == ("本报芦湾电", "芦湾", None)
    assert [b.name for b in bylines] == ["沈岑"] and rest == "秋粮收购今起启动。"
    dateline, bylines, rest = parse_dateline("（中央社布宜諾斯艾利斯6日綜合外電報導）當地今天舉行馬拉松。", hant=True)
    assert dateline is not None and dateline.place == "布宜諾斯艾利斯" and dateline.date == "6日"
    assert bylines == [] and rest == "當地今天舉行馬拉松。"
    dateline, bylines, rest = parse_dateline("（中央社記者柯安、沈岑台北6日電）行政院今天表示。", hant=True)
    assert dateline is not None and dateline.place == "台北" and [b.name for b in bylines] == ["柯安", "沈岑"]
    dateline, bylines, rest = parse_dateline("本报石桥6月2日电 记者 童方报道：石桥镇老桥今天恢复通行。")
    assert [b.name for b in bylines] == ["童方"] and rest == "石桥镇老桥今天恢复通行。"
    assert parse_dateline("本报电视频道今晚播出纪录片。")[0] is None


# --------------------------------------------------------------------------- joins


def test_paragraph_opening_with_a_whole_quoted_sentence_is_not_joined() -> None:
    """Convention: a paragraph may open with a whole quoted sentence (`“……。”某某说`); a phrase cut by a
    column break never runs on into one, so text is missing there (gap), no join."""
    assert not should_join("改造完成后，沿河两岸的", "“以前一下雨就淹，现在放心了。”居民老周说。")
    assert should_join("排水能力将由原来的", "“一年一遇”提升到“三年一遇”。")
    paras, joins = rejoin(["渡口改造后，两岸的", "“过河再也不用等船了。”村民陶满仓说。"])
    assert joins == 0 and len(paras) == 2
