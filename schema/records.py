"""Typed records: the contract between parsers, text stages and storage.

Parsers (crawler/families) return PageRecord / ArticleRecord from raw bytes. The spider wraps them in
items (EditionItem, PageItem, ArticleItem, FailureItem) that carry the crawl context (paper, edition
date, page). Text stages (pipelines/) fill ArticleItem.text (an ArticleText). The store
(schema/store/) maps items to the tables of docs/schema.md.

Records are plain dataclasses so that they pickle (JOBDIR), compare in tests and serialise to JSON with
`to_json()` without any framework.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

EditionStatus = Literal["complete", "partial", "missing", "not_published", "failed"]
FailureKind = Literal["edition", "page", "article", "media"]  # media: a page image or PDF (never fails an edition)
MediaKind = Literal["image", "pdf"]


def _plain(value: Any) -> Any:
    """Recursively turn dataclasses, dates and tuples into JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- parser output


@dataclass
class CoordinateSpace:
    """The pixel space hotspot polygons are drawn in (the displayed page image, not the scan)."""

    width: int | None = None
    height: int | None = None
    image_url: str | None = None


@dataclass
class PageRef:
    """One entry of an edition's ordered page list, as printed in the page navigation."""

    number: str  # label as printed: "01", "A01"
    name: str  # 版名, inner spaces removed
    url: str  # absolute
    pdf_url: str | None = None


@dataclass
class ArticleRef:
    """One article as listed on a page: its URL, list title and hotspot polygons."""

    url: str  # absolute, without ?div= suffixes
    title: str | None = None
    polygons: list[list[float]] = field(default_factory=list)  # flat [x, y, x, y, ...] per area
    source_key: str = ""  # CMS id ("content_52014") or URL path; unique within an edition


@dataclass
class PageRecord:
    """A parsed 版面 page."""

    url: str
    edition_date: dt.date | None
    number: str
    name: str
    image_url: str | None = None
    pdf_url: str | None = None
    pages: list[PageRef] = field(default_factory=list)  # the whole edition's page list, ordered
    articles: list[ArticleRef] = field(default_factory=list)
    coordinate_space: CoordinateSpace = field(default_factory=CoordinateSpace)
    paper_name: str | None = None  # from <founder-papername> or the page title, when given
    printed_date: dt.date | None = None  # the date the page says it is for, when it says so
    parser_version: str = ""

    def own_pdf_url(self) -> str | None:
        """The page's PDF: its own link, else the one its entry in the edition's page list gives."""
        return self.pdf_url or next(
            (ref.pdf_url for ref in self.pages if ref.number == self.number and ref.pdf_url), None
        )

    def to_json(self) -> dict[str, Any]:
        """The `epaper parse` JSON shape for a page (README, "Layout families")."""
        return {
            "kind": "page",
            "url": self.url,
            "number": self.number,
            "name": self.name,
            "image_url": self.image_url,
            "pdf_url": self.pdf_url,
            "pages": [{"number": p.number, "name": p.name, "url": p.url, "pdf_url": p.pdf_url} for p in self.pages],
            "articles": [
                {
                    "url": a.url,
                    "title": a.title,
                    "polygons": a.polygons,
                    "coordinate_space": _plain(self.coordinate_space),
                    "source_key": a.source_key,
                }
                for a in self.articles
            ],
            "coordinate_space": _plain(self.coordinate_space),
            "paper_name": self.paper_name,
            "printed_date": _plain(self.printed_date),
            "parser_version": self.parser_version,
        }


@dataclass
class ImageRef:
    """An image of an article with the caption printed next to it (raw; credits split later)."""

    url: str | None
    caption: str | None = None
    credit: str | None = None


@dataclass
class ArticleRecord:
    """A parsed article page, text as printed (before the text stages)."""

    url: str
    edition_date: dt.date | None
    source_id: str  # CMS id, e.g. "52014" from content_52014.htm
    kicker: str | None = None  # 引题
    title: str | None = None
    subtitle: str | None = None  # 副题, leading —— removed
    paragraphs: list[str] = field(default_factory=list)  # body paragraphs as printed (bylines etc. still in)
    images: list[ImageRef] = field(default_factory=list)
    author: str | None = None  # the page's own author field, when it has one
    page_number: str | None = None  # 版次 the article page states, when it does
    metadata: dict[str, str] = field(default_factory=dict)  # <!--enpproperty--> fields and similar
    parser_version: str = ""

    def to_json(self) -> dict[str, Any]:
        """The `epaper parse` JSON shape for an article (README, "Layout families")."""
        return {
            "kind": "article",
            "url": self.url,
            "kicker": self.kicker,
            "title": self.title,
            "subtitle": self.subtitle,
            "paragraphs": list(self.paragraphs),
            "images": [{"url": i.url, "caption": i.caption} for i in self.images],
            "author": self.author,
            "page_number": self.page_number,
            "source_id": self.source_id,
            "metadata": dict(self.metadata),
            "parser_version": self.parser_version,
        }


