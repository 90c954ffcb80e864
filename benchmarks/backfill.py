"""Backfill of a five-year synthetic paper: first run, a second run with nothing to do, memory as years grow.

    python benchmarks/backfill.py                      # 5 × 365 editions, 2 pages × 3 articles each
    python benchmarks/backfill.py --years 1 --pages 2  # a quicker look
    python benchmarks/backfill.py --reparse            # also time `epaper reparse` (the archive stage)
    python benchmarks/backfill.py --years 1 --reparse --jobs 1,2   # reparse with 1, then 2 worker processes

The fixture server runs in this process (a thread) and serves site_for("bench", …) for the whole range; each
crawl is a `scrapy crawl epaper` subprocess writing to SQLite. Reported:
(1) the first backfill: editions/s, pages/s, articles/s, and the crawler's resident memory sampled every half
    second, printed at the end of each year crawled (so growth with the years shows), and its peak;
(2) the second run over the same range: seconds, editions/s, and the requests the server saw (should be none:
    every complete edition is skipped by the ledger);
(3) baseline measured in the same session: the start-up and shut-down of a `scrapy crawl` that plans a single
    date, so (2) can be read as "ledger cost above Scrapy's own start-up";
(4) with --reparse: articles/s of `epaper reparse` over the same database (the whole command, interpreter
    start-up included; then the reparse's own time from its summary) and the rows it wrote (an unchanged
    re-parse writes none), once per --jobs value, then once into a fresh database.
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure import LOCAL_CRAWL_SETTINGS, MIB, Run, run_measured, setting_args  # noqa: E402


def editions_stored(db: Path) -> int:
    """Editions the crawl has written so far (read-only; SQLite WAL lets us read while it writes)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from edition").fetchone()[0]
    except sqlite3.Error:
        return 0


def crawl_cmd(first: dt.date, last: dt.date, db: Path, lock_dir: Path) -> list[str]:
    sets = setting_args({**LOCAL_CRAWL_SETTINGS, "EPAPER_DATABASE_URL": f"sqlite:///{db}",
                         "EPAPER_LOCK_DIR": str(lock_dir)})
    return [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", "paper=bench", "-a", f"start={first}",
            "-a", f"end={last}", *sets]


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        found = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("edition", "page", "article")}
        found["complete"] = conn.execute("select count(*) from edition where status = 'complete'").fetchone()[0]
    return found


