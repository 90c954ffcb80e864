"""End-to-end crawls of the pdf-only fixture sites (page PDFs only: numbered by a URL template, or linked from a
page list): every page PDF archived and measured, its stories stored from the PDF, the ledger's account of
absent pages and editions, and the offline reparse of the archived PDFs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from tests.archive.conftest import run_reparse
from tests.services import require_module

from .conftest import registry_for, run_crawl

DAY, NONE = dt.date(2025, 3, 4), dt.date(2025, 3, 5)  # the small sites have no edition on 03-05


@pytest.fixture(autouse=True)
def _needs_pdf_tools() -> None:
    require_module("reportlab", "the fixture server builds page PDFs with reportlab (the dev extra)")
    require_module("pypdfium2", "page PDFs are read with pypdfium2 (the pdf extra)")


def _titles(site_key: str) -> list[str]:
    edition = SITES[site_key].edition(DAY)
    return [a.title for p in edition.pages for a in p.articles]


@pytest.mark.parametrize("key", ["pdfonly", "pdfonly-list"])
def test_pdf_only_site_crawls_complete_from_its_page_pdfs(key: str, db_url: str, tmp_path: Path) -> None:
    site = SITES[key]
    edition = site.edition(DAY)
    archive = tmp_path / "archive"
    settings = {"EPAPER_ARCHIVE_ENABLED": "1", "EPAPER_ARCHIVE_DIR": str(archive)}
    registry = registry_for(tmp_path / "r.toml", site)
    paper = key.replace("-", "_")
    with FixtureServer([site]) as server:
        result = run_crawl(server.base_url, db_url, paper, start=DAY.isoformat(), end=NONE.isoformat(),
                           registry=registry, settings=settings)
        assert result.returncode == 0, result.log[-3000:]
        hits = server.hits.snapshot()
        server.reset_hits()
        before = result.rows("select source_key, title, body, content_hash from article order by source_key")
        run = run_reparse(archive, db_url, server.base_url, "--paper", paper, registry=registry)
        assert run.returncode == 0, run.stderr[-3000:]
        assert sum(server.hits.snapshot().values()) == 0  # offline: the archived PDFs only
    statuses = {str(d): (s, n) for d, s, n in result.rows("select date, status, page_count from edition")}
    # 03-05: the first page is absent (or the page list): nothing says the paper did not publish: missing
    assert statuses == {DAY.isoformat(): ("complete", len(edition.pages)), NONE.isoformat(): ("missing", None)}
    assert result.scalar("select count(*) from failure") == 0
    pages = result.rows("select number, pdf_url, pdf_sha256, pdf_bytes, pdf_width_pt, article_count from page"
                        " order by seq")
    assert [n for n, *_ in pages] == [p.number for p in edition.pages]
    for number, pdf_url, sha, size, width, count in pages:
        assert pdf_url.endswith(f"/{number}.pdf") and len(sha) == 64 and size > 0 and width == 700.0
        assert count >= 1
    stored = result.rows("select title, body, text_source, source_key, parser_version from article")
    assert {source for _, _, source, _, _ in stored} == {"pdf"}
    assert all(body for _, body, _, _, _ in stored) and {v for *_, v in stored} == {"pdf-only/V1"}
    assert all(re.search(r"\.pdf#story-\d+$", k) for _, _, _, k, _ in stored)
    titles = {t for t, *_ in stored}
    found = [t for t in _titles(key) if t in titles]
    assert len(found) >= 0.8 * len(_titles(key)), (sorted(titles), _titles(key))
    assert result.scalar("select count(*) from article_part") == result.scalar(
        "select sum(article_count) from page")
    # each page PDF fetched once: the stories are read from the page's own bytes, never requested
    pdfs = sorted(path for path in hits if path.endswith(".pdf") and DAY.strftime("%Y%m%d") in path)
    expected = [f"{site.root}pdf/{DAY:%Y%m%d}/{p.number}.pdf" for p in edition.pages]
    if key == "pdfonly":  # the probe asked for one page past the last, which answered 404
        expected.append(f"{site.root}pdf/{DAY:%Y%m%d}/{len(edition.pages) + 1:02d}.pdf")
    assert pdfs == sorted(expected) and all(hits[p] == 1 for p in pdfs)
    # the reparse reads the archived PDFs (and the probe's 404) again and finds nothing to change
    assert run.summary["rows_written"] == 0, run.stdout[-2000:]
    parts = result.scalar("select count(*) from article_part")  # a story continued on the next page is joined
    assert (run.summary["pages"], run.summary["articles"]) == (len(edition.pages), parts)
    assert result.rows("select source_key, title, body, content_hash from article order by source_key") == before
    assert result.rows("select date, status from edition order by date")[0][1] == "complete"


def test_an_absent_page_pdf_is_a_media_failure_and_the_edition_partial(db_url: str, tmp_path: Path) -> None:
    site = SITES["pdfonly-list"]
    edition = site.edition(DAY)
    missing = f"{site.root}pdf/{DAY:%Y%m%d}/{edition.pages[1].number}.pdf"
    with FixtureServer([site], faults=Faults(failing={re.compile(re.escape(missing) + "$")})) as server:
        result = run_crawl(server.base_url, db_url, "pdfonly_list", date=DAY.isoformat(),
                           registry=registry_for(tmp_path / "r.toml", site))
    assert result.returncode == 1, result.log[-3000:]  # a partial edition
    assert result.rows("select status, page_count from edition") == [("partial", len(edition.pages))]
    (kind, url, reason), = result.rows("select kind, url, reason from failure")
    assert kind == "media" and url.endswith(missing) and "HTTP 5" in reason
    assert result.scalar("select count(*) from page") == len(edition.pages) - 1
