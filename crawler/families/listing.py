"""A base for non-Founder families whose pages are plain HTML lists: page list, article list, hotspots.

The layout-catalogue, index-htm and shtml families differ in URL grammar, selectors and how hotspots are
drawn, but read the same roles: the edition's page list (label + optional PDF per entry), the current page's
label, the article list and hotspots, the page image; on an article page the three title parts, the body
container and its images with captions. A subclass lists its skins as role -> selectors (tried skin by skin,
the skin with the longest page list wins) and may override `_hotspots` / `_coordinate_space` where its
geometry is not a plain `<map>` on the displayed image. Nothing here is Founder code: only the shared helpers
of crawler/families/markup.py.
"""

from __future__ import annotations

import copy as copy_module
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from crawler.families.contract import Family, ParseError
from crawler.families.markup import (
    BLOCK_TAGS,
    SKIP_TAGS,
    Document,
    clean_space,
    date_from_text,
    drop_tree,
    element_text,
    first_text,
    int_attr,
    load_whole,
    page_number_from_info,
    parse_coords,
    parse_label,
    select,
    select_all,
    squeeze,
    strip_fragment,
    strip_query,
)
from crawler.families.urls import join_url
from schema.records import ArticleRecord, ArticleRef, CoordinateSpace, ImageRef, PageRecord, PageRef

Roles = Mapping[str, Sequence[str]]
DASHES_RE = re.compile(r"^[\s—–\-－─━]+")
META_REFRESH_URL_RE = re.compile(r"""url\s*=\s*['"]?\s*([^'">\s]+)""", re.I)
ICON_RE = re.compile(r"(?:^|/)(?:images?/(?:icon|btn|bg)|static/img)/|\.gif$|spacer|blank\.|logo", re.I)
NOT_ARTICLE_RE = re.compile(r"^\s*本版(?:责编|编辑|责任编辑|美编|校对)")
JS_REDIRECT_RE = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]""",
    re.I,
)
# A body that holds a script but almost no text: the page list is filled in by JavaScript in the browser.
SHELL_TEXT_LIMIT = 80
STYLE_PX_RE = re.compile(
    r"(?<![\w-])(left|top|width|height)\s*:\s*(-?\d+(?:\.\d+)?)\s*(?:px)?\s*(?:;|$)", re.I
)


def style_box(style: str) -> dict[str, float]:
    """left/top/width/height in px from an inline style ("left:12px; top:30px; …")."""
    return {k.lower(): float(v) for k, v in STYLE_PX_RE.findall(style or "")}


def box_polygon(style: str) -> list[float]:
    """The 4-vertex polygon of an absolutely positioned hotspot box, [] when its style lacks a coordinate."""
    geometry = style_box(style)
    if not {"left", "top", "width", "height"} <= set(geometry):
        return []
    x, y = geometry["left"], geometry["top"]
    return parse_coords(f"{x},{y},{x + geometry['width']},{y + geometry['height']}", "rect")


def styled_space(doc: Document, box: Any | None, image: Any | None) -> CoordinateSpace:
    """The space positioned boxes are drawn in: the styled size of the box they sit in, else its image's size."""
    geometry = style_box(box.get("style") or "") if box is not None else {}
    width = int(geometry["width"]) if "width" in geometry else None
    height = int(geometry["height"]) if "height" in geometry else None
    if image is not None and (width is None or height is None):
        width, height = int_attr(image.get("width")), int_attr(image.get("height"))
    src = (image.get("src") or "").strip() if image is not None else ""
    return CoordinateSpace(width=width, height=height, image_url=join_url(doc.url, src) if src else None)


def js_shell_reason(doc: Document) -> str | None:
    """Why the page is only a JavaScript shell or a JavaScript redirect (scripts, hardly any visible text), or
    None when it is not: such a page says nothing about the edition, so it is an error that says so."""
    scripts = list(doc.root.iter("script"))
    body = doc.root.find("body")
    visible = element_text(body) if body is not None else ""
    if not scripts or len(visible) >= SHELL_TEXT_LIMIT:
        return None
    for script in scripts:
        m = JS_REDIRECT_RE.search(script.text or "")
        if m:  # an anti-bot or "jump" interstitial: the real page comes after the browser runs it
            return f"JavaScript redirect page (interstitial) to {join_url(doc.url, m.group(1).strip())}"
    return f"JavaScript shell: {len(scripts)} script(s) and {len(visible)} characters of text, no page list"


