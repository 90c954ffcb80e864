"""Crawl throughput against the fixture server: our full crawl versus Scrapy fetching the same URLs.

    python benchmarks/crawl.py                 # one year: 365 editions × 8 pages × 6 articles
    python benchmarks/crawl.py --days 30       # a quicker look

(a) baseline: a bare Scrapy spider requests exactly the URLs our crawl will request (pages and articles), with
    the same concurrency settings, and does nothing with the responses;
(b) ours: `scrapy crawl epaper` over the same dates, with parsing, text stages and SQLite storage.
Both run as their own processes, the server in a third. The server is, by default, the bench site pre-rendered
to files and served by nginx (or Python's threading HTTP server without nginx: benchmarks/static.py), so that
neither run is bounded by rendering in Python; `--server fixture` measures against the fixture server itself. Reported: pages/s and articles/s of each, the
ratio b/a, and each process's resident memory sampled over the run (peak, and at each quarter of the run, so a
leak shows as growth). Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import (  # noqa: E402 - after the path is set
    LOCAL_CRAWL_SETTINGS,
    MIB,
    run_measured,
    setting_args,
    start_fixture_server,
)
from benchmarks.static import prerender, start_static_server  # noqa: E402


def bench_urls(base_url: str, days: int) -> tuple[list[str], int, int]:
    """Every page and article URL of the first `days` bench editions, as the crawl will request them."""
    from crawler.testsite.sites import SITES

    site = SITES["bench"]
    render = site.renderer()
    urls: list[str] = []
    pages = articles = 0
    for day in site.dates[:days]:
        edition = site.edition(day)
        if edition is None:
            continue
        for page in edition.pages:
            urls.append(base_url + site.root + render.page_path(site.spec, day, page))
            pages += 1
            for article in page.articles:
                urls.append(base_url + site.root + render.article_path(site.spec, day, article))
                articles += 1
    return urls, pages, articles


FETCH_ONLY_SPIDER = '''
import scrapy

class FetchOnly(scrapy.Spider):
    """Requests a list of URLs and ignores the answers: Scrapy's own cost per response."""
    name = "fetch_only"

    async def start(self):
        with open(self.url_file, encoding="utf-8") as fh:
            for line in fh:
                yield scrapy.Request(line.strip(), callback=self.parse)

    def parse(self, response):
        return None
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365, help="editions to crawl (default 365)")
    parser.add_argument("--server", choices=("auto", "nginx", "python", "fixture"), default="auto",
                        help="what serves the site: pre-rendered files (nginx if installed, else Python's "
                             "threading server), or the fixture server rendering each request")
    parser.add_argument("--parse-workers", type=int, metavar="N",
                        help="EPAPER_PARSE_WORKERS for our crawl (default: the project's setting)")
    parser.add_argument("--profile", type=Path, metavar="FILE.prof",
                        help="also run our crawl under cProfile into FILE (a third, slower run; not timed)")
    args = parser.parse_args(argv)

    from crawler.testsite.sites import SITES

    site = SITES["bench"]
    days = min(args.days, len(site.dates))
    first, last = site.dates[0], site.dates[days - 1]
    with tempfile.TemporaryDirectory(prefix="epaper-bench-") as tmp:
        tmpdir = Path(tmp)
        paths, n_pages, n_articles = bench_urls("", days)
        if args.server == "fixture":
            server, base = start_fixture_server("bench")
            served_by = "fixture server (renders each request)"
        else:
            size = prerender("bench", paths, tmpdir / "site")
            server, base, served_by = start_static_server(tmpdir / "site", args.server)
            served_by += f", {len(paths)} pre-rendered files, {size / MIB:.1f} MiB"
        try:
            urls = [base + path for path in paths]
            (tmpdir / "urls.txt").write_text("\n".join(urls), encoding="utf-8")
            (tmpdir / "fetch_only.py").write_text(FETCH_ONLY_SPIDER, encoding="utf-8")
            registry = tmpdir / "papers.toml"
            registry.write_text(
                '[papers.bench]\nname = "河东日报（基准）"\nscript = "hans"\n[[papers.bench.layouts]]\n'
                f'family = "founder-pc"\nbase_url = "{base}/bench/"\n'
                'entry = "pc/layout/{date:%Y%m}/{date:%d}/node_01.html"\n',
                encoding="utf-8",
            )
            # the raw WARC archive is part of a real crawl: keep it on, in the scratch folder
            env = dict(os.environ, EPAPER_PAPERS=str(registry), SCRAPY_SETTINGS_MODULE="crawler.settings",
                       EPAPER_ARCHIVE_DIR=str(tmpdir / "archive"), EPAPER_LOCK_DIR=str(tmpdir / "locks"))
            sets = setting_args(LOCAL_CRAWL_SETTINGS)
            if args.parse_workers is not None:
                sets += setting_args({"EPAPER_PARSE_WORKERS": str(args.parse_workers)})
            print(f"{served_by} at {base}; {days} editions {first}…{last}: {n_pages} pages, {n_articles} articles")

            baseline = run_measured(
                "a: scrapy fetch only",
                [sys.executable, "-m", "scrapy", "runspider", str(tmpdir / "fetch_only.py"),
                 "-a", f"url_file={tmpdir / 'urls.txt'}", *sets,
                 # bare fetching: none of our stages, no store, no archive
                 *setting_args({"ITEM_PIPELINES": "{}", "EPAPER_ARCHIVE_ENABLED": "0"})],
                env,
            )
            ours = run_measured(
                "b: epaper crawl → SQLite",
                [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", "paper=bench", "-a", f"start={first}",
                 "-a", f"end={last}", "-s", f"EPAPER_DATABASE_URL=sqlite:///{tmpdir / 'bench.db'}", *sets],
                env,
            )
            stored = _count(tmpdir / "bench.db")
            if args.profile:
                _profile(args.profile, tmpdir, first, last, sets, env)
        finally:
            server.terminate()
            server.wait(timeout=10)

    mib = MIB
    print()
    print(f"{'run':<28}{'seconds':>9}{'CPU s':>8}{'pages/s':>10}{'articles/s':>12}{'peak RSS':>11}"
          "  RSS at ¼ ½ ¾ end (MiB)")
    for run in (baseline, ours):
        quarters = " ".join(f"{r / mib:.0f}" for r in run.rss_at_quarters())
        print(f"{run.name:<28}{run.seconds:>9.1f}{run.cpu_seconds:>8.1f}{n_pages / run.seconds:>10.1f}"
              f"{n_articles / run.seconds:>12.1f}{run.peak_rss / mib:>9.0f}Mi  {quarters}")
    print(f"\nratio b/a (throughput of our crawl over bare fetching): {baseline.seconds / ours.seconds:.2f}")
    print(f"ratio b/a by CPU time (the same, in process CPU seconds): {baseline.cpu_seconds / ours.cpu_seconds:.2f}")
    print(f"stored: {stored}" + (f"; parse workers: {args.parse_workers}" if args.parse_workers is not None else ""))
    return 0 if baseline.returncode == 0 and ours.returncode == 0 else 1


def _profile(out: Path, tmpdir: Path, first: object, last: object, sets: list[str], env: dict[str, str]) -> None:
    """Our crawl once more, into a fresh database, under cProfile (`python -m pstats FILE` to read it)."""
    import subprocess

    db = tmpdir / "profile.db"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out.resolve()), "-m", "scrapy", "crawl", "epaper",
         "-a", "paper=bench", "-a", f"start={first}", "-a", f"end={last}",
         "-s", f"EPAPER_DATABASE_URL=sqlite:///{db}", "-s", f"EPAPER_ARCHIVE_DIR={tmpdir / 'profile-archive'}",
         *sets],
        cwd=Path(__file__).resolve().parents[1], env=env, check=False,
    )
    print(f"profile of our crawl: {out}")


def _count(db: Path) -> dict[str, int]:
    import sqlite3

    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("edition", "page", "article")}


if __name__ == "__main__":
    sys.exit(main())
