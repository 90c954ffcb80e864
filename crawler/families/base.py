"""The layout-family contract and the parsing machinery the Founder families share.

A family turns raw bytes + URL into PageRecord / ArticleRecord (schema/records.py) without any network or
crawler state, so it can be tested offline and re-run on archived payloads (`epaper reparse`). Selectors are
data: each family lists its skins as role -> CSS/XPath selectors, tries every skin and keeps the one that
matches; a site can prepend its own selectors through `options["selectors"]` or force `options["skin"]`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.families.encoding import decode_html
from schema.records import (
    ArticleRecord,
    ArticleRef,
    CoordinateSpace,
    ImageRef,
    PageRecord,
    PageRef,
)

PageKind = Literal["page", "article", "entry"]
Selectors = Mapping[str, Sequence[str]]

BR_MARK = "\u2028"  # stands in for <br> while text is extracted
BLOCK_TAGS = frozenset(
    "p div table tbody thead tr td th li ul ol h1 h2 h3 h4 h5 h6 section article blockquote center "
    "founder-content dl dt dd".split()
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
ENPPROPERTY_RE = re.compile(r"<!--\s*enpproperty\b(.*?)/enpproperty\s*-->", re.S | re.I)
ENPCONTENT_RE = re.compile(r"<!--\s*enpcontent\s*-->(.*?)<!--\s*/enpcontent\s*-->", re.S | re.I)
PROPERTY_FIELD_RE = re.compile(r"<([A-Za-z][\w:-]*)>(.*?)</\1>", re.S)
VIEW_SCRIPT_RE = re.compile(r"""view\(\s*["'](.*?)["']\s*\)""", re.S)
LABEL_RE = re.compile(
    r"^\s*第?\s*(?P<num>[A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*版?\s*(?:[:：]\s*|\s+|$)(?P<name>.*)$", re.S
)
PAGE_INFO_RES = (
    re.compile(r"版\s*次\s*[:：]\s*第?\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)"),
    re.compile(r"第\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*版"),
    re.compile(r"^\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*版"),
    re.compile(r"^\s*([A-Za-z]{0,4}\d{1,3}[A-Za-z]?)\s*$"),
)
CN_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DASHES_RE = re.compile(r"^[\s—–\-－─━]+")
LABEL_PREFIX_RE = re.compile(r"^\s*(?:作\s*者|记\s*者)\s*[:：]\s*")
META_REFRESH_URL_RE = re.compile(r"""url\s*=\s*['"]?\s*([^'">\s]+)""", re.I)
JS_REDIRECT_RE = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]""",
    re.I,
)


class ParseError(Exception):
    """The body is not a (complete) page of the family; `reason` says why in a few words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- small helpers


@lru_cache(maxsize=512)
def _compile(selector: str) -> etree.XPath:
    if selector.startswith(("/", "(", "./")):
        return etree.XPath(selector)
    return CSSSelector(selector, translator="html")


def select(root: Any, selectors: Iterable[str]) -> list[Any]:
    """Elements matched by the first selector of `selectors` that matches anything."""
    for sel in selectors:
        found = [el for el in _compile(sel)(root) if isinstance(getattr(el, "tag", None), str)]
        if found:
            return found
    return []


def select_all(root: Any, selectors: Iterable[str]) -> list[Any]:
    """Elements matched by any of `selectors`, in document order, without repeats."""
    seen: set[int] = set()
    hits: list[Any] = []
    for sel in selectors:
        for el in _compile(sel)(root):
            if isinstance(getattr(el, "tag", None), str) and id(el) not in seen:
                seen.add(id(el))
                hits.append(el)
    everything = list(root.iter())  # held so that the proxies' ids stay unique while sorting
    order = {id(el): i for i, el in enumerate(everything)}
    return sorted(hits, key=lambda el: order.get(id(el), 0))


def clean_space(text: str) -> str:
    """Collapse ASCII whitespace runs (source line breaks) to one space and strip all surrounding space."""
    text = text.replace("\xa0", " ").replace("\r", "")
    text = re.sub(r"[ \t\n\f\v]+", " ", text)
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


def squeeze(text: str) -> str:
    """Remove every space, ideographic and non-breaking ones included (`综 合` -> `综合`)."""
    return re.sub(r"\s+", "", text)


def parse_label(text: str) -> tuple[str, str]:
    """Split a page label like `第A01版：头版`, `A01： 头版`, `01版:要闻` into (number, name without spaces)."""
    text = clean_space(text)
    m = LABEL_RE.match(text)
    if not m:
        return "", squeeze(text)
    return m.group("num"), squeeze(m.group("name"))


def page_number_from_info(text: str) -> str | None:
    for pattern in PAGE_INFO_RES:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None


def strip_query(url: str) -> str:
    """The URL without query and fragment (`content_1.htm?div=-1` -> `content_1.htm`)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def parse_coords(coords: str, shape: str | None = None) -> list[float]:
    """Flat [x, y, ...] of an <area>; rectangles become 4-vertex polygons; circles and odd lists give []."""
    values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", coords or "")]
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
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


def enpproperty_fields(text: str) -> dict[str, str]:
    """Non-empty `<!--enpproperty <k>v</k>… /enpproperty-->` fields of all trailers (first value wins)."""
    fields: dict[str, str] = {}
    for block in ENPPROPERTY_RE.findall(text):
        for key, value in PROPERTY_FIELD_RE.findall(block):
            value = clean_space(html.unescape(re.sub(r"<[^>]+>", "", value)))
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
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
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
        markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        if not markup.strip():
            raise ParseError("empty body")
        if not HTML_TAG_RE.search(markup):
            raise ParseError("not an HTML document (no HTML tags)")
        # huge_tree: without it libxml2 silently drops a text node over 10 MB and the article is stored empty
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
        try:
            root = lxml.html.document_fromstring(markup, parser=parser)
        except (etree.ParserError, ValueError) as exc:
            raise ParseError(f"not HTML: {exc}") from exc
        return cls(url=url, text=text, encoding=encoding, root=root, metadata=enpproperty_fields(text))

    def is_truncated(self) -> bool:
        """A complete Founder page ends its markup; a cut-off download does not."""
        tail = self.text.lower()
        return "</html" not in tail and "</body" not in tail


# --------------------------------------------------------------------------- the family contract


class Family:
    """A layout family: URL grammar, dated parser versions and the two parse functions."""

    key: str = ""
    # (label, last edition date it covers or None for open-ended), oldest first.
    VERSIONS: tuple[tuple[str, dt.date | None], ...] = (("V1", None),)
    PAGE_URL_RE: re.Pattern[str]
    ARTICLE_URL_RE: re.Pattern[str]
    ENTRY_URL_RE: re.Pattern[str]
    DATE_URL_RE: re.Pattern[str]
    DEFAULT_ENTRY: str = ""
    INDEX_FILE: str = ""

    def parser_version(self, edition_date: dt.date | None) -> str:
        """`<key>/<label>` of the version that covers the edition date (the newest when no date)."""
        if edition_date is not None:
            for label, valid_until in self.VERSIONS:
                if valid_until is None or edition_date <= valid_until:
                    return f"{self.key}/{label}"
        return f"{self.key}/{self.VERSIONS[-1][0]}"

    def page_kind(self, url: str) -> PageKind | None:
        path = urlsplit(url).path
        if self.ARTICLE_URL_RE.search(path):
            return "article"
        if self.PAGE_URL_RE.search(path):
            return "page"
        if self.ENTRY_URL_RE.search(path):
            return "entry"
        return None

    def matches_url(self, url: str) -> bool:
        return self.page_kind(url) is not None

    def date_from_url(self, url: str) -> dt.date | None:
        m = self.DATE_URL_RE.search(urlsplit(url).path)
        if not m:
            return None
        try:
            return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None

    def entry_url(self, base_url: str, date: dt.date, entry: str | None = None) -> str:
        """The dated first page: `entry` is a per-paper template formatted with `date`."""
        base = base_url if base_url.endswith("/") else base_url + "/"
        return urljoin(base, (entry or self.DEFAULT_ENTRY).format(date=date))

    def index_url(self, base_url: str) -> str:
        base = base_url if base_url.endswith("/") else base_url + "/"
        return urljoin(base, self.INDEX_FILE)

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None:
        raise NotImplementedError

    @staticmethod
    def _load_whole(
        body: bytes, url: str, headers: Mapping[str, str] | None, options: Mapping[str, Any]
    ) -> Document:
        """Decode and parse a page; a body cut short in transit is an error, not a page with fewer articles."""
        doc = Document.load(body, url, headers)
        if doc.is_truncated() and not options.get("allow_truncated"):
            raise ParseError("truncated document: no closing </body> or </html>")
        return doc

    def parse_page(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> PageRecord:
        raise NotImplementedError

    def parse_article(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ArticleRecord:
        raise NotImplementedError

    # ------------------------------------------------------------------ shared URL logic

    def source_id(self, url: str) -> str:
        """CMS id of an article URL: `content_52014.htm` -> "52014", `content_1_1001.htm` -> "1_1001"."""
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        stem = re.sub(r"\.s?html?$", "", name, flags=re.I)
        m = re.match(r"content_(\w+)$", stem)
        if m:
            return m.group(1)
        m = re.match(r"c(\d+)$", stem)
        return m.group(1) if m else stem

    def source_key(self, url: str) -> str:
        """A key unique within an edition: `content_<id>` for CMS articles, else the URL path."""
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        stem = re.sub(r"\.s?html?$", "", name, flags=re.I)
        if stem.startswith("content_"):
            return stem
        return urlsplit(url).path

    def same_edition(self, link: str, page_url: str, kind: PageKind) -> bool:
        """A link of the edition the page belongs to: same host, same date, the expected kind."""
        a, b = urlsplit(link), urlsplit(page_url)
        if a.scheme not in {"http", "https", "file", ""} or a.netloc != b.netloc:
            return False
        if self.page_kind(link) != kind:
            return False
        link_date, page_date = self.date_from_url(link), self.date_from_url(page_url)
        return link_date == page_date


# --------------------------------------------------------------------------- the Founder parser


class FounderFamily(Family):
    """Founder e-paper pages: page list + PagePicMap + article list; article title parts + founder-content.

    Subclasses provide URL grammar and PAGE_SKINS / ARTICLE_SKINS: skin name -> role -> selectors.
    Page roles: page_links, current_label, current_name, article_links, areas, page_image, pdf.
    Article roles: kicker, title, subtitle, body, images, author, page_info.
    """

    PAGE_SKINS: Mapping[str, Selectors] = {}
    ARTICLE_SKINS: Mapping[str, Selectors] = {}
    COMMON_PAGE: Selectors = {
        "areas": ("map area",),
        "page_image": ("img[usemap]",),
        "pdf": ("a[href$='.pdf']", "a[href$='.PDF']"),
        "printed_date": ("span.date", "div.date", ".paperDate", "div#riqi_", "td.default[align=right]"),
    }
    COMMON_ARTICLE: Selectors = {
        "title": ("founder-title",),
        "body": ("founder-content",),
        "author": ("founder-author",),
    }
    ICON_RE = re.compile(
        r"(?:^|/)(?:tplimg|static/img|static/images|images/(?:icon|btn))/|\.gif$|spacer|blank\.", re.I
    )

    # ------------------------------------------------------------------ skins

    def _roles(
        self, skins: Mapping[str, Selectors], common: Selectors, skin: str, options: Mapping[str, Any]
    ) -> dict:
        roles: dict[str, list[str]] = {k: list(v) for k, v in common.items()}
        for role, sels in skins.get(skin, {}).items():
            roles[role] = list(sels) + [s for s in roles.get(role, []) if s not in sels]
        for role, sels in (options.get("selectors") or {}).items():
            sels = [sels] if isinstance(sels, str) else list(sels)
            roles[role] = sels + roles.get(role, [])
        return roles

    def _page_skin(self, doc: Document, options: Mapping[str, Any]) -> tuple[str, dict]:
        names = [options["skin"]] if options.get("skin") in self.PAGE_SKINS else list(self.PAGE_SKINS)
        best: tuple[int, str, dict] | None = None
        for name in names:
            roles = self._roles(self.PAGE_SKINS, self.COMMON_PAGE, name, options)
            pages = len(self._page_anchors(doc, roles))
            score = pages * 10 + len(select(doc.root, roles.get("article_links", ())))
            if pages and (best is None or score > best[0]):
                best = (score, name, roles)
        if best is None:
            raise ParseError(f"no page list: not a {self.key} page")
        return best[1], best[2]

    def _article_skin(self, doc: Document, options: Mapping[str, Any]) -> tuple[str, dict]:
        names = [options["skin"]] if options.get("skin") in self.ARTICLE_SKINS else list(self.ARTICLE_SKINS)
        for name in names:
            roles = self._roles(self.ARTICLE_SKINS, {}, name, options)
            if first_text(doc.root, roles.get("title", ())):
                return name, self._roles(self.ARTICLE_SKINS, self.COMMON_ARTICLE, name, options)
        return "generic", self._roles({}, self.COMMON_ARTICLE, "generic", options)

    # ------------------------------------------------------------------ entry

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None:
        """The META/JS refresh target of an index page (absolute), or None when the body is a real page."""
        if not body or not body.strip():
            raise ParseError("empty body")
        doc = Document.load(body, url, headers)
        for meta in doc.root.iter("meta"):
            if (meta.get("http-equiv") or "").strip().lower() == "refresh":
                m = META_REFRESH_URL_RE.search(meta.get("content") or "")
                if m:
                    return urljoin(url, m.group(1).strip())
        if self._page_anchors_any(doc):
            return None
        for script in doc.root.iter("script"):
            m = JS_REDIRECT_RE.search(script.text or "")
            if m:
                return urljoin(url, m.group(1).strip())
        return None

    def _page_anchors_any(self, doc: Document) -> bool:
        for name in self.PAGE_SKINS:
            if self._page_anchors(doc, self._roles(self.PAGE_SKINS, self.COMMON_PAGE, name, {})):
                return True
        return False

    # ------------------------------------------------------------------ pages

    def _page_anchors(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> list[Any]:
        return [
            a
            for a in select_all(doc.root, roles.get("page_links", ()))
            if a.get("href") and self.same_edition(urljoin(doc.url, a.get("href").strip()), doc.url, "page")
        ]

    def _pdf_near(self, anchor: Any, page_anchors: set[int], base: str) -> str | None:
        """The PDF link that belongs to a page-list entry: in its row, before another entry's row begins."""
        node = anchor
        for _ in range(3):
            node = node.getparent()
            if node is None:
                return None
            if any(id(a) in page_anchors and a is not anchor for a in node.iter("a")):
                return None
            for a in node.iter("a"):
                href = (a.get("href") or "").strip()
                if href.lower().endswith(".pdf"):
                    return urljoin(base, href)
        return None

    def _page_list(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> list[PageRef]:
        anchors = self._page_anchors(doc, roles)
        ids = {id(a) for a in anchors}
        refs: dict[str, PageRef] = {}
        for a in anchors:
            url = strip_fragment(urljoin(doc.url, a.get("href").strip()))
            key = strip_query(url)
            number, name = parse_label(element_text(a))
            pdf = self._pdf_near(a, ids, doc.url)
            ref = refs.get(key)
            if ref is None:
                refs[key] = PageRef(number=number, name=name, url=url, pdf_url=pdf)
            else:
                ref.number = ref.number or number
                ref.name = ref.name or name
                ref.pdf_url = ref.pdf_url or pdf
        return list(refs.values())

    def _article_title(self, anchor: Any) -> str | None:
        text = element_text(anchor)
        if not text:
            for script in anchor.iter("script"):
                m = VIEW_SCRIPT_RE.search(script.text or "")
                if m:
                    raw = re.sub(r"<br\s*/?>", " ", m.group(1), flags=re.I)
                    text = clean_space(html.unescape(re.sub(r"<[^>]+>", "", raw)))
                    break
        return text or None

    def _articles(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> list[ArticleRef]:
        refs: dict[str, ArticleRef] = {}
        for a in select_all(doc.root, roles.get("article_links", ())):
            url = urljoin(doc.url, (a.get("href") or "").strip())
            if not self.same_edition(url, doc.url, "article"):
                continue
            key = strip_query(url)
            title = self._article_title(a)
            if key not in refs:
                refs[key] = ArticleRef(url=key, title=title, source_key=self.source_key(key))
            elif not refs[key].title:
                refs[key].title = title
        for area in select_all(doc.root, roles.get("areas", ())):
            url = urljoin(doc.url, (area.get("href") or "").strip())
            if not self.same_edition(url, doc.url, "article"):
                continue
            key = strip_query(url)
            ref = refs.get(key)
            if ref is None:
                title = clean_space(area.get("title") or area.get("alt") or "") or None
                ref = refs[key] = ArticleRef(url=key, title=title, source_key=self.source_key(key))
            polygon = parse_coords(area.get("coords") or "", area.get("shape"))
            if polygon and polygon not in ref.polygons:
                ref.polygons.append(polygon)
        return list(refs.values())

    def _current_label(
        self, doc: Document, roles: Mapping[str, Sequence[str]], pages: list[PageRef]
    ) -> tuple[str, str]:
        number = name = ""
        for el in select_all(doc.root, roles.get("current_label", ())):
            number, name = parse_label(element_text(el))
            if number:  # a header cell with a label, not the "下一版" cell next to it
                break
            name = ""
        if not name:
            name = squeeze(first_text(doc.root, roles.get("current_name", ())) or "")
        here = strip_query(doc.url)
        for ref in pages:
            if strip_query(ref.url) == here:
                number = number or ref.number
                name = name or ref.name
        number = number or doc.metadata.get("founder-pagenum", "")
        if not number:
            raise ParseError("no page number: neither a page header, a list entry nor <founder-pagenum>")
        return number, name

    def parse_page(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> PageRecord:
        options = options or {}
        doc = self._load_whole(body, url, headers, options)
        _skin, roles = self._page_skin(doc, options)
        pages = self._page_list(doc, roles)
        number, name = self._current_label(doc, roles, pages)
        image = select(doc.root, roles.get("page_image", ()))
        space = CoordinateSpace()
        image_url = None
        if image:
            src = (image[0].get("src") or "").strip()
            image_url = urljoin(url, src) if src else None
            space = CoordinateSpace(
                width=int_attr(image[0].get("width")),
                height=int_attr(image[0].get("height")),
                image_url=image_url,
            )
        here = strip_query(url)
        pdf_url = next((p.pdf_url for p in pages if strip_query(p.url) == here and p.pdf_url), None)
        if pdf_url is None:
            pdf = select(doc.root, roles.get("pdf", ()))
            pdf_url = urljoin(url, pdf[0].get("href").strip()) if pdf else None
        printed = date_from_text(doc.metadata.get("founder-date"))
        if printed is None:
            printed = date_from_text(first_text(doc.root, roles.get("printed_date", ())))
        return PageRecord(
            url=url,
            edition_date=edition_date or self.date_from_url(url),
            number=number,
            name=name,
            image_url=image_url,
            pdf_url=pdf_url,
            pages=pages,
            articles=self._articles(doc, roles),
            coordinate_space=space,
            paper_name=doc.metadata.get("founder-papername"),
            printed_date=printed,
            parser_version=self.parser_version(edition_date or self.date_from_url(url)),
        )

    # ------------------------------------------------------------------ articles

    def _title_parts(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> tuple[str | None, ...]:
        kicker = first_text(doc.root, roles.get("kicker", ()))
        title = first_text(doc.root, roles.get("title", ()))
        subtitle = first_text(doc.root, roles.get("subtitle", ()))
        return kicker, title, subtitle

    def _caption_for(self, img: Any) -> tuple[str | None, Any]:
        """The caption printed after an image: its tail text, or the next element at its level or a
        little above (climbing only through holders that contain nothing but this image)."""
        tail = clean_space(img.tail or "")
        if tail:
            return tail, None
        node = img
        for _ in range(4):
            sib = node.getnext()
            while sib is not None and (not isinstance(sib.tag, str) or sib.tag.lower() == "br"):
                if isinstance(sib.tag, str) and clean_space(sib.tail or ""):
                    return clean_space(sib.tail or ""), None
                sib = sib.getnext()
            if sib is not None:
                tag = sib.tag.lower()
                if tag == "img" or next(sib.iter("img"), None) is not None:
                    return None, None
                if tag == "founder-content" or next(sib.iter("founder-content"), None) is not None:
                    return None, None
                if (sib.get("id") or "").lower() in {"ozoom", "content", "articlecontent"}:
                    return None, None
                text = element_text(sib)
                if not text or len(text) > 300 or len(list(sib.iter("p"))) > 1:
                    return None, None
                return text, sib
            parent = node.getparent()
            if parent is None or sum(1 for _ in parent.iter("img")) > 1 or element_text(parent):
                return None, None
            node = parent
        return None, None

    def _images(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> tuple[list[ImageRef], list[Any]]:
        """Images with captions, and the caption elements (so that the body does not repeat them)."""
        images: list[ImageRef] = []
        captions: list[Any] = []
        seen: set[str] = set()
        for img in select_all(doc.root, roles.get("images", ())):
            src = (img.get("src") or "").strip()
            if not src or self.ICON_RE.search(src):
                continue
            url = urljoin(doc.url, src)
            if url in seen:
                continue
            seen.add(url)
            caption, el = self._caption_for(img)
            if el is not None:
                captions.extend(el.iter())
            images.append(ImageRef(url=url, caption=caption))
        return images, captions

    def _paragraphs_of(self, container: Any, skip: set[int]) -> list[str]:
        out: list[str] = []
        buf: list[str] = []

        def flush() -> None:
            text = clean_space("".join(buf))
            buf.clear()
            if text:
                out.append(text)

        def walk(node: Any) -> None:
            if node.text:
                buf.append(node.text)
            for child in node:
                tag = child.tag.lower() if isinstance(child.tag, str) else None
                if tag is None or tag in SKIP_TAGS or id(child) in skip:
                    pass
                elif tag == "br":
                    flush()
                elif tag in BLOCK_TAGS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)
                if child.tail:
                    buf.append(child.tail)

        walk(container)
        flush()
        return out

    def _paragraphs(self, doc: Document, roles: Mapping[str, Sequence[str]], exclude: list[Any]) -> list[str]:
        skip = {id(el) for el in exclude}  # `exclude` keeps the proxies alive, so the ids are stable
        containers = select(doc.root, roles.get("body", ()))
        # Outermost matches only (a founder-content inside a matched #ozoom is read once).
        chosen = [
            c for c in containers if not any(o is not c and c in o.iterdescendants() for o in containers)
        ]
        paragraphs: list[str] = []
        blocks: list[list[str]] = []
        for container in chosen:
            block = self._paragraphs_of(container, skip)
            if block and block not in blocks:  # the "供复制全文用" second copy
                blocks.append(block)
                paragraphs.extend(block)
        if not paragraphs:
            for raw in ENPCONTENT_RE.findall(doc.text):
                try:
                    fragment = lxml.html.fragment_fromstring(raw, create_parent="div", parser=lxml.html.HTMLParser(huge_tree=True))
                except (etree.ParserError, ValueError):
                    continue
                block = self._paragraphs_of(fragment, set())
                if block and block not in blocks:
                    blocks.append(block)
                    paragraphs.extend(block)
        return paragraphs

    def _page_number(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> str | None:
        for el in select_all(doc.root, roles.get("page_info", ())):
            number = page_number_from_info(element_text(el))
            if number:
                return number
        for key in ("founder-pagenum", "pagenum", "pagename"):
            if doc.metadata.get(key):
                return page_number_from_info(doc.metadata[key]) or doc.metadata[key]
        return None

    def _author(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> str | None:
        for el in select_all(doc.root, roles.get("author", ())):
            text = element_text(el)
            if LABEL_PREFIX_RE.match(text) or el.tag == "founder-author":
                text = LABEL_PREFIX_RE.sub("", text).strip()
                if text:
                    return text
        return doc.metadata.get("author") or None

    def parse_article(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ArticleRecord:
        options = options or {}
        doc = self._load_whole(body, url, headers, options)
        _skin, roles = self._article_skin(doc, options)
        kicker, title, subtitle = self._title_parts(doc, roles)
        title = title or doc.metadata.get("title")
        if not title:
            raise ParseError(f"no article title: not a {self.key} article")
        kicker = kicker or doc.metadata.get("introtitle") or None
        subtitle = subtitle or doc.metadata.get("subtitle") or None
        if subtitle:
            subtitle = DASHES_RE.sub("", subtitle) or None
        images, caption_els = self._images(doc, roles)
        paragraphs = self._paragraphs(doc, roles, caption_els)
        date = edition_date or self.date_from_url(url)
        return ArticleRecord(
            url=strip_query(url),
            edition_date=date,
            source_id=self.source_id(url),
            kicker=kicker,
            title=title,
            subtitle=subtitle,
            paragraphs=paragraphs,
            images=images,
            author=self._author(doc, roles),
            page_number=self._page_number(doc, roles),
            metadata=dict(doc.metadata),
            parser_version=self.parser_version(date),
        )
