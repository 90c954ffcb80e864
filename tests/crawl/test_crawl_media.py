"""Page media in a crawl (`-a media=`): page images and PDFs archived and measured, the image-only page's
stories read from its PDF, a missing PDF a `media` ledger line that fails nothing, and a media backfill."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.testsite.faults import Faults
from crawler.testsite.server import FixtureServer
from crawler.testsite.sites import SITES
from tests.services import require_module

from .conftest import run_crawl

DAY = dt.date(2025, 4, 25)


@pytest.fixture(autouse=True)
def _needs_pdf_tools() -> None:
    require_module("reportlab", "the fixture server builds page PDFs with reportlab (the dev extra)")
    require_module("pypdfium2", "page PDFs are read with pypdfium2 (the pdf extra)")


def media_records(archive: Path) -> dict[str, int]:
    """Archived response records of kind media, by Content-Type."""
    found: dict[str, int] = {}
    for path in archive.rglob("*.warc.gz"):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Epaper-Kind") == "media":
                    kind = record.http_headers.get_header("Content-Type")
                    found[kind] = found.get(kind, 0) + 1
    return found


def test_media_all_archives_page_files_and_fills_the_image_only_page(db_url, tmp_path: Path) -> None:
    site = SITES["demo"]
    edition = site.edition(DAY)
    archive = tmp_path / "archive"
    with FixtureServer([site]) as server:
        result = run_crawl(server.base_url, db_url, "demo", date=DAY.isoformat(), spider_args={"media": "all"},
                           settings={"EPAPER_ARCHIVE_ENABLED": "1", "EPAPER_ARCHIVE_DIR": str(archive)})
    assert result.returncode == 0, result.log[-3000:]
    assert result.rows("select status from edition") == [("complete",)]
    pages = result.rows("select number, image_sha256, image_bytes, image_pixel_width, image_pixel_height,"
                        " pdf_sha256, pdf_bytes, pdf_width_pt, pdf_height_pt from page order by seq")
    assert len(pages) == len(edition.pages)
    for number, image_sha, image_bytes, pw, ph, pdf_sha, pdf_bytes, width_pt, height_pt in pages:
        assert len(image_sha) == 64 and image_bytes > 0 and (pw, ph) == (350, 550), number
        assert len(pdf_sha) == 64 and pdf_bytes > 0 and (width_pt, height_pt) == (700.0, 1100.0), number
    assert media_records(archive) == {"image/png": len(edition.pages), "application/pdf": len(edition.pages)}
    assert result.scalar("select count(*) from failure") == 0

    photo = edition.pages[7]
    filled = result.rows("select a.title, a.body, a.text_source from article a join page p on p.id = a.page_id"
                         " where p.number = '08' order by a.seq")
    assert [t for t, _, _ in filled] == [a.title for a in photo.articles]
    for (_, body, source), article in zip(filled, photo.articles, strict=True):
        assert source == "pdf"
        printed = [p for p in article.printed if not p.startswith("责任编辑")][-1]  # only the PDF has it
        assert printed[-12:] in body, (body, printed)
    editors = result.scalar("select a.editors from article a where a.title = :t", t=photo.articles[1].title)
    assert "柴丽娜" in str(editors)  # the printed editor credit is read as the HTML's would be
    # the other stories keep their HTML text, now checked against what their page PDF prints
    assert result.scalar("select count(*) from article where text_source = 'pdf'") == len(photo.articles)
    coverage = [c for (c,) in result.rows("select pdf_coverage from article where text_source = 'html'")]
    assert coverage and all(c is not None for c in coverage)
    assert sorted(coverage)[len(coverage) // 2] > 0.9, coverage
    plot_over_the_archived_image(result.db_url, archive, tmp_path)


def plot_over_the_archived_image(database: str, archive: Path, tmp_path: Path) -> None:
    """`epaper plot page` draws the outlines over the archived page image: its colours show under them."""
    require_module("matplotlib", "matplotlib not installed (the research extra)")
    import numpy as np
    from matplotlib import image as mpimg

    from crawler import plots
    from crawler.cli import main
    from crawler.testsite.printed import STORY
    from tests.services import unavailable

    try:
        plots.cjk_font()
    except plots.FontNotFound as exc:
        unavailable(f"{exc} (the plots need it; CI installs fonts-noto-cjk)")

    def pixels(out: Path) -> np.ndarray:
        return np.rint(mpimg.imread(out)[..., :3] * 255).astype(int)

    def share_near(rgb: np.ndarray, colour: tuple[float, ...]) -> float:
        return float((np.abs(rgb - np.array(colour)).max(axis=2) <= 4).mean())

    over, blank = tmp_path / "over.png", tmp_path / "blank.png"
    args = ["plot", "page", "--paper", "demo", "--date", DAY.isoformat(), "--page", "08", "--db", database]
    assert main([*args, "--out", str(over), "--archive", str(archive)]) == 0
    assert main([*args, "--out", str(blank), "--archive", str(tmp_path / "no-archive")]) == 0
    # the first story's area: the printed page's story shade under the blue outline's 12 % tint
    blue = tuple(0.88 * c + 0.12 * t for c, t in zip(STORY, (0x15, 0x65, 0xC0), strict=True))
    assert share_near(pixels(over), blue) > 0.15
    assert share_near(pixels(blank), blue) < 0.01


def test_a_missing_pdf_is_a_media_failure_and_a_backfill_fetches_only_the_media(db_url, tmp_path: Path) -> None:
    site = SITES["demo"]
    edition = site.edition(DAY)
    with FixtureServer([site], faults=Faults(failing={re.compile(r"\.pdf$")})) as server:
        first = run_crawl(server.base_url, db_url, "demo", date=DAY.isoformat(), spider_args={"media": "pdf"})
        assert first.returncode == 0, first.log[-3000:]  # a page PDF is no part of an edition's completeness
        assert first.rows("select status from edition") == [("complete",)]
        kinds = first.rows("select kind, count(*) from failure where resolved_at is null group by kind")
        assert kinds == [("media", len(edition.pages))]
        assert first.scalar("select count(*) from article where text_source = 'pdf'") == 0
        assert first.scalar("select count(*) from page where pdf_sha256 is not null") == 0

        server.faults = Faults()
        server.reset_hits()
        again = run_crawl(server.base_url, db_url, "demo", date=DAY.isoformat(),
                          spider_args={"media": "pdf", "only": "gaps"})
        assert again.returncode == 0, again.log[-3000:]
        hits = server.hits.snapshot()
    fetched = {path for path in hits if not path.endswith("robots.txt")}
    assert fetched and all(path.endswith(".pdf") for path in fetched), sorted(fetched)
    assert len(fetched) == len(edition.pages)
    assert again.scalar("select count(*) from page where pdf_sha256 is not null") == len(edition.pages)
    assert again.scalar("select count(*) from failure where resolved_at is null") == 0
    assert again.rows("select status from edition") == [("complete",)]


def test_a_pdf_backfill_then_reparse_fills_the_image_only_page_offline(tmp_path: Path) -> None:
    """A crawl without media, a `media=pdf only=gaps` backfill (PDFs only), then `epaper reparse` reads the
    archived PDFs: the photo page's stories get their printed text; a second reparse writes nothing."""
    from tests.archive.conftest import run_reparse

    site = SITES["demo"]
    photo = site.edition(DAY).pages[7]
    database, archive = f"sqlite:///{tmp_path / 'e.db'}", tmp_path / "archive"
    archived = {"EPAPER_ARCHIVE_ENABLED": "1", "EPAPER_ARCHIVE_DIR": str(archive)}
    pdf_sql = "select count(*) from article where text_source = 'pdf'"
    with FixtureServer([site]) as server:
        first = run_crawl(server.base_url, database, "demo", date=DAY.isoformat(), settings=archived)
        assert first.returncode == 0, first.log[-3000:]
        assert first.scalar(pdf_sql) == 0 and first.scalar("select count(*) from page where pdf_sha256 is not null") == 0
        backfill = run_crawl(server.base_url, database, "demo", date=DAY.isoformat(), settings=archived,
                             spider_args={"media": "pdf", "only": "gaps"})
        assert backfill.returncode == 0, backfill.log[-3000:]
        assert backfill.scalar(pdf_sql) == 0  # the backfill archives the PDFs; the text is the reparse's work
        server.reset_hits()
        run = run_reparse(archive, database, server.base_url)
        assert run.returncode == 0, run.stderr[-3000:]
        assert sum(server.hits.snapshot().values()) == 0
        again = run_reparse(archive, database, server.base_url)
    assert first.scalar(pdf_sql) == len(photo.articles)
    assert first.scalar("select count(*) from article where pdf_coverage is not null") > 30
    assert again.returncode == 0 and again.summary["rows_written"] == 0, again.stdout[-2000:]


