"""Throughput of the PDF path on generated page PDFs: pages/s and articles/s, and where the time goes.

The pages are the test pages (tests/pdf/pages.py: the article corpus typeset with reportlab). Stages are
timed apart: text-layer extraction (pypdfium2), and layout + reading order + segmentation.
It then crawls the fixture demo paper (both dates) once per media setting (`-a media=none|image|pdf|all`) with
the raw archive on and reports the archive's bytes per edition: what page images and PDFs add (the fixture's
PNGs and reportlab PDFs are far smaller than a real paper's 0.3–1 MB images and 1–5 MB PDFs, so read the
figures as counts of records and bytes of this site, and scale by a real page file's size).
No assertions: figures only.

    python benchmarks/pdf.py [--rounds N] [--no-crawl]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.text.pdf.extract import read_pdf  # noqa: E402
from pipelines.text.pdf.segment import segment_pdf  # noqa: E402
from tests.pdf.pages import corpus_pages  # noqa: E402


def _best(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def archive_bytes_per_edition() -> None:
    """Crawl the demo paper with each media setting into a fresh archive; print bytes per edition and time."""
    import tempfile

    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES
    from tests.crawl.conftest import run_crawl

    site = SITES["demo"]
    first, last = min(site.dates), max(site.dates)
    editions = len(site.dates)
    print(f"archive bytes per edition, demo paper ({editions} editions, "
          f"{sum(len(site.edition(d).pages) for d in site.dates)} pages):")
    with FixtureServer([site]) as server:
        for media in ("none", "image", "pdf", "all"):
            with tempfile.TemporaryDirectory() as tmp:
                archive = Path(tmp) / "archive"
                started = time.perf_counter()
                result = run_crawl(server.base_url, f"sqlite:///{tmp}/e.db", "demo", start=first.isoformat(),
                                   end=last.isoformat(), spider_args={"media": media},
                                   settings={"EPAPER_ARCHIVE_ENABLED": "1", "EPAPER_ARCHIVE_DIR": str(archive),
                                             "LOG_LEVEL": "WARNING"})
                seconds = time.perf_counter() - started
                size = sum(p.stat().st_size for p in archive.rglob("*.warc.gz"))
                filled = result.scalar("select count(*) from article where text_source = 'pdf'")
                print(f"  media={media:<5} {size / editions:10,.0f} bytes/edition  crawl {seconds:5.1f} s"
                      f"  exit {result.returncode}  articles from the PDF: {filled}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-crawl", action="store_true", help="leave out the archive bytes per media setting")
    args = parser.parse_args(argv)
    pages = corpus_pages()
    pdfs = [p.pdf for p in pages]
    chars = sum(len(read_pdf(d)[0].chars) for d in pdfs)
    articles = sum(len(segment_pdf(d).articles) for d in pdfs)
    t_extract = _best(lambda: [read_pdf(d) for d in pdfs], args.rounds)
    t_all = _best(lambda: [segment_pdf(d) for d in pdfs], args.rounds)
    n = len(pdfs)
    print(f"{n} generated pages, {chars} characters, {articles} articles found")
    print(f"extract (pypdfium2)      {n / t_extract:8.1f} pages/s  {chars / t_extract:10.0f} chars/s")
    print(f"extract + segment        {n / t_all:8.1f} pages/s  {articles / t_all:10.1f} articles/s")
    if not args.no_crawl:
        archive_bytes_per_edition()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