def rss_by_year(run: Run, per_year: int) -> list[tuple[int, int]]:
    """(years done, peak RSS so far) at each year boundary of editions stored."""
    out, year = [], 1
    peak = 0
    for _, rss, done in run.samples:
        peak = max(peak, rss)
        while done >= year * per_year:
            out.append((year, peak))
            year += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--pages", type=int, default=2, help="pages per edition (default 2)")
    parser.add_argument("--articles", type=int, default=3, help="articles per page (default 3)")
    parser.add_argument("--reparse", action="store_true", help="also time `epaper reparse` over the database")
    parser.add_argument("--jobs", default="1", help="comma-separated --jobs values for the reparse (default 1)")
    parser.add_argument("--keep", type=Path, help="crawl into this folder and keep it (database and archive)")
    args = parser.parse_args(argv)

    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import site_for

    start = dt.date(2020, 1, 1)
    days = 365 * args.years
    site = site_for("bench", start=start, days=days, pages=args.pages, articles_per_page=args.articles, cache_size=8)
    first, last = site.dates[0], site.dates[-1]
    with FixtureServer([site], route_cache=8, body_cache=64) as server, \
            tempfile.TemporaryDirectory(prefix="epaper-backfill-") as tmp:
        tmpdir = Path(tmp)
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmpdir = args.keep
        registry = tmpdir / "papers.toml"
        registry.write_text(
            '[papers.bench]\nname = "河东日报（基准）"\nscript = "hans"\n[[papers.bench.layouts]]\n'
            f'family = "founder-pc"\nbase_url = "{server.base_url}/bench/"\n'
            'entry = "pc/layout/{date:%Y%m}/{date:%d}/node_01.html"\n',
            encoding="utf-8",
        )
        # the raw WARC archive is on by default: keep it on (it is part of a real crawl) but in the scratch folder
        env = dict(os.environ, EPAPER_PAPERS=str(registry), SCRAPY_SETTINGS_MODULE="crawler.settings",
                   EPAPER_ARCHIVE_DIR=str(tmpdir / "archive"))
        db = tmpdir / "bench.db"
        print(f"fixture server {server.base_url}: {days} editions {first}…{last}, "
              f"{args.pages} pages × {args.articles} articles each")

        baseline = run_measured("baseline: crawl of one date", crawl_cmd(first, first, tmpdir / "base.db", tmpdir),
                                env)
        server.reset_hits()
        stored_so_far = lambda: editions_stored(db)  # noqa: E731 - progress of the run, sampled with its RSS
        backfill = run_measured("1st backfill", crawl_cmd(first, last, db, tmpdir), env, stored_so_far, every=0.5)
        first_hits = sum(server.hits.snapshot().values())
        stored = counts(db)
        server.reset_hits()
        second = run_measured("2nd run (nothing to do)", crawl_cmd(first, last, db, tmpdir), env, stored_so_far)
        second_hits = sum(server.hits.snapshot().values())
        reparses: list[tuple[str, Run]] = []
        if args.reparse:
            jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
            targets = [(f"--jobs {j}", db, j) for j in jobs] + [(f"--jobs {jobs[-1]}, fresh db", tmpdir / "fresh.db",
                                                                jobs[-1])]
            for label, target, j in targets:
                cmd = [sys.executable, "-m", "crawler.cli", "reparse", "--paper", "bench", "--db", f"sqlite:///{target}",
                       "--archive", str(tmpdir / "archive"), "--json", "--jobs", str(j)]
                reparses.append((label, run_measured(f"reparse {label}", cmd, env, every=0.02)))

    print()
    print(f"{'run':<28}{'seconds':>9}{'editions/s':>12}{'pages/s':>10}{'articles/s':>12}{'requests':>10}"
          f"{'peak RSS':>10}")
    for run, hits, pages, articles in (
        (baseline, None, None, None),
        (backfill, first_hits, stored["page"], stored["article"]),
        (second, second_hits, None, None),
    ):
        editions = 1 if run is baseline else days
        line = f"{run.name:<28}{run.seconds:>9.1f}{editions / run.seconds:>12.1f}"
        line += f"{pages / run.seconds:>10.1f}{articles / run.seconds:>12.1f}" if pages else f"{'':>10}{'':>12}"
        line += f"{hits if hits is not None else '':>10}{run.peak_rss / MIB:>8.0f}Mi"
        print(line)
    print(f"\nstored: {stored} (exit {backfill.returncode}, then {second.returncode})")
    print("RSS of the first backfill at the end of each year crawled (MiB): "
          + ", ".join(f"y{y}: {r / MIB:.0f}" for y, r in rss_by_year(backfill, 365)))
    print(f"2nd run over baseline start-up: {second.seconds / baseline.seconds:.2f}× "
          f"({second.seconds - baseline.seconds:+.1f}s for {days} ledger decisions)")
    for run in (backfill, second):
        summary = [x for x in run.output.splitlines() if "epaper run " in x]
        if summary:
            print(f"{run.name} summary: " + summary[-1].split(": ", 1)[-1])
    for label, reparse in reparses:
        if reparse.returncode != 0:
            print(f"reparse: exited {reparse.returncode} (not available?): {reparse.output[-300:]}")
            continue
        print(f"reparse: {reparse.seconds:.1f}s, {stored['article'] / reparse.seconds:.0f} articles/s ({label}; "
              f"CPU {reparse.cpu_seconds:.1f}s, workers included)")
        found = [x for x in reparse.output.splitlines() if x.startswith("{")]
        if found:
            own = json.loads(found[-1])
            print(f"  reparse's own time {own['seconds']}s (archive index {own['index_seconds']}s, no interpreter "
                  f"start-up): {stored['article'] / own['seconds']:.0f} articles/s, {own['rows_written']} rows "
                  f"written {own['rows_written_by_table']}")
    return 0 if backfill.returncode == 0 and second.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
