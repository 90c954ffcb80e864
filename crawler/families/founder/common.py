"""The Founder e-paper parser both Founder families share (founder-pc, founder-classic).

Each family lists its skins as role -> CSS/XPath selectors, tries every skin and keeps the one that
matches; a site can prepend its own selectors through `options["selectors"]` or force `options["skin"]`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import lxml.html
from lxml import etree

from crawler.families.contract import Family, ParseError
from crawler.families.markup import (
    BLOCK_TAGS,
    SKIP_TAGS,
    Document,
    Selectors,
    anchor_title,
    clean_space,
    date_from_text,
    element_text,
    first_text,
    int_attr,
    is_editor_credit,
    load_whole,
    own_text,
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
from schema.records import (
    ArticleRecord,
    ArticleRef,
    CoordinateSpace,
    ImageRef,
    PageRecord,
    PageRef,
)

ENPCONTENT_RE = re.compile(r"<!--\s*enpcontent\s*-->(.*?)<!--\s*/enpcontent\s*-->", re.S | re.I)
DASHES_RE = re.compile(r"^[\s—–\-－─━]+")
LABEL_PREFIX_RE = re.compile(r"^\s*(?:作\s*者|记\s*者)\s*[:：]\s*")
META_REFRESH_URL_RE = re.compile(r"""url\s*=\s*['"]?\s*([^'">\s]+)""", re.I)
JS_REDIRECT_RE = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]""",
    re.I,
)
_NO_SELECTORS: Selectors = {}
_NO_SKINS: Mapping[str, Selectors] = {}


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

    @property
    def _role_cache(self) -> dict[tuple[int, int, str], tuple[Any, Any, dict]]:
        cache = self.__dict__.get("_roles_by_skin")
        if cache is None:
            cache = self.__dict__["_roles_by_skin"] = {}
        return cache

    def _roles(
        self, skins: Mapping[str, Selectors], common: Selectors, skin: str, options: Mapping[str, Any]
    ) -> dict:
        """The selectors of each role for a skin: the skin's first, then the common ones, a site's own
        (`options["selectors"]`) before both. Memoised when the site adds none (asked for every page, once
        per skin tried); the cached dict is shared, so callers only read it."""
        if options.get("selectors"):
            return self._merged_roles(skins, common, skin, options)
        skins, common = skins or _NO_SKINS, common or _NO_SELECTORS  # one `{}` for every empty mapping
        key = (id(skins), id(common), skin)
        cached = self._role_cache.get(key)
        if cached is None or cached[0] is not skins or cached[1] is not common:
            cached = self._role_cache[key] = (skins, common, self._merged_roles(skins, common, skin, options))
        return cached[2]

    def _merged_roles(
        self, skins: Mapping[str, Selectors], common: Selectors, skin: str, options: Mapping[str, Any]
    ) -> dict:
        roles: dict[str, list[str]] = {k: list(v) for k, v in common.items()}
        for role, sels in skins.get(skin, {}).items():
            roles[role] = list(sels) + [s for s in roles.get(role, []) if s not in sels]
        for role, sels in (options.get("selectors") or {}).items():
            sels = [sels] if isinstance(sels, str) else list(sels)
            roles[role] = sels + roles.get(role, [])
        return roles

    def _page_skin(self, doc: Document, options: Mapping[str, Any]) -> tuple[str, dict, list[Any]]:
        """The skin with the most page links (then article links), its roles and its page-list anchors."""
        names = [options["skin"]] if options.get("skin") in self.PAGE_SKINS else list(self.PAGE_SKINS)
        best: tuple[int, str, dict, list[Any]] | None = None
        for name in names:
            roles = self._roles(self.PAGE_SKINS, self.COMMON_PAGE, name, options)
            anchors = self._page_anchors(doc, roles)
            if not anchors:  # not this skin: its article links would not count
                continue
            score = len(anchors) * 10 + len(select(doc.root, roles.get("article_links", ())))
            if best is None or score > best[0]:
                best = (score, name, roles, anchors)
        if best is None:
            raise ParseError(f"no page list: not a {self.key} page")
        return best[1], best[2], best[3]

    def _article_skin(self, doc: Document, options: Mapping[str, Any]) -> tuple[str, dict, str | None]:
        """The skin whose title selectors find a title, its roles, and that title (the skin's own title
        selectors come first in its roles, so the title role finds the same one: it is not looked up twice)."""
        names = [options["skin"]] if options.get("skin") in self.ARTICLE_SKINS else list(self.ARTICLE_SKINS)
        for name in names:
            roles = self._roles(self.ARTICLE_SKINS, {}, name, options)
            title = first_text(doc.root, roles.get("title", ()))
            if title:
                return name, self._roles(self.ARTICLE_SKINS, self.COMMON_ARTICLE, name, options), title
        return "generic", self._roles({}, self.COMMON_ARTICLE, "generic", options), None

    # ------------------------------------------------------------------ probe

    def evidence(self, body: bytes, url: str) -> list[str]:
        """Skin selectors, hotspots, Founder tags and link grammar that hit (see founder/evidence.py)."""
        from crawler.families.founder.evidence import founder_evidence

        return founder_evidence(self, body, url).lines

    def skin_of(self, body: bytes, url: str) -> str | None:
        """The page skin (pages) or article skin (articles) the evidence points to."""
        from crawler.families.founder.evidence import founder_evidence

        return founder_evidence(self, body, url).skin

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
                    return join_url(url, m.group(1).strip())
        if self._page_anchors_any(doc):
            return None
        for script in doc.root.iter("script"):
            m = JS_REDIRECT_RE.search(script.text or "")
            if m:
                return join_url(url, m.group(1).strip())
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
            if a.get("href") and self.same_edition(join_url(doc.url, a.get("href").strip()), doc.url, "page")
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
                    return join_url(base, href)
        return None

    def _page_list(
        self, doc: Document, roles: Mapping[str, Sequence[str]], anchors: list[Any] | None = None
    ) -> list[PageRef]:
        """The edition's page list; `anchors`: the page-list anchors when the skin's choice found them."""
        anchors = self._page_anchors(doc, roles) if anchors is None else anchors
        ids = {id(a) for a in anchors}
        refs: dict[str, PageRef] = {}
        for a in anchors:
            url = strip_fragment(join_url(doc.url, a.get("href").strip()))
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
        return anchor_title(anchor)

    def _articles(self, doc: Document, roles: Mapping[str, Sequence[str]]) -> list[ArticleRef]:
        refs: dict[str, ArticleRef] = {}
        for a in select_all(doc.root, roles.get("article_links", ())):
            url = join_url(doc.url, (a.get("href") or "").strip())
            if not self.same_edition(url, doc.url, "article"):
                continue
            key = strip_query(url)
            title = self._article_title(a)
            if key not in refs:
                refs[key] = ArticleRef(url=key, title=title, source_key=self.source_key(key))
            elif not refs[key].title:
                refs[key].title = title
        for area in select_all(doc.root, roles.get("areas", ())):
            url = join_url(doc.url, (area.get("href") or "").strip())
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
        # An editor-credit box (本版责编：…) is listed and mapped like a story; it is page furniture, not one.
        return [ref for ref in refs.values() if not is_editor_credit(ref.title)]

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
        doc = load_whole(body, url, headers, options)
        _skin, roles, anchors = self._page_skin(doc, options)
        pages = self._page_list(doc, roles, anchors)
        number, name = self._current_label(doc, roles, pages)
        image = select(doc.root, roles.get("page_image", ()))
        space = CoordinateSpace()
        image_url = None
        if image:
            src = (image[0].get("src") or "").strip()
            image_url = join_url(url, src) if src else None
            space = CoordinateSpace(
                width=int_attr(image[0].get("width")),
                height=int_attr(image[0].get("height")),
                image_url=image_url,
            )
        here = strip_query(url)
        pdf_url = next((p.pdf_url for p in pages if strip_query(p.url) == here and p.pdf_url), None)
        if pdf_url is None:
            pdf = select(doc.root, roles.get("pdf", ()))
            pdf_url = join_url(url, pdf[0].get("href").strip()) if pdf else None
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

    def _title_parts(
        self, doc: Document, roles: Mapping[str, Sequence[str]], title: str | None = None
    ) -> tuple[str | None, ...]:
        """Kicker, title and subtitle; `title` when the skin's detection found it already."""
        kicker = first_text(doc.root, roles.get("kicker", ()))
        title = title or first_text(doc.root, roles.get("title", ()))
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
            url = join_url(doc.url, src)
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
                    fragment = lxml.html.fragment_fromstring(
                        raw, create_parent="div", parser=lxml.html.HTMLParser(huge_tree=True)
                    )
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
        for el in select_all(doc.root, roles.get("byline", ())):
            text = own_text(el)  # the byline line's own text, without its date/page span
            if text:
                return text
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
        doc = load_whole(body, url, headers, options)
        _skin, roles, found = self._article_skin(doc, options)
        kicker, title, subtitle = self._title_parts(doc, roles, found)
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