# --------------------------------------------------------------------------- text stage output


@dataclass
class Byline:
    """A person (or desk) credited for an article, with role and organisation."""

    name: str | None  # None for role-only credits such as 本报评论员
    role: str | None  # 记者, 全媒体记者, 特约记者, 通讯员, 实习生, 摄影, 评论员, 编译, 责任编辑, ...
    organisation: str | None = None  # 本报, 新华社, 海南日报, ...


@dataclass
class Dateline:
    """The 讯头/电头 that opened the first paragraph, e.g. 新华社北京4月25日电."""

    text: str  # the prefix as printed, without the bracketed reporters (本报讯, 新华社北京4月25日电)
    organisation: str | None = None
    place: str | None = None
    date: str | None = None  # as printed ("4月25日", "18日")


@dataclass
class Caption:
    """An image caption split from its credit."""

    text: str
    credit: str | None = None
    image_url: str | None = None  # None when the page shows no image for it


@dataclass
class Continuation:
    """A 下转/上接 marker removed from the text: direction "to" (下转) or "from" (上接)."""

    direction: Literal["to", "from"]
    page: str  # the page label as digits or code: "2", "A03"
    text: str = ""  # the marker as printed


@dataclass
class ArticleText:
    """What the text stages make of an article: clean, rejoined, attributed."""

    kicker: str | None = None
    title: str | None = None
    subtitle: str | None = None
    section: str | None = None
    paragraphs: list[str] = field(default_factory=list)  # body only
    crossheads: list[str] = field(default_factory=list)
    dateline: Dateline | None = None
    byline_text: str | None = None  # bylines as printed, joined with " / "
    bylines: list[Byline] = field(default_factory=list)
    editors: list[Byline] = field(default_factory=list)  # 责任编辑, 校对, 美编 ...
    captions: list[Caption] = field(default_factory=list)
    continuations: list[Continuation] = field(default_factory=list)
    joins: int = 0  # paragraphs rejoined after column breaks
    script: Literal["hans", "hant"] = "hans"
    title_simplified: str | None = None  # only where the text is traditional
    body_simplified: str | None = None  # only where the text is traditional
    text_source: Literal["html", "pdf"] = "html"  # 'pdf': read from the page PDF (the HTML had no text)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


# --------------------------------------------------------------------------- crawl items


@dataclass
class EditionItem:
    """An edition seen by the spider: its entry URL, and a status when it is already known."""

    paper: str
    date: dt.date
    url: str | None = None
    status: EditionStatus | None = None  # set for not_published / failed; otherwise computed at close
    page_count: int | None = None  # pages the edition's page list promises
    reason: str | None = None


@dataclass
class PageItem:
    paper: str
    date: dt.date
    seq: int  # 1..n in the edition's reading order
    page: PageRecord
    # articles this page lists that another page of the edition listed first: fetched once, from that page,
    # so this page does not promise them (a story reachable from two pages is one article)
    listed_elsewhere: list[str] = field(default_factory=list)


@dataclass
class ArticleItem:
    paper: str
    date: dt.date
    page_url: str
    page_number: str
    seq: int  # position on its page, 1..n
    ref: ArticleRef
    article: ArticleRecord
    text: ArticleText | None = None  # filled by the text stages
    # the paper's script from the registry; None: detected from the article's text (ScriptStage), as for a mixed paper
    script: Literal["hans", "hant"] | None = "hans"
    region: str = "mainland"  # the paper's OpenCC region ("mainland", "hk", "tw") from the registry
    # the page PDF's bytes when the run reads articles' text from it (EPAPER_MEDIA pdf/all, or a reparse): the
    # PDF stage fills an article without HTML text from it, or measures `pdf_coverage`, then drops it
    page_pdf: bytes | None = None
    page_space: tuple[int | None, int | None] = (None, None)  # the hotspots' coordinate space (width, height)
    pdf_coverage: float | None = None  # share of the text the PDF prints in the hotspots that the HTML has
    # a paper that publishes only page PDFs (the pdf-only family): the story's text as its page PDF prints it,
    # read by layout when the page was parsed; the PDF stage stores it as the article's text (`text_source = 'pdf'`)
    printed: ArticleText | None = None


@dataclass
class FailureItem:
    """Something that could not be fetched or parsed, with the reason."""

    paper: str
    date: dt.date
    url: str
    kind: FailureKind
    reason: str
    attempts: int = 1
    page_url: str | None = None


@dataclass
class MediaItem:
    """A page image or page PDF that was fetched and archived: what the `page` row records of it."""

    paper: str
    date: dt.date
    page_number: str
    kind: MediaKind
    url: str
    sha256: str
    size: int  # bytes as received
    width: float | None = None  # image: pixels; PDF: points (None when pypdfium2 is not installed)
    height: float | None = None


def to_plain(value: Any) -> Any:
    """Public helper: any record to JSON-ready values."""
    return _plain(value)