def paragraphs_of(container: Any, skip: set[int]) -> list[str]:
    """Paragraphs of a body container: block elements and <br> end a paragraph; `skip` ids are left out."""
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
            elif tag in BLOCK_TAGS or tag == "cms-content":
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


def label_text(el: Any) -> str:
    """Text of a page header without its links to files (a "下载PDF" link inside the header)."""
    copy = copy_module.deepcopy(el)
    for a in list(copy.iter("a")):
        if re.search(r"\.pdf(?:$|\?)", (a.get("href") or "").strip(), re.I):
            drop_tree(a)
    return element_text(copy)


def not_an_article(title: str | None) -> bool:
    """List entries that name the page's editors (本版责编 …), not an article."""
    return bool(title and NOT_ARTICLE_RE.match(title))


class ListingFamily(Family):
    """Page roles: page_links, pdf_in_entry, current_label, current_number, current_name, article_links,
    areas, page_image, pdf, printed_date. Article roles: kicker, title, subtitle, body, images, captions,
    author, page_info. `evidence_selectors` name what marks a payload as the family's."""

    PAGE_SKINS: Mapping[str, Roles] = {}
    ARTICLE_SKINS: Mapping[str, Roles] = {}
    EVIDENCE: Sequence[tuple[str, str]] = ()  # (selector, what it is) counted by evidence()
    URL_EVIDENCE: str = ""  # how the URL grammar is described in evidence()

    # ------------------------------------------------------------------ evidence and entry

    def evidence(self, body: bytes, url: str) -> list[str]:
        hits: list[str] = []
        if self.matches_url(url):
            hits.append(f"URL matches {self.URL_EVIDENCE}")
        try:
            doc = Document.load(body, url, None)
        except ParseError:
            return hits
        for selector, what in self.EVIDENCE:
            found = select_all(doc.root, (selector,))
            if found:
                hits.append(f"{what}: {len(found)} element(s) ({selector})")
        return hits

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None:
        """The META refresh target of an entry page (absolute), or None when the body is itself a page."""
        doc = Document.load(body, url, headers)
        for meta in doc.root.iter("meta"):
            if (meta.get("http-equiv") or "").strip().lower() == "refresh":
                m = META_REFRESH_URL_RE.search(meta.get("content") or "")
                if m:
                    return join_url(url, m.group(1).strip())
        return None

    # ------------------------------------------------------------------ skins

    def _page_roles(self, doc: Document, options: Mapping[str, Any]) -> dict[str, list[str]]:
        names = [options["skin"]] if options.get("skin") in self.PAGE_SKINS else list(self.PAGE_SKINS)
        best: tuple[int, dict[str, list[str]]] | None = None
        for name in names:
            roles = {k: list(v) for k, v in self.PAGE_SKINS[name].items()}
            count = len(self._page_anchors(doc, roles))
            if count and (best is None or count > best[0]):
                best = (count, roles)
        if best is None:
            reason = js_shell_reason(doc)
            if reason:
                raise ParseError(f"{reason}: not a {self.key} page as served")
            raise ParseError(f"no page list: not a {self.key} page")
        return best[1]

    def _article_roles(self, doc: Document, options: Mapping[str, Any]) -> dict[str, list[str]]:
        names = [options["skin"]] if options.get("skin") in self.ARTICLE_SKINS else list(self.ARTICLE_SKINS)
        titled: list[str] = []
        for name in names:
            roles = {k: list(v) for k, v in self.ARTICLE_SKINS[name].items()}
            if first_text(doc.root, roles.get("title", ())):
                if select(doc.root, roles.get("body", ())):
                    return roles
                titled.append(name)
        if titled:
            raise ParseError(f"{self.key} article title ({', '.join(titled)} skin) but no body container")
        reason = js_shell_reason(doc)
        if reason:
            raise ParseError(f"{reason}: not a {self.key} article as served")
        raise ParseError(f"no article title: not a {self.key} article")

    # ------------------------------------------------------------------ pages

    def _page_anchors(self, doc: Document, roles: Roles) -> list[Any]:
        return [
            a
            for a in select_all(doc.root, roles.get("page_links", ()))
            if (a.get("href") or "").strip()
            and self.same_edition(join_url(doc.url, a.get("href").strip()), doc.url, "page")
        ]

    def _entry_pdf(self, anchor: Any, roles: Roles, others: set[int], base: str) -> str | None:
        """The PDF link of a page-list entry: in the element holding the anchor, before it holds another entry."""
        node = anchor.getparent()
        for _ in range(2):
            if node is None or any(id(a) in others and a is not anchor for a in node.iter("a")):
                return None
            hits = select(node, roles.get("pdf_in_entry", ()))
            href = (hits[0].get("href") or "").strip() if hits else ""
            if href:
                return join_url(base, href)
            node = node.getparent()
        return None

    def _page_list(self, doc: Document, roles: Roles) -> list[PageRef]:
        refs: dict[str, PageRef] = {}
        anchors = self._page_anchors(doc, roles)
        ids = {id(a) for a in anchors}  # `anchors` keeps the proxies alive, so the ids are stable
        for a in anchors:
            url = strip_fragment(join_url(doc.url, a.get("href").strip()))
            number, name = parse_label(element_text(a) or a.get("title") or "")
            pdf = self._entry_pdf(a, roles, ids, doc.url)
            ref = refs.get(strip_query(url))
            if ref is None:
                refs[strip_query(url)] = PageRef(number=number, name=name, url=url, pdf_url=pdf)
            else:
                ref.number, ref.name = ref.number or number, ref.name or name
                ref.pdf_url = ref.pdf_url or pdf
        return list(refs.values())

    def _current_label(self, doc: Document, roles: Roles, pages: list[PageRef]) -> tuple[str, str]:
        number = name = ""
        for el in select_all(doc.root, roles.get("current_label", ())):
            number, name = parse_label(label_text(el))
            if number:
                break
            name = ""
        if not number:
            number = page_number_from_info(first_text(doc.root, roles.get("current_number", ())) or "") or ""
        name = name or squeeze(first_text(doc.root, roles.get("current_name", ())) or "")
        here = strip_query(doc.url)
        current = [p for p in pages if strip_query(p.url) == here]
        if not current and self._is_first_page_url(doc.url) and pages:
            current = [pages[0]]  # the edition's index file shows its first page
        for ref in current:
            number, name = number or ref.number, name or ref.name
        if not number:
            raise ParseError("no page number: neither a page header nor a page-list entry for this page")
        return number, name

    def _is_first_page_url(self, url: str) -> bool:
        """Whether the URL is the edition's index file, which shows the first page under another name."""
        return False

    def _hotspots(self, doc: Document, roles: Roles) -> list[tuple[Any, str, list[float]]]:
        """(element, href, polygon) of each hotspot: `<area>` coords by default."""
        out = []
        for area in select_all(doc.root, roles.get("areas", ())):
            polygon = parse_coords(area.get("coords") or "", area.get("shape"))
            out.append((area, (area.get("href") or "").strip(), polygon))
        return out

    def _articles(self, doc: Document, roles: Roles) -> list[ArticleRef]:
        refs: dict[str, ArticleRef] = {}
        for a in select_all(doc.root, roles.get("article_links", ())):
            url = join_url(doc.url, (a.get("href") or "").strip())
            if not self.same_edition(url, doc.url, "article"):
                continue
            key = strip_query(url)
            title = element_text(a) or clean_space(a.get("title") or "") or None
            if not_an_article(title):
                continue
            if key not in refs:
                refs[key] = ArticleRef(url=key, title=title, source_key=self.source_key(key))
            elif not refs[key].title:
                refs[key].title = title
        for el, href, polygon in self._hotspots(doc, roles):
            url = join_url(doc.url, href)
            if not href or not self.same_edition(url, doc.url, "article"):
                continue
            key = strip_query(url)
            ref = refs.get(key)
            if ref is None:
                title = clean_space(el.get("title") or el.get("alt") or "") or None
                ref = refs[key] = ArticleRef(url=key, title=title, source_key=self.source_key(key))
            if polygon and polygon not in ref.polygons:
                ref.polygons.append(polygon)
        return list(refs.values())

    def _page_image(self, doc: Document, roles: Roles) -> Any | None:
        found = select(doc.root, roles.get("page_image", ()))
        return found[0] if found else None

    def _coordinate_space(self, doc: Document, roles: Roles, image: Any | None) -> CoordinateSpace:
        """The space the hotspots are drawn in: by default the displayed image's declared size."""
        if image is None:
            return CoordinateSpace()
        src = (image.get("src") or "").strip()
        return CoordinateSpace(
            width=int_attr(image.get("width")),
            height=int_attr(image.get("height")),
            image_url=join_url(doc.url, src) if src else None,
        )

    def parse_page(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> PageRecord:
        options = options or {}
        doc = load_whole(body, url, headers, options)
        roles = self._page_roles(doc, options)
        pages = self._page_list(doc, roles)
        number, name = self._current_label(doc, roles, pages)
        image = self._page_image(doc, roles)
        space = self._coordinate_space(doc, roles, image)
        current = next((p for p in pages if p.number == number and p.name == name), None)
        pdf_url = current.pdf_url if current else None
        if pdf_url is None:
            pdf = select(doc.root, roles.get("pdf", ()))
            pdf_url = join_url(url, pdf[0].get("href").strip()) if pdf and pdf[0].get("href") else None
        date = edition_date or self.date_from_url(url)
        return PageRecord(
            url=url,
            edition_date=date,
            number=number,
            name=name,
            image_url=space.image_url,
            pdf_url=pdf_url,
            pages=pages,
            articles=self._articles(doc, roles),
            coordinate_space=space,
            paper_name=first_text(doc.root, roles.get("paper_name", ())),
            printed_date=date_from_text(first_text(doc.root, roles.get("printed_date", ()))),
            parser_version=self.parser_version(date),
        )

    # ------------------------------------------------------------------ articles

    def _caption_for(self, img: Any, roles: Roles) -> tuple[str | None, Any]:
        """The caption of an image: a caption element in the image's holder, else the short text right after it."""
        holder = img.getparent()
        for _ in range(3):
            if holder is None:
                break
            if sum(1 for _ in holder.iter("img")) > 1:
                break
            found = select(holder, roles.get("captions", ()))
            if found:
                return element_text(found[0]) or None, found[0]
            holder = holder.getparent()
        tail = clean_space(img.tail or "")
        if tail:
            return tail, None
        node = img if img.getnext() is not None else img.getparent()
        sib = node.getnext() if node is not None else None
        if sib is not None and isinstance(sib.tag, str) and next(sib.iter("img"), None) is None:
            text = element_text(sib)
            if text and len(text) <= 200 and len(list(sib.iter("p"))) <= 1:
                return text, sib
        return None, None

    def _images(self, doc: Document, roles: Roles) -> tuple[list[ImageRef], list[Any]]:
        images: list[ImageRef] = []
        caption_els: list[Any] = []
        seen: set[str] = set()
        for img in select_all(doc.root, roles.get("images", ())):
            src = (img.get("src") or "").strip()
            if not src or ICON_RE.search(src):
                continue
            src_url = join_url(doc.url, src)
            if src_url in seen:
                continue
            seen.add(src_url)
            caption, el = self._caption_for(img, roles)
            if el is not None:
                caption_els.extend(el.iter())
            images.append(ImageRef(url=src_url, caption=caption))
        return images, caption_els

    def _paragraphs(self, doc: Document, roles: Roles, exclude: list[Any]) -> list[str]:
        skip = {id(el) for el in exclude}
        containers = select(doc.root, roles.get("body", ()))
        chosen = [
            c for c in containers if not any(o is not c and c in o.iterdescendants() for o in containers)
        ]
        paragraphs: list[str] = []
        for container in chosen:
            paragraphs.extend(paragraphs_of(container, skip))
        return paragraphs

    def parse_article(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ArticleRecord:
        options = options or {}
        doc = load_whole(body, url, headers, options)
        roles = self._article_roles(doc, options)
        title = first_text(doc.root, roles.get("title", ()))
        kicker = first_text(doc.root, roles.get("kicker", ()))
        subtitle = first_text(doc.root, roles.get("subtitle", ()))
        subtitle = DASHES_RE.sub("", subtitle) or None if subtitle else None
        images, caption_els = self._images(doc, roles)
        paragraphs = self._paragraphs(doc, roles, caption_els)
        page_info = first_text(doc.root, roles.get("page_info", ()))
        author = first_text(doc.root, roles.get("author", ()))
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
            author=re.sub(r"^\s*(?:作\s*者|记\s*者)\s*[:：]\s*", "", author) or None if author else None,
            page_number=(page_number_from_info(page_info) or parse_label(page_info)[0] or None)
            if page_info
            else None,
            metadata={},
            parser_version=self.parser_version(date),
        )
