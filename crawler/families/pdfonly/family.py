"""pdf-only: a paper that publishes its pages only as PDFs, with no 版面 HTML and no article pages.

Two ways to an edition's pages, chosen by the registry entry:

- a **URL template** per page PDF: `entry = "{yyyy}{mm}{dd}/{page:02d}.pdf"` (`{date:%Y%m%d}` works too). The
  crawl fetches page 1, 2, … until the first 404/410 (or an answer that is no PDF: a soft 404), at most
  `MAX_PAGES` (and EPAPER_MAX_PAGES_PER_EDITION); page 1 absent: the edition is `missing`;
- a **page list**: `entry` is an HTML page linking the edition's PDFs (`<a href="….pdf">第01版：要闻</a>`); each
  link is a page, labelled by its text (`parse_label`) or the number in its file name.

A page PDF's stories come from the PDF segmenter by layout (pipelines/text/pdf/, no hotspots): `parse_page`
lists them as articles `<pdf URL>#story-N` (N from 1, reading order), `parse_article` returns story N and
`printed_text` its text as the text rules read it. All are pure functions of (bytes, URL, date): the same bytes
give the same stories, so a re-crawl or `epaper reparse` updates the same rows. The router (crawler/routing.py)
calls them on the page's own bytes, never fetches a story URL, and the PDF text stage stores the printed text
with `text_source = 'pdf'`.
Only the PDF's first page is read (a page PDF is one page). A scanned page (no text layer) has no stories.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from crawler.families.contract import Family, PageKind, ParseError, entry_fields
from crawler.families.markup import Document, element_text, parse_label, strip_fragment
from crawler.families.urls import join_url, split_url
from pipelines.text.pdf.extract import PdfError, is_pdf
from pipelines.text.pdf.fill import is_scan, layout_stories
from schema.records import ArticleRecord, ArticleRef, ArticleText, ImageRef, PageRecord, PageRef

STORY_RE = re.compile(r"^story-(\d+)$")
NUMBER_RE = re.compile(r"([A-Za-z]?\d{1,3})\.pdf$", re.I)  # `…/03.pdf`, `…_A03.pdf`, `…/page3.pdf`
NEVER = re.compile(r"(?!)")


class PdfOnly(Family):
    key = "pdf-only"
    VERSIONS = (("V1", None),)
    PRINTED = True  # the router reads a page's stories from the page itself (crawler/routing.py)
    MAX_PAGES = 64  # a template probe stops here: no paper prints more, a server that answers every number does
    PDF_URL_RE = re.compile(r"\.pdf$", re.I)
    # a page PDF, or a dated page list under a folder named for the PDFs (`pdflist/20250304/index.html`); a page
    # list elsewhere is known by its content (`evidence`) and by the registry entry that names the family
    PAGE_URL_RE = re.compile(
        r"\.pdf$|/pdf[^/]*/(?:\d{4}-?\d{2}-?\d{2}|\d{4}-?\d{2}/\d{2})/(?:index|list|default)[^/]*\.s?html?$", re.I)
    ARTICLE_URL_RE = NEVER  # stories are fragments of the page URL: see page_kind
    ENTRY_URL_RE = NEVER  # the entry is page 1's PDF or the page list, both pages
    DATE_URL_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?!\d)")
    DEFAULT_ENTRY = "{yyyy}{mm}{dd}/{page:02d}.pdf"

    # ------------------------------------------------------------------ URL grammar

    def page_kind(self, url: str) -> PageKind | None:
        parts = split_url(url)
        if not self.PAGE_URL_RE.search(parts.path):
            return None
        return "article" if STORY_RE.match(parts.fragment) and self.is_pdf_url(url) else "page"

    def is_pdf_url(self, url: str) -> bool:
        return bool(self.PDF_URL_RE.search(split_url(url).path))

    def probes(self, entry: str | None) -> bool:
        """The entry numbers the page PDFs: pages are found by asking for 1, 2, … until one is absent."""
        return "{page" in (entry or self.DEFAULT_ENTRY)

    def page_url(self, base_url: str, date: dt.date, entry: str | None, page: int) -> str:
        """Page `page`'s PDF by the registry's template."""
        base = base_url if base_url.endswith("/") else base_url + "/"
        return join_url(base, (entry or self.DEFAULT_ENTRY).format(**entry_fields(date, page)))

    def story_url(self, page_url: str, n: int) -> str:
        return f"{strip_fragment(page_url)}#story-{n}"

    def source_key(self, url: str) -> str:
        parts = split_url(url)
        return f"{parts.path}#{parts.fragment}" if parts.fragment else parts.path

    def source_id(self, url: str) -> str:
        parts = split_url(url)
        m = STORY_RE.match(parts.fragment)
        return f"{self.number_of(url)}-{m.group(1)}" if m else self.number_of(url)

    def number_of(self, url: str) -> str:
        """The page number a PDF's file name carries (`…/03.pdf` → "03"), else ""."""
        m = NUMBER_RE.search(split_url(url).path)
        return m.group(1).upper() if m else ""

    # ------------------------------------------------------------------ evidence

    def evidence(self, body: bytes, url: str) -> list[str]:
        if is_pdf(body):
            return [f"a PDF ({body[:8].decode('latin-1').strip()}) under a page URL {split_url(url).path}",
                    "no page HTML: the page is the PDF"]
        try:
            doc = Document.load(body, url, None)
        except ParseError:
            return []
        links = self._pdf_links(doc, url)
        if len(links) < 2 or self._html_pages(doc, url) >= len(links):
            return []
        return [f"page list of {len(links)} page PDFs of the edition's date (a[href$=.pdf])",
                "no page HTML of the date linked beside them"]

    # ------------------------------------------------------------------ parse

    def parse_entry(self, body: bytes, url: str, headers: Mapping[str, str] | None = None) -> str | None:
        """Nothing redirects: a page list is parsed as the edition's list (parse_page), a PDF as a page."""
        return None

    def parse_page(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> PageRecord:
        """A page PDF → its number, PDF URL and stories (`#story-N`); a page list → the edition's pages, no
        articles. `options`: `number` and `name` (the page list's label), `script` (hans/hant, for the text rules)."""
        options = options or {}
        version = self.parser_version(edition_date)
        if not is_pdf(body):
            return PageRecord(url=url, edition_date=edition_date, number="", name="", pages=self.read_list(body, url),
                              parser_version=version)
        number = str(options.get("number") or self.number_of(url) or "1")
        stories = self._stories(body, url, options)
        articles = [ArticleRef(url=self.story_url(url, n), title=t.title, source_key=self.source_key(self.story_url(url, n)))
                    for n, t in enumerate(stories, 1)]
        return PageRecord(url=url, edition_date=edition_date, number=number, name=str(options.get("name") or ""),
                          pdf_url=strip_fragment(url), articles=articles, parser_version=version)

    def parse_article(
        self,
        body: bytes,
        url: str,
        edition_date: dt.date | None,
        headers: Mapping[str, str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ArticleRecord:
        """Story N of the page PDF `body` (the URL's `#story-N`), as the segmenter reads it."""
        options = options or {}
        text = self.printed_text(body, url, options)
        number = str(options.get("number") or self.number_of(url) or "1")
        return ArticleRecord(
            url=url, edition_date=edition_date, source_id=self.source_id(url), kicker=text.kicker, title=text.title,
            subtitle=text.subtitle, paragraphs=list(text.paragraphs),
            images=[ImageRef(url=None, caption=c.text, credit=c.credit) for c in text.captions],
            author=text.byline_text, page_number=number, parser_version=self.parser_version(edition_date),
        )

    def printed_text(self, body: bytes, url: str, options: Mapping[str, Any] | None = None) -> ArticleText:
        """Story N's text as the text rules read it from the page PDF (`text_source = 'pdf'`): what the crawl
        stores for the story (the router hands it to the PDF text stage with the article)."""
        m = STORY_RE.match(split_url(url).fragment)
        if not m:
            raise ParseError(f"not a story of a page PDF (no #story-N): {url}")
        stories = self._stories(body, url, options or {})
        n = int(m.group(1))
        if not 1 <= n <= len(stories):
            raise ParseError(f"the page PDF prints {len(stories)} stories, no story {n}")
        return stories[n - 1]

    def _stories(self, body: bytes, url: str, options: Mapping[str, Any]) -> list[ArticleText]:
        if not is_pdf(body):
            raise ParseError(f"not a PDF: {url}")
        script = options.get("script")
        try:
            if is_scan(body):
                return []
            return layout_stories(body, script if script in ("hans", "hant") else None)
        except PdfError as exc:
            raise ParseError(str(exc)) from exc

    # ------------------------------------------------------------------ the page list

    def read_list(self, body: bytes, url: str) -> list[PageRef]:
        """The edition's page PDFs an HTML page links, in page order, labelled as printed."""
        doc = Document.load(body, url, None)
        links = self._pdf_links(doc, url)
        if not links:
            raise ParseError(f"no page PDF of the edition linked from {url}")
        pages = self._html_pages(doc, url)
        if pages >= len(links):
            raise ParseError(f"links {pages} HTML pages of its date besides the PDFs: the page list of a family "
                             "with page HTML (its PDFs are the pages' media), not a pdf-only paper's")
        refs: list[PageRef] = []
        for href, anchor in links:
            number, name = parse_label(element_text(anchor))
            refs.append(PageRef(number=number or self.number_of(href) or str(len(refs) + 1), name=name,
                                url=href, pdf_url=href))
        return refs

    def _html_pages(self, doc: Document, url: str) -> int:
        """Links to HTML pages of the list's own date, and hotspot areas: a platform with page HTML has them."""
        day = self.date_from_url(url)
        dated = {href for a in doc.root.iter("a", "area")
                 if (href := join_url(url, (a.get("href") or "").strip())) and not self.is_pdf_url(href)
                 and day is not None and self.date_from_url(href) == day}
        return len(dated) + sum(1 for _ in doc.root.iter("area"))

    def _pdf_links(self, doc: Document, url: str) -> list[tuple[str, Any]]:
        """Links to PDFs of the list's date (or of no date in their URL), first occurrence each."""
        day = self.date_from_url(url)
        seen: dict[str, Any] = {}
        for anchor in doc.root.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href:
                continue
            absolute = strip_fragment(join_url(url, href))
            if not self.is_pdf_url(absolute) or absolute in seen:
                continue
            linked = self.date_from_url(absolute)
            if linked is not None and day is not None and linked != day:
                continue
            seen[absolute] = anchor
        return list(seen.items())
