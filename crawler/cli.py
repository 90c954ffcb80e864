"""`epaper`: everything that is not `scrapy crawl` (demo, parse, segment, status, db upgrade).

Subcommands import what they need lazily so that `epaper parse` does not pay for Scrapy's reactor or
SQLAlchemy, and a broken optional piece cannot break the others.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

DEMO_DATES = ("2025-04-25", "2025-04-26")
DEMO_PORT = 8765  # the port of the registry's default EPAPER_FIXTURE_URL


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def run_crawl(spider_args: dict[str, str], settings_overrides: dict[str, Any] | None = None) -> int:
    """Run the epaper spider in this process (Scrapy's CrawlerProcess) and return its exit status."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.preflight import check_run
    from pipelines.store import EXIT_STATUS_KEY

    settings = get_project_settings()
    for key, value in (settings_overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    check_run(settings, spider_args)  # UserError: one line from main(), no run recorded
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("epaper")
    process.crawl(crawler, **spider_args)
    process.start()
    if process.bootstrap_failed:
        return 1
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return int(stats.get(EXIT_STATUS_KEY, 0))


# the settings a crawl of our own loopback fixture server uses: no politeness delays against ourselves
LOCAL_SITE_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "EPAPER_RETRY_BACKOFF_BASE": 0.05,
    "LOG_LEVEL": "WARNING",
}


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES
    from schema.db import database_url, make_engine
    from schema.status import edition_status, format_table, summary

    url = database_url(args.db)
    with FixtureServer([SITES["demo"]], port=args.port) as server:
        print(f"demo site (河东日报, founder-pc) served at {server.base_url}/demo/")
        print(f"crawling {DEMO_DATES[0]} … {DEMO_DATES[1]} into {url}")
        overrides = dict(LOCAL_SITE_SETTINGS, EPAPER_FIXTURE_URL=server.base_url, EPAPER_DATABASE_URL=url)
        os.environ["EPAPER_FIXTURE_URL"] = server.base_url
        status = run_crawl({"paper": "demo", "start": DEMO_DATES[0], "end": DEMO_DATES[1]}, overrides)
    engine = make_engine(url)
    rows = edition_status(engine, "demo")
    print(format_table(rows))
    totals = summary(engine, "demo")
    print(json.dumps(totals, ensure_ascii=False, default=str))
    return status


def cmd_parse(args: argparse.Namespace) -> int:
    from crawler.families import parse_file
    from crawler.families.contract import ParseError

    try:
        if args.text:
            record = parse_text_file(args.file, args.url, args.family, args.date)
        else:
            record = parse_file(args.file, args.url, args.family, args.date)
    except (ParseError, KeyError, ValueError, OSError) as exc:
        print(f"epaper parse: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0


def parse_text_file(path: str, url: str, family: str | None, date: dt.date | None) -> dict[str, Any]:
    """`epaper parse --text`: the article's record plus what the text stages and the store make of it."""
    from crawler.families import parse_article_file
    from pipelines.preview import stored_article

    record = parse_article_file(path, url, family, date)
    return {**record.to_json(), "stored": stored_article(record)}


def cmd_segment(args: argparse.Namespace) -> int:
    from pipelines.text.segment import segment_command

    try:
        print(segment_command(args.file, args.json))
    except (ValueError, OSError) as exc:
        print(f"epaper segment: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """The ledger: a calendar per paper and month and the gaps (default), each edition (--editions or --json),
    or the latest crawl runs (--runs). Exit 1 when an edition in the selection is partial or failed."""
    from schema.db import database_url, make_engine
    from schema.status import calendar, edition_status, format_calendar, format_table, gaps, runs

    engine = make_engine(database_url(args.db))
    if args.health:
        return _status_health(engine, args)
    if args.runs:
        listed = runs(engine, limit=args.limit or 20, paper=args.paper)
        if args.json:
            print(json.dumps(listed, ensure_ascii=False, default=str, indent=2))
        else:
            print(format_table(listed) if listed else "(no runs)")
        return 0
    rows = edition_status(engine, args.paper, args.date_from, args.date_to)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
    elif args.editions:
        print(format_table(rows))
    else:
        print(format_calendar(calendar(engine, args.paper, args.date_from, args.date_to)))
        missing = gaps(engine, args.paper, args.date_from, args.date_to)
        print(f"\ngaps: {len(missing)} edition{'' if len(missing) == 1 else 's'} not complete")
        if missing:
            columns = ["paper", "date", "status", "pages", "articles", "failures", "why"]
            print(format_table(missing, columns))
    return 1 if any(r["status"] in ("partial", "failed") for r in rows) else 0


def _status_health(engine: Any, args: argparse.Namespace) -> int:
    """`status --health`: each paper's latest runs' field coverage and findings; exit 3 on a drift in the
    latest run of a paper."""
    from schema.coverage import DRIFT_EXIT, format_health, health, latest_drift

    report = health(engine, args.paper, runs=args.limit or 8)
    if args.json:
        full = {
            paper: [
                {**{k: v for k, v in r.items() if k[0] != "_" and k != "findings"},
                 "findings": r["_findings"], "baseline": r["_baseline"]}
                for r in rows
            ]
            for paper, rows in report.items()
        }
        print(json.dumps(full, ensure_ascii=False, default=str, indent=2))
    else:
        print(format_health(report))
    return DRIFT_EXIT if latest_drift(report) else 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from schema.db import database_url, upgrade

    url = database_url(args.db)
    upgrade(url)
    print(f"database at head: {url}")
    return 0


# Modules that add subcommands of their own: each has `register(subparsers) -> None`. A feature brings its
# commands with it instead of growing this file.
EXTENSION_MODULES: tuple[str, ...] = (
    "crawler.research_cli",  # search, export, serve, plot
    "crawler.reparse",  # reparse (offline, from the WARC archive)
    "crawler.schedule",  # daily, egg (scrapyd)
    "crawler.distributed_cli",  # seed, frontier (shared Redis frontier)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="epaper", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="serve the bundled demo e-paper on 127.0.0.1 and crawl it into the database")
    demo.add_argument("--db", help="SQLAlchemy URL (default: $EPAPER_DATABASE_URL or sqlite data/epaper.db)")
    demo.add_argument(
        "--port", type=int, default=DEMO_PORT,
        help=f"port of the demo server (default {DEMO_PORT}, as `python -m crawler.testsite`, so that the stored "
        "article and image URLs work whenever the demo site is served; 0: any free port)",
    )
    demo.set_defaults(func=cmd_demo)

    parse = sub.add_parser("parse", help="parse a saved page or article file and print the record as JSON")
    parse.add_argument("file")
    parse.add_argument("--url", required=True, help="the URL the file was served from (decides page/article)")
    parse.add_argument("--family", help="layout family key (default: inferred from the URL)")
    parse.add_argument("--date", type=_date, help="edition date (default: from the URL)")
    parse.add_argument(
        "--text",
        action="store_true",
        help="article only: also run the text stages and print the rows as stored (key 'stored')",
    )
    parse.set_defaults(func=cmd_parse)

    segment = sub.add_parser("segment", help="split a page's plain text into articles")
    segment.add_argument("file", help="a UTF-8 text file, blocks separated by blank lines ('-' for stdin)")
    segment.add_argument("--json", action="store_true", help="print JSON instead of a readable listing")
    segment.set_defaults(func=cmd_segment)

    status = sub.add_parser("status", help="the ledger: calendar and gaps per paper, or editions, or runs")
    status.add_argument("--paper")
    status.add_argument("--from", dest="date_from", type=_date)
    status.add_argument("--to", dest="date_to", type=_date)
    status.add_argument("--db")
    status.add_argument("--json", action="store_true", help="every edition as JSON (with --runs: the runs)")
    status.add_argument("--editions", action="store_true", help="one line per edition instead of the calendar")
    status.add_argument("--runs", action="store_true", help="list the latest crawl runs with their counters")
    status.add_argument("--health", action="store_true",
                        help="field coverage of the latest runs per paper, layout-drift findings (exit 3: drift)")
    status.add_argument("--limit", type=int, help="runs shown by --runs (default 20) or --health (default 8)")
    status.set_defaults(func=cmd_status)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply the Alembic migrations up to head")
    up.add_argument("--db")
    up.set_defaults(func=cmd_db_upgrade)

    for name in EXTENSION_MODULES:
        importlib.import_module(name).register(sub)
    return parser


# Commands that only read the database: a --db that names no existing SQLite file is a mistake, not a new archive.
READ_ONLY_COMMANDS = frozenset({"status", "search", "export", "plot", "serve"})
# Commands whose --paper must name a paper of the registry or of the database ("unknown paper", not silence).
PAPER_COMMANDS = frozenset({"status", "search", "export", "plot", "daily"})
# Commands that listen on --port.
SERVER_COMMANDS = frozenset({"demo", "serve"})


def check_arguments(args: argparse.Namespace) -> None:
    """The checks every command shares, made once here: database URL, paper key, port (UserError & co.)."""
    from crawler.errors import check_port_free

    command = getattr(args, "command", None)
    if hasattr(args, "db"):
        from schema.db import check_database_url, database_url

        # the default (None) is checked as resolved, and left None: `--set EPAPER_DATABASE_URL=…` may still apply
        check_database_url(database_url(args.db), must_exist=command in READ_ONLY_COMMANDS)
    if command in PAPER_COMMANDS and getattr(args, "paper", None):
        from schema.db import database_url

        db = database_url(args.db) if hasattr(args, "db") else None
        check_paper(args.paper, db, allow_all=command == "daily")
    if command in SERVER_COMMANDS and getattr(args, "port", None):
        check_port_free(getattr(args, "host", None) or "127.0.0.1", args.port)


def check_paper(spec: str, db_url: str | None, allow_all: bool = False) -> None:
    """UserError for a key that is neither in the registry nor in the database (a paper since removed from the
    registry is still in the archive and may be read)."""
    from crawler.errors import UserError
    from crawler.registry import load_registry

    known = set(load_registry())
    keys = [k.strip() for k in spec.split(",") if k.strip()]
    if allow_all and keys == ["all"]:
        return
    unknown = [k for k in keys if k not in known]
    if unknown and db_url:
        known |= set(_archived_papers(db_url))
        unknown = [k for k in keys if k not in known]
    if unknown:
        raise UserError(f"unknown paper {unknown[0]!r} (known: {', '.join(sorted(known))})")


def _archived_papers(db_url: str) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from schema.db import make_engine, sqlite_file
    from schema.models import Newspaper

    path = sqlite_file(db_url)
    if path is not None and not path.is_file():
        return []
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(Newspaper.key)).scalars())
    except (OperationalError, ProgrammingError):  # no tables yet
        return []
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    from crawler.errors import guarded

    args = build_parser().parse_args(argv)
    prog = " ".join(["epaper", *(str(v) for v in (args.command, getattr(args, "db_command", None)) if v)])

    def run() -> int:
        check_arguments(args)
        return int(args.func(args) or 0)

    return guarded(prog, run)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
