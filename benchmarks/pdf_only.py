"""Crawl throughput of a pdf-only paper against the fixture server: page PDFs found by number (probed until the
404 after the last page), each PDF archived, measured and segmented into stories stored with text_source='pdf'.

    python benchmarks/pdf_only.py              # 20 editions × 8 pages × 6 stories
    python benchmarks/pdf_only.py --days 5

The server runs in this process (a thread) and sets every PDF with reportlab when it is asked for; the crawl is
`scrapy crawl epaper` in its own process with SQLite. Reported: pages/s and stories/s end to end, and the
server's own time per PDF, which the end-to-end figure includes. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import LOCAL_CRAWL_SETTINGS, run_measured, setting_args  # noqa: E402 - after the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=20)
    args = parser.parse_args()

    from sqlalchemy import create_engine, text

    from crawler.testsite.printed import page_pdf
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import _entry_template, site_for

    start = dt.date(2024, 1, 1)
    site = site_for("pdfonly", start=start, days=args.days, pages=8, articles_per_page=6, cache_size=args.days)
    first = site.edition(start)
    assert first is not None
    began = time.perf_counter()
    for page in first.pages:
        page_pdf(page)
    per_pdf = (time.perf_counter() - began) / len(first.pages)

    with tempfile.TemporaryDirectory() as tmp, FixtureServer([site]) as server:
        registry = Path(tmp) / "papers.toml"
        registry.write_text(
            f'[papers.pdfonly]\nname = "{site.spec.name}"\n\n[[papers.pdfonly.layouts]]\nfamily = "pdf-only"\n'
            f'base_url = "{{fixture}}{site.root}"\nentry = "{_entry_template(site.spec, start, first)}"\n',
            encoding="utf-8")
        database = f"sqlite:///{Path(tmp) / 'bench.db'}"
        end = start + dt.timedelta(days=args.days - 1)
        settings = {**LOCAL_CRAWL_SETTINGS, "EPAPER_DATABASE_URL": database, "EPAPER_ARCHIVE_ENABLED": "1",
                    "EPAPER_ARCHIVE_DIR": str(Path(tmp) / "archive")}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", "paper=pdfonly", "-a", f"start={start}",
               "-a", f"end={end}", *setting_args(settings)]
        env = dict(os.environ, EPAPER_FIXTURE_URL=server.base_url, EPAPER_PAPERS=str(registry),
                   SCRAPY_SETTINGS_MODULE="crawler.settings")
        run = run_measured("pdf-only crawl", cmd, env)
        engine = create_engine(database)
        with engine.connect() as conn:
            pages = conn.execute(text("select count(*) from page where pdf_sha256 is not null")).scalar_one()
            stories = conn.execute(text("select count(*) from article_part")).scalar_one()
            complete = conn.execute(text("select count(*) from edition where status = 'complete'")).scalar_one()
        engine.dispose()
    print(f"{args.days} editions ({complete} complete), {pages} page PDFs, {stories} stories in {run.seconds:.1f} s:"
          f" {pages / run.seconds:.1f} pages/s, {stories / run.seconds:.1f} stories/s;"
          f" crawl CPU {run.cpu_seconds:.1f} s ({pages / max(run.cpu_seconds, 1e-9):.1f} pages per CPU-second);"
          f" peak RSS {run.peak_rss / (1 << 20):.0f} MiB; the server sets a PDF in {per_pdf * 1000:.0f} ms")
    if run.returncode != 0:
        print(run.output[-2000:])


if __name__ == "__main__":
    main()
