"""Image captions: detect them, split the text from the photo credit, attach them to images.

A caption is (a start mark such as ▲ / 图为, or an end photo credit) and short. Credits need a bracket
or a name before 摄 anchored at a sentence/space boundary, so body sentences ending in 拍摄/提供 stay body.
"""

from __future__ import annotations

import re

from pipelines.text.lexicon import CAPTION_MARKS, CAPTION_PREFIXES, CREDIT_WORDS, HAN, MAX_CAPTION_LEN, NAME
from pipelines.text.script import shadow
from schema.records import Caption, ImageRef

_NAMES = rf"{NAME}(?:[、 ]{NAME})*"
_BRACKET_CREDIT = re.compile(r"[(<](?P<credit>[^()<>]{1,40})[)>]\s*$")
_PERSON_CREDIT = re.compile(
    rf"(?:^|(?<=[\s。！？!?”]))(?P<credit>(?:(?:本报|新华社|中新社|[{HAN}]{{2,8}}?报)?(?:摄影记者|特约记者|记者|通讯员|实习生)\s*)?{_NAMES}\s*摄影?)\s*$"
)
_AGENCY_CREDIT = re.compile(
    rf"(?:^|(?<=[\s。！？!?”]))(?P<credit>新华社发(?:\s*\(?{NAME}\s*摄\)?)?|新华社记者\s*{_NAMES}\s*摄|中央社记者[{HAN}]{{2,8}}(?:摄|传真)\s*\d{{2,3}}年\d{{1,2}}月\d{{1,2}}日|资料图片|资料照片|[{HAN}]{{2,8}}供图|视觉中国|CFP)\s*$"
)
_GLUED = re.compile(r"[(<](?P<credit>[^()<>]{1,40})[)>]")
TERMINAL = "。！？!?…"


def _is_credit(inner: str) -> bool:
    inner = inner.strip()
    if not any(w in inner for w in CREDIT_WORDS):
        return False
    if inner.endswith(("提供", "供图")) and len(inner) <= 2:
        return False
    # 摄 must credit someone (记者X摄, X摄, 图/X) — not a verb inside a sentence
    return not ("，" in inner or "," in inner or "。" in inner)


def has_caption_mark(text: str) -> bool:
    t = text.lstrip()
    return t.startswith(CAPTION_MARKS) or t.startswith(CAPTION_PREFIXES)


def split_credit(text: str, hant: bool = False) -> tuple[str, str | None]:
    """(caption text, credit) — the credit without its brackets; (text, None) when none is printed."""
    stripped = text.rstrip()
    s = shadow(stripped, hant)
    m = _BRACKET_CREDIT.search(s)
    if m and _is_credit(m.group("credit")):
        text, credit = stripped[: m.start()].rstrip(), stripped[m.start("credit") : m.end("credit")].strip()
        lead = _AGENCY_CREDIT.search(shadow(text, hant))
        if lead and lead.group("credit").endswith("供图"):
            # `视觉中国供图（资料图片）`: the agency credit and the bracket are one credit
            return text[: lead.start("credit")].rstrip(), stripped[lead.start("credit") :].strip()
        return text, credit
    for pattern in (_AGENCY_CREDIT, _PERSON_CREDIT):
        m = pattern.search(s)
        if m:
            return stripped[: m.start("credit")].rstrip(), stripped[
                m.start("credit") : m.end("credit")
            ].strip()
    return stripped, None


def split_caption(text: str, hant: bool = False) -> Caption | None:
    """A Caption when the line is one (mark or credit, ≤ 160 chars; 200 with a mark), else None.

    A credit-only line (`（新华社发）`) gives a Caption with empty text: the caller attaches it to the
    caption before (failure case C6 of the conventions)."""
    text = text.strip()
    if not text:
        return None
    marked = has_caption_mark(text)
    if len(text) > (MAX_CAPTION_LEN + 40 if marked else MAX_CAPTION_LEN):
        return None
    body, credit = split_credit(text, hant)
    if not marked and credit is None:
        return None
    if not marked and body and body[-1] not in TERMINAL + "”）)" and len(body) > 40:
        # a long body sentence ending in a credit-like word without sentence end: not a caption
        return None
    return Caption(text=body, credit=credit)


def split_glued(paragraph: str, hant: bool = False) -> tuple[Caption | None, str]:
    """`▲…（圖／記者盧梅攝）蔡丁貴昨…` → (caption, body) when ≥ 20 chars follow the credit bracket."""
    s = shadow(paragraph, hant)
    for m in _GLUED.finditer(s):
        if m.start() > MAX_CAPTION_LEN:
            break
        if not _is_credit(m.group("credit")):
            continue
        rest = paragraph[m.end() :].lstrip()
        before = paragraph[: m.start()].rstrip()
        if len(rest) < 20 or not before:
            continue
        if has_caption_mark(before) or before[-1] in TERMINAL:
            return Caption(text=before, credit=paragraph[m.start("credit") : m.end("credit")].strip()), rest
    return None, paragraph


def split_trailing(paragraph: str, hant: bool = False) -> tuple[str, Caption | None]:
    """`…損失嚴重。▲屯灣有街道昨晨水浸。（X攝）` → (body, caption): a marked caption glued after body text."""
    for i in range(len(paragraph) - 1, 0, -1):
        if paragraph[i] in CAPTION_MARKS and paragraph[i - 1] in TERMINAL + "”」』）)":
            cap = split_caption(paragraph[i:], hant)
            body = paragraph[:i].rstrip()
            if cap is not None and cap.text and len(body) >= 10:
                return body, cap
            return paragraph, None
    return paragraph, None


def attach_captions(captions: list[Caption], images: list[ImageRef], hant: bool = False) -> list[Caption]:
    """Give each image its caption: its own printed caption first, then body captions by order.

    Body captions that repeat an image's own caption are dropped; captions left over keep image_url None."""
    out: list[Caption] = []
    free: list[ImageRef] = []
    own_texts: dict[str, Caption] = {}
    for image in images:
        if image.caption and image.caption.strip():
            cap = split_caption(image.caption, hant) or Caption(text=image.caption.strip())
            if cap.credit is None and image.credit:
                cap.credit = image.credit
            cap.image_url = image.url
            out.append(cap)
            own_texts[_key(cap.text)] = cap
        else:
            free.append(image)
    for cap in captions:
        twin = own_texts.get(_key(cap.text))
        if twin is not None:
            twin.credit = twin.credit or cap.credit
            continue
        if free:
            cap.image_url = free.pop(0).url
        out.append(cap)
    return out


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def caption_dict(c: Caption) -> dict[str, str | None]:
    return {"text": c.text, "credit": c.credit}
