"""Datelines (讯头/电头) and bylines (署名): parse them out of the text into records.

All matching runs on shadow text (lexicon.shadow: simplified, ASCII brackets) of the same length as the
printed text, so names are cut from the printed text and stay in the script they were printed in;
roles and organisations are normalised (simplified).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.text.lexicon import (
    AGENCY_RE,
    BULLETS,
    EDITOR_RE,
    EDITOR_ROLES,
    HAN,
    NON_NAMES,
    PAPER_SUFFIX_RE,
    ROLE_RE,
    ROLES,
)
from pipelines.text.script import shadow
from schema.records import Byline, Dateline

MAX_BYLINE_LEN = 48

_ORG = rf"(?P<org>本报|本刊|本台|{AGENCY_RE}|(?![据在向从对被把让经接])[{HAN}]{{2,8}}?(?:{PAPER_SUFFIX_RE}))"
_ROLE_TOKEN = re.compile(rf"{_ORG}?(?P<role>{ROLE_RE}|{EDITOR_RE})")
_STOP = rf"(?:{ROLE_RE}|{EDITOR_RE}|文/图|图/文|摄|本报)"
_NAME_TOKEN = re.compile(rf"(?:(?!{_STOP})[{HAN}·•])+")
_WORK_TOKEN = re.compile(r"(?P<work>文/图|图/文|摄影|摄|报道|报导)(?=$|[\s、,)])")
_LEAD_WORK = re.compile(r"^(?:(?P<work>文/图|图/文)\s*:?|(?:撰文|文|(?P<photo>图))\s*[/:])\s*")
_SEPARATORS = " 、,，:;/\u3000"
_BODY_PUNCT = re.compile(r"[。，；！？,;!?]")


@dataclass
class Credits:
    """What a credit line or bracket says: people (bylines), editors, and a work credit (文/图, 摄)."""

    bylines: list[Byline] = field(default_factory=list)
    editors: list[Byline] = field(default_factory=list)
    work: str | None = None


def _valid_name(name: str) -> bool:
    if name in NON_NAMES:
        return False
    plain = name.replace("·", "").replace("•", "")
    return 2 <= len(name) <= (12 if plain != name else 4) and len(plain) >= 2


def parse_credits(text: str, hant: bool = False) -> Credits | None:
    """Parse a run of role tokens and names (`本报记者 王月文 实习生 贾昕怡`, `记者孙珺 通讯员褚家威`,
    `新京报记者 苏季 校对 李铭`); None unless the whole text is such a run with at least one role."""
    s = shadow(text, hant)
    i, n = 0, len(s)
    credits = Credits()
    role: str | None = None
    org: str | None = None
    editor = False
    group: list[Byline] = []
    saw_role = False
    lead = _LEAD_WORK.match(s)
    if lead:
        # `文/图 张三`, `图／文 記者X`: the work credit comes first
        credits.work = "文/图" if lead.group("work") else None
        role = "摄影" if lead.group("photo") else "记者"
        saw_role = True
        i = lead.end()
    while i < n:
        if s[i] in _SEPARATORS:
            i += 1
            continue
        work = _WORK_TOKEN.match(s, i)
        if work and (work.end() == n or s[work.end() :].strip(_SEPARATORS + "()") == "") and saw_role:
            w = work.group("work")
            if w.startswith("摄"):
                for b in group:
                    b.role = "摄影"
            elif w in ("文/图", "图/文"):
                credits.work = "文/图"
            i = work.end()
            continue
        tok = _ROLE_TOKEN.match(s, i)
        if tok:
            printed = tok.group("role")
            editor = printed in EDITOR_ROLES and printed not in ROLES
            role = EDITOR_ROLES[printed] if editor else ROLES[printed]
            org = tok.group("org") or (org if not editor else None)  # 本报记者 A 实习生 B: B is 本报's too
            group = []
            saw_role = True
            target = credits.editors if editor else credits.bylines
            target.append(Byline(name=None, role=role, organisation=None if editor else org))
            group.append(target[-1])
            i = tok.end()
            continue
        name = _NAME_TOKEN.match(s, i)
        if name and role is not None and _valid_name(name.group(0)):
            printed_name = text[name.start() : name.end()]
            target = credits.editors if editor else credits.bylines
            if target and target[-1].name is None and target[-1].role == role and target[-1] in group:
                target[-1].name = printed_name
            else:
                target.append(Byline(name=printed_name, role=role, organisation=None if editor else org))
                group.append(target[-1])
            i = name.end()
            continue
        return None
    if not saw_role:
        return None
    # a role printed without a person is kept only where that is the convention (本报评论员)
    credits.bylines = [b for b in credits.bylines if b.name is not None or b.role == "评论员"]
    credits.editors = [b for b in credits.editors if b.name is not None]
    if not credits.bylines and not credits.editors:
        return None
    return credits


_TW_LINE = re.compile(
    rf"^[\[(<【]?(?P<org>[{HAN}]{{0,6}}?)记者(?P<names>[^/\])>】]{{2,30}}?)/(?P<place>[{HAN}]{{2,6}})(?:报导|报道|特稿)[\])>】]?$"
)
_DESK_LINE = re.compile(rf"^[\[(<【]?[{HAN}]{{2,6}}(?:中心|组|部|新闻)/[{HAN}]{{0,8}}报[导道][\])>】]?$")


def _names(text: str, s: str, start: int, end: int) -> list[str]:
    out: list[str] = []
    for m in re.finditer(rf"[{HAN}·•]+", s[start:end]):
        if _valid_name(m.group(0)):
            out.append(text[start + m.start() : start + m.end()])
    return out


def parse_byline_line(line: str, hant: bool = False) -> Credits | None:
    """A whole line that is a byline (`■ 海南日报全媒体记者 李艳玫`, `□ 湖北日报评论员`, `〔記者X／台北報導〕`,
    `责任编辑：李四`), or None. Sentences (with ，。) are never bylines."""
    text = line.strip()
    if not text or len(text) > MAX_BYLINE_LEN or _BODY_PUNCT.search(shadow(text, hant)):
        return None
    if text[0] in BULLETS:
        text = text[1:].strip()
        if not text:
            return None
    serial = re.search(r"[)）]\s*\d{4,8}$", text)
    if serial:
        text = text[: serial.start() + 1]  # 中央社 `（編輯：黃啟賢）1150403`
    s = shadow(text, hant)
    if _DESK_LINE.match(s):
        return Credits()
    tw = _TW_LINE.match(s)
    if tw:
        org = tw.group("org") or None
        return Credits(
            bylines=[Byline(n, "记者", org) for n in _names(text, s, tw.start("names"), tw.end("names"))]
        )
    if s[0] in "([<【" and s[-1] in ")]>】":
        inner = parse_credits(text[1:-1], hant)
        if inner:
            return inner
    credits = parse_credits(text, hant)
    if credits is None and line.strip()[0] in BULLETS:
        # B1: a bullet and a bare name (pen name) is a byline without role
        if re.fullmatch(rf"[{HAN}·]{{2,6}}", text):
            return Credits(bylines=[Byline(name=text, role=None, organisation=None)])
    return credits


# --------------------------------------------------------------------------- datelines

_DATE = r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})月)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})日"
_DATELINES: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"^【?本报(?:综合)?讯】?"), "本报"),
    # `本报合肥18日电`, and without the date `本报鹭川电` (the place alone, as evening papers print it)
    (re.compile(rf"^本报(?P<place>[{HAN}]{{2,8}}?)(?P<date>{_DATE})?电"), "本报"),
    (re.compile(rf"^(?:据)?(?P<org>{AGENCY_RE})(?P<place>[{HAN}]{{2,12}}?)(?P<date>{_DATE})电"), None),
    (re.compile(rf"^【(?P<org>{AGENCY_RE})(?P<place>[{HAN}]{{0,12}}?)(?P<date>{_DATE})[电讯]】"), None),
    (
        re.compile(
            rf"^\((?P<org>中央社)记者(?P<names>[{HAN}、·]{{2,30}}?)(?P<place>[{HAN}]{{2}})(?P<date>\d{{1,2}}日)(?:专电|电|综合外电报导)\)"
        ),
        None,
    ),
    # CNA without a reporter: the place may be a foreign city of any length (`斯德哥爾摩`, `東京`)
    (
        re.compile(
            rf"^\((?P<org>中央社)(?P<place>[{HAN}·]{{2,10}}?)(?P<date>\d{{1,2}}日)(?:专电|电|综合外电报导|综合报导)\)"
        ),
        None,
    ),
    (re.compile(rf"^【(?P<org>[{HAN}]{{1,6}}?)(?:专讯|讯|综合报道|报道)】"), None),
    (re.compile(rf"^\((?P<org>[{HAN}]{{2,6}}?(?:{PAPER_SUFFIX_RE}))报道\)"), None),
    (re.compile(rf"^(?P<org>[{HAN}]{{2,10}}?(?:{PAPER_SUFFIX_RE}))讯"), None),
    (
        re.compile(
            rf"^[\[<(](?:[{HAN}]{{2,6}}(?:中心|组|部|新闻))/(?:综合|(?P<place>[{HAN}]{{2,6}}?)(?:综合)?)(?:报导|报道)[\]>)]"
        ),
        None,
    ),
    (
        re.compile(
            rf"^[\[<(](?P<org>[{HAN}]{{0,6}}?)记者(?P<names>[^/\]>)]{{2,30}}?)/(?P<place>[{HAN}]{{2,6}})(?:报导|报道)[\]>)]"
        ),
        None,
    ),
    # the same LTN/desk prefixes printed without brackets, set off from the body by a space:
    # `記者X／桐港報導　桐港縣…`, `地方中心／綜合報導　…`
    (
        re.compile(
            rf"^(?P<org>[{HAN}]{{0,6}}?)记者(?P<names>[{HAN}、·]{{2,30}}?)/(?P<place>[{HAN}]{{2,6}})(?:报导|报道)(?= )"
        ),
        None,
    ),
    (
        re.compile(
            rf"^(?:[{HAN}]{{2,6}}(?:中心|组|部|新闻))/(?:综合|(?P<place>[{HAN}]{{2,6}}?)(?:综合)?)(?:报导|报道)(?= )"
        ),
        None,
    ),
]
_BRACKET = re.compile(r"\s*\((?P<inner>[^()]{1,80})\)")
_PLACE_REPORT = re.compile(rf"\s*(?P<place>[{HAN}]{{2,4}})(?:报道|报导)$")
_INLINE_REPORTER = re.compile(rf"\s*记者\s*(?P<names>[{HAN}、·]{{2,20}}?)\s*报道:")
_GLOBAL_TIMES = re.compile(r"^\[(?P<inner>[^\]]{4,60})\]")


def _bracket_credits(text: str, s: str, start: int, end: int, hant: bool) -> Credits | None:
    inner_text, inner_s = text[start:end], s[start:end]
    place = _PLACE_REPORT.search(inner_s)
    if place:
        inner_text = inner_text[: place.start()]
    return parse_credits(inner_text, hant)


def parse_dateline(paragraph: str, hant: bool = False) -> tuple[Dateline | None, list[Byline], str]:
    """Split a first paragraph's dateline prefix and bracketed reporters from its body.

    Returns (dateline, bylines, rest). `记者从…获悉`, `据本报记者…` are body and give (None, [], paragraph).
    """
    s = shadow(paragraph, hant)
    for pattern, fixed_org in _DATELINES:
        m = pattern.match(s)
        if not m:
            continue
        groups = m.groupdict()
        org = fixed_org or groups.get("org") or None
        bylines: list[Byline] = []
        if groups.get("names"):
            bylines = [Byline(n, "记者", org) for n in _names(paragraph, s, m.start("names"), m.end("names"))]
        printed = paragraph[: m.end()]
        if len(printed) > 2 and s[0] in "([<【" and s[m.end() - 1] in ")]>】":
            printed = printed[1:-1]  # the corpus keeps 【明報專訊】 as 明報專訊
        dateline = Dateline(
            text=printed,
            organisation=org,
            place=paragraph[m.start("place") : m.end("place")] if groups.get("place") else None,
            date=paragraph[m.start("date") : m.end("date")] if groups.get("date") else None,
        )
        end = m.end()
        bracket = _BRACKET.match(s, end)
        if bracket:
            credits = _bracket_credits(paragraph, s, bracket.start("inner"), bracket.end("inner"), hant)
            if credits is not None:
                for b in credits.bylines:
                    if b.organisation is None and b.role in ("记者", "全媒体记者", "特约记者", "见习记者"):
                        b.organisation = org if org in ("本报", "新华社", "中央社") else b.organisation
                bylines += credits.bylines
                end = bracket.end()
        inline = _INLINE_REPORTER.match(s, end)
        if inline:
            bylines += [
                Byline(n, "记者", org)
                for n in _names(paragraph, s, inline.start("names"), inline.end("names"))
            ]
            end = inline.end()
        rest = paragraph[end:].lstrip(" \u3000:：")
        return dateline, bylines, rest
    gt = _GLOBAL_TIMES.match(s)
    if gt:
        credits = parse_credits(paragraph[gt.start("inner") : gt.end("inner")], hant)
        if credits and credits.bylines and len(paragraph) > gt.end():
            return None, credits.bylines, paragraph[gt.end() :].lstrip(" \u3000")
    return None, [], paragraph


_END_CREDIT = re.compile(rf"\((?P<inner>(?:{EDITOR_RE}|译者)\s*:[^()]{{1,40}})\)\s*\d{{0,8}}$")


_END_BRACKET = re.compile(r"\((?P<inner>[^()]{2,40})\)\s*$")


def split_end_credit(paragraph: str, hant: bool = False) -> tuple[str, list[Byline], list[Byline]]:
    """`…（編輯：陳承功）1151002` / `…。（记者 邱棠）` → (body, editors, bylines) of a last paragraph."""
    s = shadow(paragraph, hant)
    m = _END_CREDIT.search(s) or _END_BRACKET.search(s)
    if not m:
        return paragraph, [], []
    before = paragraph[: m.start()].rstrip()
    if before and before[-1] not in "。！？!?…”」":
        return paragraph, [], []
    credits = parse_credits(paragraph[m.start("inner") : m.end("inner")], hant)
    if credits is None:
        return paragraph, [], []
    return before, credits.editors, credits.bylines


def byline_dict(b: Byline, work: str | None = None) -> dict[str, str | None]:
    """The corpus JSON shape of a byline (with the optional `work` key)."""
    out: dict[str, str | None] = {"name": b.name, "role": b.role, "organisation": b.organisation}
    if work:
        out["work"] = work
    return out
