"""pdf-only rules a golden fixture does not show: the URL grammar, the page list's refusals, and the router's
account of an edition whose pages are found by number (first page absent, the 404 after the last, a soft 404,
the cap, a listed PDF that fails)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.families import get_family
from crawler.families.contract import ParseError
from crawler.registry import Layout, Paper, RegistryError, check_entry
from crawler.routing import Answer, Fetch, Router
from schema.records import ArticleItem, EditionItem, FailureItem, MediaItem, PageItem
from tests.services import require_module

FAMILY = get_family("pdf-only")
FIXTURES = Path(__file__).parent / "fixtures" / "pdf-only"
DAY = dt.date(2025, 3, 4)
BASE = "http://epaper.qinshui.example/"
TEMPLATE = "pdf/{yyyy}{mm}{dd}/{page:02d}.pdf"


def _pdf() -> bytes:
    return (FIXTURES / "template_page" / "body.bin").read_bytes()


def test_url_grammar_pages_stories_and_lists() -> None:
    assert FAMILY.page_kind(BASE + "pdf/20250304/01.pdf") == "page"
    assert FAMILY.page_kind(BASE + "pdf/20250304/01.pdf#story-3") == "article"
    assert FAMILY.page_kind(BASE + "pdflist/20250304/index.html") == "page"
    assert FAMILY.page_kind(BASE + "html/2025-03/04/node_1.htm") is None
    assert FAMILY.date_from_url(BASE + "e/2025/03/04/A03.pdf") == DAY
    assert FAMILY.number_of(BASE + "e/20250304/a03.pdf") == "A03" and FAMILY.number_of(BASE + "x.pdf") == ""
    assert FAMILY.page_url(BASE, DAY, TEMPLATE, 7) == BASE + "pdf/20250304/07.pdf"
    assert FAMILY.entry_url(BASE, DAY, TEMPLATE) == BASE + "pdf/20250304/01.pdf"
    key = FAMILY.source_key(BASE + "pdf/20250304/01.pdf#story-3")
    assert key == "/pdf/20250304/01.pdf#story-3" and FAMILY.source_id(BASE + "pdf/20250304/01.pdf#story-3") == "01-3"


def test_a_founder_page_list_with_pdf_links_is_not_a_pdf_only_list() -> None:
    body = ("<html><body>" + "".join(
        f'<a href="../../../html/2025-03/04/node_{n}.htm">第0{n}版：要闻</a><a href="../../../pdf/2025-03/04/0{n}.pdf">PDF</a>'
        for n in (1, 2, 3)) + "</body></html>").encode()
    url = BASE + "html/2025-03/04/node_1.htm"
    assert FAMILY.evidence(body, url) == []
    with pytest.raises(ParseError, match="page HTML"):
        FAMILY.parse_page(body, url, DAY)


def test_refusals_say_why() -> None:
    with pytest.raises(ParseError, match="no page PDF"):
        FAMILY.parse_page(b"<html><body><a href='x.htm'>x</a></body></html>", BASE + "pdflist/20250304/index.html", DAY)
    require_module("pypdfium2", "page PDFs are read with pypdfium2 (the pdf extra)")
    with pytest.raises(ParseError, match="no story 99"):
        FAMILY.parse_article(_pdf(), BASE + "pdf/20250304/01.pdf#story-99", DAY)
    with pytest.raises(ParseError, match="no #story-N"):
        FAMILY.parse_article(_pdf(), BASE + "pdf/20250304/01.pdf", DAY)
    with pytest.raises(ParseError, match="not a PDF"):
        FAMILY.parse_article(b"<html></html>", BASE + "pdf/20250304/01.pdf#story-1", DAY)


def test_only_a_pdf_only_layout_numbers_its_pages() -> None:
    entry = {"name": "报", "layouts": [{"family": "founder-pc", "base_url": BASE, "entry": "x/{page}.htm"}]}
    with pytest.raises(RegistryError, match="only a pdf-only layout"):
        check_entry("x", entry, "test")
    check_entry("x", {"name": "报", "layouts": [{"family": "pdf-only", "base_url": BASE, "entry": TEMPLATE}]}, "test")


# --------------------------------------------------------------------------- the router's account


def _router(entry: str = TEMPLATE, pages_cap: int = 200) -> tuple[Router, Paper]:
    from crawler.limits import PageCaps

    paper = Paper("qs", "沁水日报", (Layout("pdf-only", BASE, entry),))
    return Router({"qs": paper}, caps=PageCaps(pages=pages_cap)), paper


def _answer(fetch: Fetch, status: int = 200, body: bytes = b"") -> Answer:
    return Answer(fetch.url, fetch.url, status, body, {}, fetch.meta())


def _only(items: list, kind: type) -> list:
    return [i for i in items if isinstance(i, kind)]


def test_first_page_absent_leaves_the_edition_missing_not_failed() -> None:
    router, paper = _router()
    start = list(router.start(paper, DAY))
    (fetch,) = _only(start, Fetch)
    assert fetch.url == BASE + "pdf/20250304/01.pdf" and fetch.meta()["media"] == "pdf"
    out = list(router.route(_answer(fetch, 404)))
    (edition,) = out
    assert isinstance(edition, EditionItem) and edition.status is None and "absent" in (edition.reason or "")


def test_pages_are_probed_until_the_404_after_the_last() -> None:
    require_module("pypdfium2", "page PDFs are read with pypdfium2 (the pdf extra)")
    router, paper = _router()
    (fetch,) = _only(list(router.start(paper, DAY)), Fetch)
    out = list(router.route(_answer(fetch, body=_pdf())))
    (page,), (media,) = _only(out, PageItem), _only(out, MediaItem)
    stories = _only(out, ArticleItem)
    assert page.page.number == "01" and media.kind == "pdf" and len(media.sha256) == 64
    assert stories and all(s.printed is not None and s.printed.text_source == "pdf" for s in stories)
    assert [s.printed.title for s in stories] == [s.article.title for s in stories]  # type: ignore[union-attr]
    assert all(s.page_pdf is None and s.ref.url.endswith(f"#story-{s.seq}") for s in stories)
    (second,) = _only(out, Fetch)
    assert second.probe and second.seq == 2 and second.url.endswith("/02.pdf")
    (end,) = list(router.route(_answer(second, 404)))
    assert isinstance(end, EditionItem) and end.page_count == 1 and end.url == fetch.url
    # a failure on page 2 (not a 404): a media row, and the edition promised that page (partial)
    failed = list(router.failed(second.meta(), second.url, "HTTP 503", 3))
    assert _only(failed, FailureItem)[0].kind == "media" and _only(failed, EditionItem)[0].page_count == 2


def test_a_soft_404_ends_the_pages_and_the_cap_stops_the_probe() -> None:
    require_module("pypdfium2", "page PDFs are read with pypdfium2 (the pdf extra)")
    router, paper = _router()
    (fetch,) = _only(list(router.start(paper, DAY)), Fetch)
    (second,) = _only(list(router.route(_answer(fetch, body=_pdf()))), Fetch)
    (end,) = list(router.route(_answer(second, body=b"<html><body>not found</body></html>")))
    assert end.page_count == 1 and "soft 404" in (end.reason or "")
    capped, paper = _router(pages_cap=1)
    (fetch,) = _only(list(capped.start(paper, DAY)), Fetch)
    out = list(capped.route(_answer(fetch, body=_pdf())))
    assert not _only(out, Fetch) and _only(out, EditionItem)[-1].page_count == 1
    assert "the cap" in (_only(out, EditionItem)[-1].reason or "")


def test_a_page_list_promises_its_pdfs_and_a_listed_pdf_that_fails_is_media() -> None:
    router, paper = _router("pdflist/{yyyy}{mm}{dd}/index.html")
    (fetch,) = _only(list(router.start(paper, DAY)), Fetch)
    assert "media" not in fetch.meta()
    body = (FIXTURES / "pagelist_page" / "body.bin").read_bytes()
    out = list(router.route(_answer(fetch, body=body)))
    fetches = _only(out, Fetch)
    assert _only(out, EditionItem)[0].page_count == len(fetches) == 3 and not _only(out, PageItem)
    assert [(f.page_number, f.page_name, f.probe) for f in fetches] == [("01", "要闻", False), ("02", "聚焦", False),
                                                                        ("03", "综合", False)]
    failed = list(router.failed(fetches[1].meta(), fetches[1].url, "HTTP 404", 1))
    assert [type(i) for i in failed] == [FailureItem] and failed[0].kind == "media"


def test_parse_text_of_a_story_shows_what_the_crawl_stores() -> None:
    """`epaper parse --text` on a story URL: the printed text, as the PDF stage stores it (text_source 'pdf')."""
    require_module("pypdfium2", "page PDFs are read with pypdfium2 (the pdf extra)")
    from crawler.cli.research import parse_text_file

    url = BASE + "pdf/20250304/01.pdf#story-2"
    out = parse_text_file(str(FIXTURES / "story_article" / "body.bin"), url, None, DAY)
    printed = FAMILY.printed_text(_pdf(), url)
    stored = out["stored"]["article"]
    assert stored["text_source"] == "pdf" and stored["body"] == printed.body
    assert stored["byline"] == printed.byline_text and stored["title"] == printed.title
