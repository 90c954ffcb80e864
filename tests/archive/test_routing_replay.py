"""The replay's routing in process: an edition answered from a stub archive, companion documents included."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any, cast

import pytest

from crawler.archive.reader import ArchivedResponse
from crawler.archive.replay import ArchiveSource, replay_edition
from crawler.families import FAMILIES
from crawler.families.contract import NeedsDocuments, ParseError
from crawler.registry import load_registry
from crawler.routing import Router
from schema.records import ArticleRecord, ArticleRef, EditionItem, FailureItem, PageItem, PageRecord, PageRef

DAY = dt.date(2025, 4, 25)
BASE = "http://127.0.0.1:9/demo/"
ENTRY = BASE + "pc/layout/202504/25/node_01.html"
PLIST = BASE + "pc/layout/202504/25/plist.htm"
ARTICLE = BASE + "pc/content/202504/25/content_1.html"


class Stub:
    """Stands in for ArchiveSource: URL → body, and the counters the replay keeps."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.stats: Counter[str] = Counter()
        self.index = self  # the archive index's lookup, too

    def lookup(self, url: str, paper: str | None = None) -> tuple[str | None, bool]:
        return (url if url in self.bodies else None), False

    def stored(self, url: str, paper: str | None) -> ArchivedResponse | None:
        if url not in self.bodies:
            self.stats["missing"] += 1
            return None
        return ArchivedResponse(url, 200, [], self.bodies[url], "HTTP/1.1", "", paper, DAY, None)

    def answer(self, fetch: Any) -> Any:
        from crawler.routing import Answer

        stored = self.stored(fetch.url, fetch.paper)
        return None if stored is None else Answer(fetch.url, fetch.url, 200, stored.body, {}, fetch.meta())


class PlistFamily:
    """A family whose entry names its page list in a companion document, then lists one article."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.key = real.key

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def parse_page(self, body: bytes, url: str, day: Any, headers: Any = None, options: Any = None) -> PageRecord:
        documents = (options or {}).get("documents") or {}
        if PLIST not in documents:
            raise NeedsDocuments([PLIST], "the page list is in plist.htm")
        ref = ArticleRef(ARTICLE, "题", source_key="content_1")
        return PageRecord(url, day, "01", "要闻", pages=[PageRef("01", "要闻", ENTRY)], articles=[ref],
                          parser_version="stub/V1")

    def parse_article(self, body: bytes, url: str, day: Any, headers: Any = None, options: Any = None) -> ArticleRecord:
        if body == b"broken":
            raise ParseError("no body")
        return ArticleRecord(url=url, edition_date=day, source_id="1", title="题", paragraphs=["正文。"],
                             parser_version="stub/V1")


@pytest.fixture
def router(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Router:
    registry_file = tmp_path / "papers.toml"
    registry_file.write_text(
        '[papers.demo]\nname = "河东日报"\nscript = "hans"\n[[papers.demo.layouts]]\nfamily = "founder-pc"\n'
        f'base_url = "{BASE}"\nentry = "pc/layout/{{date:%Y%m}}/{{date:%d}}/node_01.html"\n', encoding="utf-8")
    monkeypatch.setitem(FAMILIES, "founder-pc", PlistFamily(FAMILIES["founder-pc"]))
    return Router(load_registry(registry_file))


def run(router: Router, bodies: dict[str, bytes]) -> tuple[list[Any], Stub]:
    stub = Stub(bodies)
    items = list(replay_edition(router, cast(ArchiveSource, stub), router.registry["demo"], DAY, set()))
    return items, stub


def test_a_companion_document_is_looked_up_in_the_archive_and_the_page_parsed_with_it(router: Router) -> None:
    items, stub = run(router, {ENTRY: b"<html/>", PLIST: b"01", ARTICLE: b"<html/>"})
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["EditionItem", "PageItem", "EditionItem", "ArticleItem"], kinds
    assert isinstance(items[1], PageItem) and items[1].page.articles[0].url == ARTICLE
    assert stub.stats.get("documents") == 1 and "missing" not in stub.stats


def test_a_missing_document_or_article_is_counted_and_leaves_the_database_alone(router: Router) -> None:
    items, stub = run(router, {ENTRY: b"<html/>"})
    assert [type(i) for i in items] == [EditionItem]  # the planned edition only: finalisation decides
    assert stub.stats["missing"] == 1 and stub.stats["documents_missing"] == 1
    items, stub = run(router, {ENTRY: b"<html/>", PLIST: b"01"})
    assert stub.stats["missing"] == 1 and not any(isinstance(i, FailureItem) for i in items)


def test_an_article_that_does_not_parse_is_a_failure_row(router: Router) -> None:
    items, _ = run(router, {ENTRY: b"<html/>", PLIST: b"01", ARTICLE: b"broken"})
    (failure,) = [i for i in items if isinstance(i, FailureItem)]
    assert failure.kind == "article" and failure.reason == "parse: no body" and failure.page_url == ENTRY


PDF = BASE + "pc/pdf/202504/25/page_01.pdf"


class PdfPageFamily(PlistFamily):
    """A page with its PDF and one mapped article; counts the article parses."""

    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self.article_parses = 0

    def parse_page(self, body: bytes, url: str, day: Any, headers: Any = None, options: Any = None) -> PageRecord:
        ref = ArticleRef(ARTICLE, "题", polygons=[[0, 0, 10, 0, 10, 10]], source_key="content_1")
        return PageRecord(url, day, "01", "要闻", pdf_url=PDF, pages=[PageRef("01", "要闻", ENTRY)], articles=[ref],
                          parser_version="stub/V1")

    def parse_article(self, body: bytes, url: str, day: Any, headers: Any = None, options: Any = None) -> ArticleRecord:
        self.article_parses += 1
        return super().parse_article(body, url, day, headers, options)


@pytest.mark.parametrize("archived", [True, False])
def test_an_article_that_reads_its_page_pdf_is_parsed_once_with_it(router: Router, monkeypatch: pytest.MonkeyPatch,
                                                                    archived: bool) -> None:
    """The replay hands the page PDF (b"" when it is not archived) to the article's first routing: one parse
    per article, not one without the PDF and one again with it."""
    family = PdfPageFamily(FAMILIES["founder-pc"].real)  # type: ignore[attr-defined]  # the PlistFamily wrapper
    monkeypatch.setitem(FAMILIES, "founder-pc", family)
    router.pdf_text = True
    bodies = {ENTRY: b"<html/>", ARTICLE: b"<html/>"}
    if archived:
        bodies[PDF] = b"%PDF-1.4 page"
    stub = Stub(bodies)
    items = list(replay_edition(router, cast(ArchiveSource, stub), router.registry["demo"], DAY, set()))
    (article,) = [i for i in items if type(i).__name__ == "ArticleItem"]
    assert family.article_parses == 1
    assert article.page_pdf == (b"%PDF-1.4 page" if archived else None)
    assert stub.stats["documents"] == 1 and stub.stats["media_missing"] == (0 if archived else 1)
