"""The vocabulary of Chinese newspaper text, in one place.

Every rule module imports its words from here so that a new role, agency or credit word is added once.
Patterns are written for *shadow* text (see `shadow`): simplified script, ASCII brackets/colon/slash,
single spaces. Shadow text has the same length as the original, so a match's span cuts the printed text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# --------------------------------------------------------------------------- characters

HAN = r"\u4e00-\u9fff\u3400-\u4dbf"
NAME = rf"[{HAN}][{HAN}·•]{{1,5}}"  # 2–6 chars, transliterations with a middle dot
SENTENCE_END = "。！？!?…；;：:"  # a paragraph ending in one of these is complete (rule 3)
CLOSERS = "”’」』)）》】>〉]"  # peeled from the end only when the char before is terminal or closing
LEADING_CLOSERS = (
    "，。、；：！？”’」』）)》】%‰,.;:!?"  # a block starting with one continues the last (rule 1)
)
DIGIT_UNITS = "年月日时分秒个万亿元%‰号届次名位项件台家"  # digit + unit across a break (rule 2)
DANGLING_END = "的在为对和与及并或而是将把被向从以于这该此其之“《（(、，,"  # rule 9
CONTINUATION_START = "的了们等着过地得之和与及并或而是在为对把被向从以于"  # rule 10
PARTICLE_START = "的了们等着过地得之和与及并或而"  # starts that no heading's next paragraph has
# paragraph openers: `如今，…` starts a new paragraph even after a cut one (text is missing between)
OPENERS = (
    "如今",
    "近日",
    "日前",
    "目前",
    "此外",
    "另外",
    "同时",
    "与此同时",
    "下一步",
    "据了解",
    "据介绍",
    "据悉",
    "今年以来",
    "去年以来",
    "近年来",
    "当天",
    "随后",
    "截至目前",
    "记者了解到",
)
BULLETS = "■□●◆◇"

# --------------------------------------------------------------------------- roles and organisations

# Printed role → normalised role. Longest first when building the regex.
ROLES: dict[str, str] = {
    "全媒体记者": "全媒体记者",
    "融媒体记者": "全媒体记者",
    "全媒记者": "全媒体记者",
    "融媒记者": "全媒体记者",
    "首席记者": "记者",
    "特约记者": "特约记者",
    "见习记者": "见习记者",
    "实习记者": "见习记者",
    "摄影记者": "摄影",
    "记者": "记者",
    "通讯员": "通讯员",
    "实习生": "实习生",
    "评论员": "评论员",
    "特约评论员": "评论员",
    "编译": "编译",
    "摄影": "摄影",
    "撰稿人": "撰稿人",
}
# Editor credits (go to ArticleText.editors, never to bylines). Printed → normalised.
EDITOR_ROLES: dict[str, str] = {
    "本版责编": "责任编辑",
    "本版编辑": "编辑",
    "责任编辑": "责任编辑",
    "责任校对": "校对",
    "美术编辑": "美编",
    "版式设计": "版式",
    "责编": "责任编辑",
    "编辑": "编辑",
    "校对": "校对",
    "版式": "版式",
    "版面": "版式",
    "美编": "美编",
    "美术": "美编",
    "组版": "组版",
    "主编": "主编",
    "监制": "监制",
    "编审": "编审",
    "核稿": "核稿",
    "译者": "译者",
}
AGENCIES = ("新华社", "中新社", "中央社", "人民网", "新华网", "中新网", "央视网", "央视", "中通社", "中评社")
PAPER_SUFFIXES = ("都市报", "特区报", "日报", "晚报", "时报", "商报", "晨报", "快报", "早报", "报")
# words that follow 记者 in body sentences and are never names (记者了解到, 接受记者采访)
NON_NAMES = frozenset(
    "了解 获悉 看到 发现 采访 走访 调查 注意 表示 介绍 观察 统计 询问 从中 一行 来到 跟随 随机 现场".split()
)

# `label：value` lines of notices (联系人：贺先生) — never headings
FORM_LABELS = (
    "联系人",
    "联系电话",
    "电话",
    "手机",
    "地址",
    "邮编",
    "邮政编码",
    "传真",
    "邮箱",
    "电子邮箱",
    "网址",
    "时间",
    "地点",
    "日期",
    "开户行",
    "账号",
    # the form words that end a notice's labels (报名方式：, 咨询热线：, 招生对象：, 收费标准：)
    "方式",
    "热线",
    "对象",
    "费用",
    "名额",
    "条件",
    "标准",
)

# --------------------------------------------------------------------------- captions

CAPTION_MARKS = ("▲", "△", "▼", "↑", "↓", "←", "→", "◀", "▶")
CAPTION_PREFIXES = ("图为", "图:", "图片:", "上图", "下图", "左图", "右图", "组图", "图一", "图二")
# words that make a bracketed tail a photo credit
CREDIT_WORDS = (
    "资料图片",
    "资料照片",
    "供图",
    "提供",
    "摄影",
    "摄",
    "新华社发",
    "翻摄",
    "截图",
    "视觉中国",
    "CFP",
    "图/",
)
MAX_CAPTION_LEN = 160

# --------------------------------------------------------------------------- heads

SECTION_LABELS = (
    "聚焦",
    "资讯",
    "简讯",
    "快讯",
    "短讯",
    "动态",
    "要闻",
    "综合",
    "时评",
    "观察",
    "关注",
    "视点",
    "本地",
    "社会",
    "民生",
    "图片新闻",
    "图片报道",
    "新闻速递",
    "一线",
    "基层",
    "副刊",
    "专题",
    "特别报道",
)
BRIEF_LABELS = ("资讯", "简讯", "快讯", "短讯", "动态", "新闻速递", "速递", "一句话新闻")
MAX_SECTION_LEN = 6
MAX_HEADING_LEN = 30
MAX_KICKER_LEN = 45

# page furniture that is never an article: masthead date, 导读 labels and their `第3版 …` entries
FURNITURE_PATTERNS = (
    r"^\d{4}年\d{1,2}月\d{1,2}日\s*(?:星期|周)[一二三四五六日天][^，。！？；,]{0,30}$",
    r"^(?:本版|今日|本期)?导读$",
    r"^第\s*[0-9A-Z一二三四五六七八九十]{1,4}\s*版\s*\S.{0,28}$",
    r"^(?:本版|一版)?(?:邮箱|热线|投稿邮箱|新闻热线)\s*[:：].{0,40}$",
    # a 导读 entry printed head first, page reference last: `某某工程提速　第3版` / `……　A3版`
    r"^\S.{1,30}?[\s\u3000]+(?:第\s*[0-9A-Z一二三四五六七八九十]{1,4}|[A-Z]\d{1,2})\s*版$",
    # a folio line: paper name / date / page number / page name on one line, anywhere on the page
    r"^.{0,12}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,16}?第\s*[0-9A-Z一二三四五六七八九十]{1,4}\s*版.{0,12}$",
    # a folio line naming the weekday: `某某日报　2026年5月13日　星期三　A2　要闻` (page code without 版)
    r"^.{0,12}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期|周|禮拜|礼拜)[一二三四五六日天](?:\s[^，。！？；,]{0,20})?$",
)

# --------------------------------------------------------------------------- continuations

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# --------------------------------------------------------------------------- shadow text

_FOLD = str.maketrans(
    {
        **{
            chr(c): chr(c - 0xFEE0)
            for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
        },
        "．": ".",
        "％": "%",
        "（": "(",
        "）": ")",
        "：": ":",
        "／": "/",
        "，": ",",
        "〔": "[",
        "〕": "]",
        "［": "[",
        "］": "]",
        "﹝": "[",
        "﹞": "]",
        "〈": "<",
        "〉": ">",
        "\u3000": " ",
        "\u00a0": " ",
        "\t": " ",
        "︰": ":",
    }
)


def fold(text: str) -> str:
    """Fold bracket/colon/slash widths to ASCII, one-for-one (same length as the input)."""
    return text.translate(_FOLD)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of words, longest first, escaped."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


ROLE_RE = alternation(ROLES)
EDITOR_RE = alternation(EDITOR_ROLES)
AGENCY_RE = alternation(AGENCIES)
PAPER_SUFFIX_RE = alternation(PAPER_SUFFIXES)
