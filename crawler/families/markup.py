"""HTML helpers the families share: selectors as data, text extraction, labels, dates, decoded documents.

Selectors are CSS or XPath strings (an XPath starts with `/`, `(` or `./`); `Document.load` decodes a
payload (crawler/families/encoding.py) and refuses what is not a whole HTML page with a ParseError.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlunsplit

from lxml import etree
from lxml.cssselect import LxmlHTMLTranslator

from crawler.families.contract import ParseError
from crawler.families.encoding import decode_html
from crawler.families.urls import split_url

Selectors = Mapping[str, Sequence[str]]

BR_MARK = "\u2028"  # stands in for <br> while text is extracted
BLOCK_TAGS = frozenset(
    "p div table tbody thead tr td th li ul ol h1 h2 h3 h4 h5 h6 section article blockquote center "
    "founder-content dl dt dd".split()
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
# `(?:[^/]++|/(?!…))*+` is `.*?` up to the first closing mark, read without trying the mark at every character
# (possessive: the runs never backtrack): the same matches, in half the time on a Founder page
ENPPROPERTY_RE = re.compile(
    r"<!--\s*enpproperty\b((?:[^/]++|/(?!enpproperty\s*-->))*+)/enpproperty\s*-->", re.I
)
PROPERTY_FIELD_RE = re.compile(r"<([A-Za-z][\w:-]*)>((?:[^<]++|<(?!/\1>))*+)</\1>")
LABEL_RE = re.compile(
    r"^\s*第?\s*(?P<num>[A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*版?\s*(?:[:：]\s*|\s+|$)(?P<name>.*)$", re.S
)
PAGE_INFO_RES = (
    re.compile(r"版\s*次\s*[:：]\s*第?\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)"),
    re.compile(r"第\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*版"),
    re.compile(r"日\s*[（(]?\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*版"),  # `（2017年03月20日 21版）`
    re.compile(r"^\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*版"),
    re.compile(r"^\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*$"),
)
# A list entry or hotspot that credits the page's editors (`本版责编：…`, `编辑：…`): page furniture, not a story.
EDITOR_CREDIT_RE = re.compile(
    r"^[\s(（【]*(?:本版|一版|本期)?(?:责任编辑|责编|编辑|校对|版式设计|版式|美编|美术编辑|组版|主编|监制)"
    r"\s*[:：]"
)
VIEW_SCRIPT_RE = re.compile(r"""view\(\s*["'](.*?)["']\s*\)""", re.S)
# the helpers' own patterns, compiled once: they run on every text node of every page
_SPACE_RUN_RE = re.compile(r"[ \t\n\f\v]+")
_ANY_SPACE_RE = re.compile(r"\s+")
_TAG_RE = re.compile(r"<[^>]+>")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
_LEADING_INT_RE = re.compile(r"\s*(\d+)")
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
CN_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


_CSS = LxmlHTMLTranslator()  # what lxml's CSSSelector(…, translator="html") translates with


@lru_cache(maxsize=2048)
def _xpath_of(selector: str) -> str:
    """The XPath of a selector: an XPath as it is, a CSS selector translated, once per process (cssselect's
    translation costs more than evaluating the XPath on a page)."""
    if selector.startswith(("/", "(", "./")):
        return selector
    return _CSS.css_to_xpath(selector)


@lru_cache(maxsize=2048)
def _compile(selector: str) -> etree.XPath:
    return etree.XPath(_xpath_of(selector))


@lru_cache(maxsize=2048)
def _compile_union(selectors: tuple[str, ...]) -> etree.XPath:
    """One XPath for a list of selectors: their union, which libxml2 returns in document order without
    repeats, so that select_all costs one evaluation and no sort in Python."""
    return etree.XPath(" | ".join(f"({_xpath_of(sel)})" for sel in selectors))


def select(root: Any, selectors: Iterable[str]) -> list[Any]:
    """Elements matched by the first selector of `selectors` that matches anything."""
    for sel in selectors:
        found = [el for el in _compile(sel)(root) if isinstance(getattr(el, "tag", None), str)]
        if found:
            return found
    return []


def select_all(root: Any, selectors: Iterable[str]) -> list[Any]:
    """Elements matched by any of `selectors`, in document order, without repeats."""
    key = tuple(selectors)
    if not key:
        return []
    return [el for el in _compile_union(key)(root) if isinstance(getattr(el, "tag", None), str)]


def clean_space(text: str) -> str:
    """Collapse ASCII whitespace runs (source line breaks) to one space and strip all surrounding space."""
    text = text.replace("\xa0", " ").replace("\r", "")
    text = _SPACE_RUN_RE.sub(" ", text)
    return text.strip()


def element_text(el: Any, *, br: str = " ") -> str:
    """Visible text of an element (scripts and comments skipped); <br> becomes `br`."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None or tag.lower() in SKIP_TAGS:
            return
        if tag.lower() == "br":
            parts.append(BR_MARK)
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return clean_space("".join(parts).replace(BR_MARK, br))


def own_text(el: Any) -> str:
    """The element's own text nodes (its text and its children's tails), without the children's text:
    `<p class=sec>本报记者 王某 <span class=date>(…05版)</span></p>` -> `本报记者 王某`."""
    parts = [el.text or ""] + [child.tail or "" for child in el if isinstance(child.tag, str)]
    return clean_space("".join(parts))


def first_text(root: Any, selectors: Iterable[str]) -> str | None:
    """The first non-empty text among the elements the selectors match (tried in order)."""
    for sel in selectors:
        for el in _compile(sel)(root):
            if not isinstance(getattr(el, "tag", None), str):
                continue
            text = element_text(el)
            if text:
                return text
    return None


def drop_tree(el: Any) -> None:
    """Remove an element and its descendants but keep its tail text in place (lxml.html's `drop_tree`, for
    the plain etree elements Document.load makes)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def squeeze(text: str) -> str:
    """Remove every space, ideographic and non-breaking ones included (`综 合` -> `综合`)."""
    return _ANY_SPACE_RE.sub("", text)


def parse_label(text: str) -> tuple[str, str]:
    """Split a page label like `第A01版：头版`, `A01： 头版`, `01版:要闻` into (number, name without spaces)."""
    text = clean_space(text)
    m = LABEL_RE.match(text)
    if not m:
        return "", squeeze(text)
    return m.group("num"), squeeze(m.group("name"))


def is_editor_credit(title: str | None) -> bool:
    """True for a page's editor-credit box (`本版责编：王某`, `编辑：李某 美编：张某`), which sits in the
    article list and the page map with the same markup as a story but is page furniture."""
    return bool(title) and bool(EDITOR_CREDIT_RE.match(title or ""))


def anchor_title(anchor: Any) -> str | None:
    """The visible title of a list link; old People's-Daily-style lists print it with
    `<script>document.write(view("上行<br>下行"))</script>`, so the string is read out of the script."""
    text = element_text(anchor)
    if not text:
        for script in anchor.iter("script"):
            m = VIEW_SCRIPT_RE.search(script.text or "")
            if m:
                raw = re.sub(r"<br\s*/?>", " ", m.group(1), flags=re.I)
                text = clean_space(html.unescape(re.sub(r"<[^>]+>", "", raw)))
                break
    return text or None


def page_number_from_info(text: str) -> str | None:
    for pattern in PAGE_INFO_RES:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None


@lru_cache(maxsize=16384)
def strip_query(url: str) -> str:
    """The URL without query and fragment (`content_1.htm?div=-1` -> `content_1.htm`)."""
    parts = split_url(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


@lru_cache(maxsize=16384)
def strip_fragment(url: str) -> str:
    parts = split_url(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def parse_coords(coords: str, shape: str | None = None) -> list[float]:
    """Flat [x, y, ...] of an <area>; rectangles become 4-vertex polygons; circles and odd lists give []."""
    values = [float(v) for v in _NUMBER_RE.findall(coords or "")]
    shape = (shape or "").lower()
    if shape in {"rect", "rectangle"} and len(values) == 4:
        x1, y1, x2, y2 = values
        return [x1, y1, x2, y1, x2, y2, x1, y2]
    if shape in {"circle", "circ"}:
        return []
    if len(values) % 2:
        values = values[:-1]
    return values if len(values) >= 6 else []


def int_attr(value: str | None) -> int | None:
    m = _LEADING_INT_RE.match(value or "")
    return int(m.group(1)) if m else None


def enpproperty_fields(text: str) -> dict[str, str]:
    """Non-empty `<!--enpproperty <k>v</k>… /enpproperty-->` fields of all trailers (first value wins)."""
    fields: dict[str, str] = {}
    for block in ENPPROPERTY_RE.findall(text):
        for key, value in PROPERTY_FIELD_RE.findall(block):
            if "<" in value:
                value = _TAG_RE.sub("", value)
            value = clean_space(html.unescape(value) if "&" in value else value)
            if value and key not in fields:
                fields[key] = value
    return fields


def date_from_text(text: str | None) -> dt.date | None:
    if not text:
        return None
    for pattern in (ISO_DATE_RE, CN_DATE_RE):
        m = pattern.search(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


# --------------------------------------------------------------------------- the parsed document


# What a payload that is not a web page starts with (a PDF or image saved or served in its place).
BINARY_SIGNATURES = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "gzip data",
}
HTML_TAG_RE = re.compile(r"<\s*(?:!doctype|html|head|body|meta|title|div|table|p|a|span|br|script)\b", re.I)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CLOSING_RE = re.compile(r"</(?:html|body)", re.I)
_PARSERS = threading.local()  # one lxml parser per thread: building one per page costs, sharing across threads is unsafe


def _html_parser() -> Any:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        # huge_tree: without it libxml2 silently drops a text node over 10 MB and the article is stored empty.
        # A plain etree parser, not lxml.html's: the tree is the same, but lxml.html looks up a Python element
        # class for every element the selectors return, which cost more than the parse itself.
        parser = _PARSERS.parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    return parser


def _not_html(body: bytes) -> str | None:
    """What the body is instead of HTML (a known signature, or binary data), or None when it may be HTML.

    Said first, so that a binary file is "not an HTML document" rather than "truncated"."""
    head = body.lstrip()[:8]
    for signature, what in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            return what
    sample = body[:4096]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):  # NULs outside UTF-16
        return "binary data"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > 0.05:
        return "binary data"
    return None


@dataclass
class Document:
    """A decoded payload: raw text (for comments and trailers) and an lxml tree (comments removed)."""

    url: str
    text: str
    encoding: str
    root: Any
    metadata: dict[str, str]

    @classmethod
    def load(cls, body: bytes, url: str, headers: Mapping[str, str] | None) -> Document:
        if not body or not body.strip():
            raise ParseError("empty body")
        not_html = _not_html(body)
        if not_html:
            raise ParseError(f"not an HTML document ({not_html})")
        text, encoding = decode_html(body, headers)
        markup = _XML_DECLARATION_RE.sub("", text, count=1)
        if not markup.strip():
            raise ParseError("empty body")
        if not HTML_TAG_RE.search(markup):
            raise ParseError("not an HTML document (no HTML tags)")
        try:
            root = etree.fromstring(markup, parser=_html_parser())
            if root is None:  # as lxml.html.document_fromstring says it
                raise etree.ParserError("Document is empty")
        except (etree.ParserError, ValueError) as exc:
            raise ParseError(f"not HTML: {exc}") from exc
        return cls(url=url, text=text, encoding=encoding, root=root, metadata=enpproperty_fields(text))

    def is_truncated(self) -> bool:
        """A complete Founder page ends its markup; a cut-off download does not."""
        return _CLOSING_RE.search(self.text) is None


def load_whole(
    body: bytes, url: str, headers: Mapping[str, str] | None, options: Mapping[str, Any]
) -> Document:
    """Decode and parse a page; a body cut short in transit is an error, not a page with fewer articles."""
    doc = Document.load(body, url, headers)
    if doc.is_truncated() and not options.get("allow_truncated"):
        raise ParseError("truncated document: no closing </body> or </html>")
    return doc
