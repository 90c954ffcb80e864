"""Companion documents in a real crawl (crawler/documents.py): the js-data site's pages and articles are script
shells filled from the edition's data.js, which the spider fetches once per edition and hands to the parsers; a
data file that cannot be fetched is a failure row of every page waiting for it, never a silent loss."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from crawler.documents import Documents
from crawler.families.contract import NeedsDocuments, ParseError
from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from schema.records import EditionItem, FailureItem

from .conftest import expected_counts, registry_for, run_crawl

DAY = dt.date(2025, 3, 4)


def test_js_data_site_crawls_complete_with_its_data_file(db_url: str, tmp_path: Path) -> None:
    site = SITES["jsdata"]
    with FixtureServer([site]) as server:
        result = run_crawl(
            server.base_url,
            db_url,
            "jsdata",
            date=DAY.isoformat(),
            registry=registry_for(tmp_path / "r.toml", site),
        )
        data_hits = server.hits[f"{site.root}{DAY:%Y-%m-%d}/data.js"]
    assert result.returncode == 0, result.log[-3000:]
    assert dict(result.rows("select date, status from edition")) in (
        {DAY: "complete"},
        {DAY.isoformat(): "complete"},
    )
    pages, articles = expected_counts(site, [DAY])
    assert result.scalar("select count(*) from page") == pages
    assert result.scalar("select count(*) from article_part") == articles
    assert result.scalar("select count(*) from failure") == 0
    assert data_hits == 1  # one data file per edition, whatever number of pages and articles name it
    titles = {t for (t,) in result.rows("select title from article")}
    assert {a.title for p in site.edition(DAY).pages for a in p.articles} >= titles and titles


def test_a_data_file_that_fails_is_a_failure_row_not_a_silent_loss(db_url: str, tmp_path: Path) -> None:
    site = SITES["jsdata"]
    faults = Faults(failing={f"{site.root}{DAY:%Y-%m-%d}/data.js"})
    with FixtureServer([site], faults) as server:
        result = run_crawl(
            server.base_url,
            db_url,
            "jsdata",
            date=DAY.isoformat(),
            registry=registry_for(tmp_path / "r.toml", site),
            settings={"RETRY_TIMES": "0"},
        )
    assert result.returncode != 0
    statuses = [s for (s,) in result.rows("select status from edition")]
    assert statuses == ["failed"]
    failures = result.rows("select kind, reason from failure")
    assert failures and all("data.js" in reason and "HTTP 500" in reason for _kind, reason in failures)
    assert "edition" in {k for k, _ in failures}


# --------------------------------------------------------------------------- crawler/documents.py on its own


class _Spider(scrapy.Spider):
    """The spider's side of the contract: a page callback, the document callbacks, the Documents helper."""

    name = "documents-test"

    def __init__(self) -> None:
        super().__init__()
        self.documents = Documents()
        self.parsed: list[tuple[str, dict]] = []

    def parse_page(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        options = self.documents.options(meta["paper"], meta["day"], {})
        self.parsed.append((response.url, options.get("documents", {})))
        try:
            self.documents.parse(self._needs, meta["paper"], meta["day"], options)
        except NeedsDocuments as needs:
            yield from self.documents.fetch(
                response, needs, "parse_page", self.parse_document, self.on_document_error
            )
            return
        yield {"parsed": response.url}

    @staticmethod
    def _needs(options: dict) -> None:
        if PLIST not in options.get("documents", {}):
            raise NeedsDocuments([PLIST], "the page list is elsewhere")

    def parse_document(self, response: Response) -> Iterator[Any]:
        yield from self.documents.arrived(response, self)

    def on_document_error(self, failure: Any) -> Iterator[Any]:
        yield from self.documents.lost(failure)


PLIST = "http://e.example/p/2025/20250304/20250304_plist.htm"


def _page(n: int, kind: str = "page") -> Response:
    url = f"http://e.example/p/2025/20250304/20250304_00{n}/20250304_00{n}.htm"
    request = scrapy.Request(url, meta={"paper": "p", "day": DAY, "family": "plist", "kind": kind, "seq": n})
    return HtmlResponse(url, body=b"<html><body>page</body></html>", request=request)


def test_one_request_per_document_and_edition_and_every_waiting_page_parsed_after_it() -> None:
    spider = _Spider()
    first = list(spider.parse_page(_page(1, "edition")))
    second = list(spider.parse_page(_page(2)))
    assert [r.url for r in first] == [PLIST] and second == []  # the second page waits for the same request
    (request,) = first
    assert request.dont_filter and request.meta["kind"] == "document"
    assert request.to_dict(spider=spider)["callback"] == "parse_document"  # a disk or Redis queue can hold it
    pickle.dumps(request.meta)
    doc = HtmlResponse(PLIST, body=b"<html>plist</html>", request=request)
    items = list(request.callback(doc))
    assert items == [{"parsed": _page(1).url}, {"parsed": _page(2).url}]
    assert spider.parsed[-1][1] == {PLIST: b"<html>plist</html>"}


def test_a_document_fetched_by_a_worker_that_never_saw_the_page_still_serves_it() -> None:
    asking, fetching = _Spider(), _Spider()
    (request,) = list(asking.parse_page(_page(3)))
    items = list(fetching.parse_document(HtmlResponse(PLIST, body=b"<html>plist</html>", request=request)))
    assert items == [{"parsed": _page(3).url}]


def test_asking_again_for_a_document_already_given_is_a_parse_error() -> None:
    docs = Documents()
    docs.bodies[("p", DAY)] = {PLIST: b"x"}

    def needs_it(_options: Any) -> None:
        raise NeedsDocuments([PLIST], "again")

    with pytest.raises(ParseError, match="asked again"):
        docs.parse(needs_it, "p", DAY, {})


def test_a_lost_document_is_a_failure_row_of_every_waiting_page() -> None:
    spider = _Spider()
    (request,) = list(spider.parse_page(_page(1, "edition")))
    list(spider.parse_page(_page(2)))
    failure = Failure(ConnectionRefusedError("refused"))
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy's errback sets it
    items = list(request.errback(failure))
    failures = [i for i in items if isinstance(i, FailureItem)]
    assert [(f.url, f.kind) for f in failures] == [(_page(1).url, "edition"), (_page(2).url, "page")]
    assert all(PLIST in f.reason and "refused" in f.reason for f in failures)
    assert [i.status for i in items if isinstance(i, EditionItem)] == ["failed"]
    # a page asking after the loss is failed at once, without a new request
    late = list(spider.parse_page(_page(3)))
    assert [type(i) for i in late] == [FailureItem]