def test_a_refresh_without_media_keeps_the_text_read_from_the_pdf(db_url) -> None:
    """The image-only page's stories were read from the PDF; a `refresh=1` run without media fetches their
    (bare) HTML again and no PDF: the printed text, its source and bylines stay; the HTML stories are updated."""
    site = SITES["demo"]
    photo = site.edition(DAY).pages[7]
    printed_sql = ("select a.source_key, a.body, a.text_source, a.editors, (select count(*) from byline b"
                   " where b.article_id = a.id) from article a where a.text_source = 'pdf' order by a.source_key")
    with FixtureServer([site]) as server:
        first = run_crawl(server.base_url, db_url, "demo", date=DAY.isoformat(), spider_args={"media": "pdf"})
        assert first.returncode == 0, first.log[-3000:]
        before = first.rows(printed_sql)
        assert len(before) == len(photo.articles) and all(body for _, body, _, _, _ in before)
        seen = first.scalar("select max(last_seen_at) from article")
        again = run_crawl(server.base_url, db_url, "demo", date=DAY.isoformat(), spider_args={"refresh": "1"})
    assert again.returncode == 0, again.log[-3000:]
    assert again.rows(printed_sql) == before
    parts = again.rows("select p.body from article_part p join article a on a.id = p.article_id"
                       " where a.text_source = 'pdf' order by a.source_key")
    assert [body for (body,) in parts] == [body for _, body, _, _, _ in before]
    assert again.scalar("select min(last_seen_at) from article") > seen  # every row was seen by the refresh
    assert again.rows("select status from edition") == [("complete",)]
