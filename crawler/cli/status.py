"""`epaper status`: the ledger as a calendar and gaps, one line per edition, the latest runs, or run health."""

from __future__ import annotations

import argparse
import json
from typing import Any

from crawler.cli.args import add_db, date_arg


def cmd_status(args: argparse.Namespace) -> int:
    """The ledger: a calendar per paper and month and the gaps (default), each edition (--editions or --json),
    or the latest crawl runs (--runs). Exit 1 when an edition in the selection is partial or failed."""
    from crawler.config import resolve
    from schema.db import make_engine
    from schema.status import calendar, edition_status, format_calendar, format_table, gaps, runs

    engine = make_engine(resolve(db=args.db).database_url)
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
    """`status --health`: each paper's latest runs' field coverage and findings; exit 3 on a finding (drift,
    U+FFFD text) in the latest run of a paper."""
    from schema.coverage import DRIFT_EXIT, format_health, health, latest_drift
    from schema.printed import MISSING_PRINT_BELOW, format_missing_print, missing_print

    dates = {"date_from": args.date_from, "date_to": args.date_to}
    if args.missing_print:
        # a list of its own, so that `--health --json` keeps the shape scripts read ({KEY: [run, …]})
        missing, total = missing_print(engine, args.paper, limit=None if args.json else args.limit or 50, **dates)
        if args.json:
            listing = {"below": MISSING_PRINT_BELOW, "count": total, "articles": missing}
            print(json.dumps(listing, ensure_ascii=False, default=str, indent=2))
        else:
            print(format_missing_print(missing, total) if total else
                  f"no article misses printed text (coverage < {MISSING_PRINT_BELOW:.2f})")
        return 0
    report = health(engine, args.paper, runs=args.limit or 8)
    if args.json:
        runs = {
            paper: [
                {**{k: v for k, v in r.items() if k[0] != "_" and k != "findings"},
                 "findings": r["_findings"], "baseline": r["_baseline"]}
                for r in rows
            ]
            for paper, rows in report.items()
        }
        print(json.dumps(runs, ensure_ascii=False, default=str, indent=2))
    else:
        print(format_health(report))
        missing, total = missing_print(engine, args.paper, **dates)
        if total:
            print("\n" + format_missing_print(missing, total))
    return DRIFT_EXIT if latest_drift(report, kinds=("drift", "replacement")) else 0


def register(subparsers: Any) -> None:
    status = subparsers.add_parser("status", help="the ledger: calendar and gaps per paper, or editions, or runs")
    status.add_argument("--paper")
    status.add_argument("--from", dest="date_from", type=date_arg)
    status.add_argument("--to", dest="date_to", type=date_arg)
    add_db(status)
    status.add_argument("--json", action="store_true", help="every edition as JSON (with --runs: the runs)")
    status.add_argument("--editions", action="store_true", help="one line per edition instead of the calendar")
    status.add_argument("--runs", action="store_true", help="list the latest crawl runs with their counters")
    status.add_argument("--health", action="store_true",
                        help="field coverage of the latest runs per paper, layout-drift findings (exit 3: drift)")
    status.add_argument("--missing-print", action="store_true",
                        help="with --health: only the articles whose HTML misses text the printed page shows")
    status.add_argument("--limit", type=int,
                        help="runs shown by --runs (default 20) or --health (default 8); --missing-print: articles (50)")
    status.set_defaults(func=cmd_status)
