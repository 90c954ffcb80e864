"""people-nbs: the national papers' old e-paper (人民日报 1946–2024-11, 光明日报, 中国青年报 …).

Pages are `html/YYYY-MM/DD/nbs.D110000<code>_<NN>.htm`, articles `nw.D110000<code>_<YYYYMMDD>_<seq>-<NN>.htm`
in the same folder. A page has the whole page list (`div#pageList`, one `a#pageLink` + PDF per row), the current
page's label (`div.ban_t li` / `div.l_t`, "01版:要闻"), the page image with its `PagePicMap` polygons and an article
list (`div#titleList`) whose titles are written by script (`document.write(view("…<br>…"))`), not text. Article
pages come in two skins: `div.text_c` (to about 2020) and `div.article` (after), both h3 引题 / h1 标题 / h2 副题,
body in `div#ozoom` (the old skin keeps a hidden second copy "供复制全文用"), pictures in `table.pci_c`.
docs/families/people-nbs.md has the maintainer's notes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from crawler.families.contract import Family, ParseError
from crawler.families.markup import (
    BLOCK_TAGS,
    SKIP_TAGS,
    Document,
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
from crawler.families.urls import join_url, split_url
from schema.records import ArticleRecord, ArticleRef, CoordinateSpace, ImageRef, PageRecord, PageRef

_PAPER = r"nbs\.D\d{6}[a-z]+"
_NUM = r"[A-Za-z]{0,2}\d{1,3}[A-Za-z]?"

# Article-page roles, tried in order: the `text_c` skin first, then the later `article` skin.
ARTICLE_ROLES: dict[str, tuple[str, ...]] = {
    "kicker": ("div.text_c > h3", "div.article > h3"),
    "title": ("div.text_c > h1", "div.article > h1"),
    "subtitle": ("div.text_c > h2", "div.article > h2"),
    "byline": ("div.text_c > h4", "div.article > p.sec"),
    "page_info": ("div.lai", "div.article p.sec span.date", "div.article .date", "div.paper-bot p.ban"),
    "images": ("table.pci_c img",),
    "body": ("div#ozoom", "div#articleContent"),
}
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "page_links": ("div#pageList div.right_title-name a", "div#pageList a#pageLink", "a#pageLink"),
    "current_label": ("div.ban_t li", "div.l_t", "div.paper-bot p.ban"),
    "article_links": ("div#titleList ul li a", "div#titleList a"),
    "areas": ("map area",),
    "page_image": ("img[usemap]",),
    "printed_date": ("div#riqi_", "div.date-box p.date"),
}
_JS_SHELL_RE = re.compile(r"<script\b", re.I)
_LABEL_END_RE = re.compile(r"\s*(?:PDF|下一版|上一版)")
_PAPER_NAME_RE = re.compile(r"^\s*(\D+?)\s*\d{4}\s*年")
_DASHES_RE = re.compile(r"^[\s—–\-－─━]+")


class PeopleNbs(Family):
    """The People's-Daily-style `nbs`/`nw` e-paper: its own URL grammar and markup (no Founder skins)."""

    key = "people-nbs"
    VERSIONS = (("V1", None),)
    PAGE_URL_RE = re.compile(rf"/\d{{4}}-\d{{2}}/\d{{2}}/{_PAPER}_{_NUM}\.htm$")
    ARTICLE_URL_RE = re.compile(rf"/\d{{4}}-\d{{2}}/\d{{2}}/nw\.D\d{{6}}[a-z]+_\d{{8}}_\d+-{_NUM}\.htm$")
    ENTRY_URL_RE = re.compile(r"(?!)")  # no index page: an edition is entered at its first nbs page
    DATE_URL_RE = re.compile(r"/(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/(?:nbs|nw)\.")
    DEFAULT_ENTRY = "html/{date:%Y-%m}/{date:%d}/nbs.D110000renmrb_01.htm"

    # ------------------------------------------------------------------ URL grammar

    def source_id(self, url: str) -> str:
        """`nw.D110000renmrb_20171016_2-01.htm` -> "20171016_2-01" (date, sequence, page)."""
        m = re.search(r"_(\d{8}_\d+-\w+)\.htm$", split_url(url).path)
        return m.group(1) if m else super().source_id(url)

    def source_key(self, url: str) -> str:
        """The file stem (`nw.D110000renmrb_20171016_2-01`): unique within an edition, stable across hosts."""
        return re.sub(r"\.htm$", "", split_url(url).path.rsplit("/", 1)[-1])

    def evidence(self, body: bytes, url: str) -> list[str]:
        hits: list[str] = []
        if self.PAGE_URL_RE.search(split_url(url).path):
            hits.append("URL matches html/YYYY-MM/DD/nbs.D110000<code>_NN.htm")
        elif self.ARTICLE_URL_RE.search(split_url(url).path):
            hits.append("URL matches html/YYYY-MM/DD/nw.D110000<code>_YYYYMMDD_<seq>-<NN>.htm")
        try:
            doc = Document.load(body, url, None)
        except ParseError:
            return hits
        links = [a for a in doc.root.iter("a") if re.search(r"(?:^|/)nbs\.D\d{6}", a.get("href") or "")]
        if links:
            hits.append(f"links to nbs.D… pages: {len(links)}")
        if doc.root.xpath("//div[@id='titleList']//script[contains(., 'view(')]"):
            hits.append('div#titleList titles written by document.write(view("…"))')
        if doc.root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' text_c ')]/h1"):
            hits.append("div.text_c > h1 article head")
        return hits

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None:
        """The first nbs page is the entry: there is nothing to follow."""
        if not body or not body.strip():
            raise ParseError("empty body")
        return None

    # ------------------------------------------------------------------ pages

    def _page_list(self, doc: Document) -> list[PageRef]:
        refs: dict[str, PageRef] = {}
        for a in select_all(doc.root, PAGE_ROLES["page_links"]):
            url = strip_fragment(join_url(doc.url, (a.get("href") or "").strip()))
            if not self.same_edition(url, doc.url, "page"):
                continue
            number, name = parse_label(element_text(a))
            pdf = _pdf_of_row(a, doc.url)
            ref = refs.get(strip_query(url))
            if ref is None:
                refs[strip_query(url)] = PageRef(number=number, name=name, url=url, pdf_url=pdf)
            else:
                ref.number, ref.name, ref.pdf_url = ref.number or number, ref.name or name, ref.pdf_url or pdf
        return list(refs.values())

    def _articles(self, doc: Document) -> list[ArticleRef]:
        refs: dict[str, ArticleRef] = {}
        for a in select_all(doc.root, PAGE_ROLES["article_links"]):
            url = strip_query(join_url(doc.url, (a.get("href") or "").strip()))
            if not self.same_edition(url, doc.url, "article"):
                continue  # links to other sites or other dates are not this edition's articles
            title = anchor_title(a)
            ref = refs.setdefault(url, ArticleRef(url=url, title=title, source_key=self.source_key(url)))
            ref.title = ref.title or title
        for area in select_all(doc.root, PAGE_ROLES["areas"]):
            url = strip_query(join_url(doc.url, (area.get("href") or "").strip()))
            if not self.same_edition(url, doc.url, "article"):
                continue
            title = clean_space(area.get("title") or area.get("alt") or "") or None
            ref = refs.setdefault(url, ArticleRef(url=url, title=title, source_key=self.source_key(url)))
            polygon = parse_coords(area.get("coords") or "", area.get("shape"))
            if polygon and polygon not in ref.polygons:
                ref.polygons.append(polygon)
        # The page's editor-credit box is listed and mapped like a story; it is page furniture, not one.
        return [ref for ref in refs.values() if not is_editor_credit(ref.title)]

    def _label(self, doc: Document, pages: list[PageRef]) -> tuple[str, str]:
        """Number and name as printed on the page; the page list, then the trailer only when it says nothing."""
        number = name = ""
        for el in select_all(doc.root, PAGE_ROLES["current_label"]):
            # `01版:要闻 PDF版下载 下一版`: the label ends where the cell's download and next-page links begin
            number, name = parse_label(_LABEL_END_RE.split(element_text(el), maxsplit=1)[0])
            if number:
                break
        here = strip_query(doc.url)
        for ref in pages:
            if strip_query(ref.url) == here:
                number, name = number or ref.number, name or ref.name
        number = number or doc.metadata.get("founder-pagenum", "")
        if not number:
            raise ParseError("no page number: no div.ban_t/div.l_t label, no page-list entry for this page")
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
        pages = self._page_list(doc)
        if not pages:
            if not select(doc.root, PAGE_ROLES["article_links"]) and _JS_SHELL_RE.search(doc.text):
                raise ParseError("a JS shell: no div#pageList or div#titleList in the served markup")
            raise ParseError(f"no page list (div#pageList a#pageLink to nbs pages): not a {self.key} page")
        number, name = self._label(doc, pages)
        image = select(doc.root, PAGE_ROLES["page_image"])
        image_url = join_url(url, (image[0].get("src") or "").strip()) if image and image[0].get("src") else None
        space = CoordinateSpace(
            width=int_attr(image[0].get("width")) if image else None,
            height=int_attr(image[0].get("height")) if image else None,
            image_url=image_url,
        )
        here = strip_query(url)
        pdf_url = next((p.pdf_url for p in pages if strip_query(p.url) == here and p.pdf_url), None)
        if pdf_url is None:
            pdf = [a for a in doc.root.iter("a") if (a.get("href") or "").lower().endswith(".pdf")]
            pdf_url = join_url(url, pdf[0].get("href").strip()) if pdf else None
        dateline = first_text(doc.root, PAGE_ROLES["printed_date"]) or ""
        named = _PAPER_NAME_RE.match(dateline)  # `人民日报 2017年10月16日 星期一`
        paper_name = squeeze(named.group(1)) if named else doc.metadata.get("founder-papername")
        date = edition_date or self.date_from_url(url)
        return PageRecord(
            url=url,
            edition_date=date,
            number=number,
            name=name,
            image_url=image_url,
            pdf_url=pdf_url,
            pages=pages,
            articles=self._articles(doc),
            coordinate_space=space,
            paper_name=paper_name or None,
            printed_date=date_from_text(dateline) or date_from_text(doc.metadata.get("founder-date")),
            parser_version=self.parser_version(date),
        )

    # ------------------------------------------------------------------ articles

    def _images(self, doc: Document) -> tuple[list[ImageRef], list[Any]]:
        """Pictures of `table.pci_c` (picture row, caption row), and the tables' elements for the body to skip
        (returned as elements, so that their proxies, and so their ids, stay alive while the body is read)."""
        images: list[ImageRef] = []
        skip: list[Any] = []
        for img in select_all(doc.root, ARTICLE_ROLES["images"]):
            src = (img.get("src") or "").strip()
            if not src:
                continue
            table = next(iter(img.iterancestors("table")), None)
            caption = None
            if table is not None:
                skip.extend(table.iter())
                cells = [td for td in table.iter("td") if next(td.iter("img"), None) is None]
                lines = [line.strip(" \u3000") for td in cells for line in element_text(td, br="\u2028").split("\u2028")]
                caption = " ".join(line for line in lines if line) or None
            images.append(ImageRef(url=join_url(doc.url, src), caption=caption))
        return images, skip

    def _paragraphs(self, doc: Document, exclude: list[Any]) -> list[str]:
        skip = {id(el) for el in exclude}
        containers = select(doc.root, ARTICLE_ROLES["body"])
        blocks: list[list[str]] = []
        for container in containers:
            block = _paragraphs_of(container, skip)
            if block and block not in blocks:  # the hidden "供复制全文用" copy repeats the body
                blocks.append(block)
        return [p for block in blocks for p in block]

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
        title = first_text(doc.root, ARTICLE_ROLES["title"])
        if not title:
            raise ParseError(f"no article title (div.text_c > h1, div.article > h1): not a {self.key} article")
        kicker = first_text(doc.root, ARTICLE_ROLES["kicker"])
        subtitle = first_text(doc.root, ARTICLE_ROLES["subtitle"])
        subtitle = _DASHES_RE.sub("", subtitle) if subtitle else None
        byline = next((t for t in (own_text(el) for el in select_all(doc.root, ARTICLE_ROLES["byline"])) if t), None)
        images, skip = self._images(doc)
        page_number = None
        for el in select_all(doc.root, ARTICLE_ROLES["page_info"]):
            page_number = page_number_from_info(element_text(el))
            if page_number:
                break
        date = edition_date or self.date_from_url(url)
        return ArticleRecord(
            url=strip_query(url),
            edition_date=date,
            source_id=self.source_id(url),
            kicker=kicker or None,
            title=title,
            subtitle=subtitle or None,
            paragraphs=self._paragraphs(doc, skip),
            images=images,
            author=byline,
            # the printed 版次 wins over the trailer's, which can carry a CMS suffix (`01` vs `01B`)
            page_number=page_number or doc.metadata.get("founder-pagenum") or _page_of_url(url),
            metadata=dict(doc.metadata),
            parser_version=self.parser_version(date),
        )


def _pdf_of_row(anchor: Any, base: str) -> str | None:
    """The PDF link in the page-list row of `anchor` (the row is the anchor's grandparent div)."""
    for row in list(anchor.iterancestors())[:2]:
        links = [a for a in row.iter("a") if (a.get("href") or "").lower().endswith(".pdf")]
        if links and len([a for a in row.iter("a") if a.get("id") == "pageLink" or a is anchor]) <= 1:
            return join_url(base, links[0].get("href").strip())
    return None


def _page_of_url(url: str) -> str | None:
    m = re.search(r"-(\w+)\.htm$", split_url(url).path)
    return m.group(1) if m else None


def _paragraphs_of(container: Any, skip: set[int]) -> list[str]:
    """Paragraphs of a body container: block elements and <br> end a paragraph; skipped subtrees are left out."""
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

