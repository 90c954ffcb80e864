"""`epaper seed` and `epaper frontier`: feed and watch the shared Redis frontier (crawler/distributed/).

    epaper seed --paper ycrb,ycwb --from 2015-01-01 --to 2024-12-31 [--redis URL] [--db URL]
    epaper seed --paper ycrb,ycwb --from 2015-01-01 --to 2024-12-31 --only-gaps   # the sweep, after workers end
    epaper frontier [--redis URL] [--json]

The Redis URL defaults to $EPAPER_DISTRIBUTED, the key prefix to $EPAPER_DISTRIBUTED_PREFIX (or `epaper`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from crawler.cli.args import add_db, add_set, day_arg, setting_overrides
from crawler.distributed.frontier import PREFIX_SETTING, SETTING  # not the package: it imports Scrapy


def _redis_url(args: argparse.Namespace) -> str | None:
    return args.redis or os.environ.get(SETTING)


def _settings(args: argparse.Namespace) -> Any:
    from crawler.distributed import project_settings

    overrides = setting_overrides(args)
    if getattr(args, "prefix", None):  # --set, applied after it, may still override it
        overrides = {PREFIX_SETTING: args.prefix, **overrides}
    return project_settings(overrides)


def cmd_seed(args: argparse.Namespace) -> int:
    from crawler.distributed import seed_frontier

    url = _redis_url(args)
    if not url:
        print(f"epaper seed: give --redis URL or set {SETTING}", file=sys.stderr)
        return 2
    spider_args = {"paper": args.paper, "start": args.date_from, "end": args.date_to or args.date_from}
    try:
        result = seed_frontier(url, spider_args, _settings(args), only_gaps=args.only_gaps, force=args.force)
    except ValueError as exc:
        print(f"epaper seed: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(vars(result), ensure_ascii=False, default=str, indent=2))
    else:
        print(result.summary())
    return 0


def format_frontier(status: dict[str, Any]) -> str:
    from schema.status import format_table

    lines = [
        f"frontier {status['prefix']}: {status['queue']} request(s) queued, {status['dupefilter']} seen, "
        f"{status['seeded_editions']} edition(s) seeded",
        "",
        "workers (heartbeats in Redis):",
        format_table(status["workers"]) if status["workers"] else "(none)",
        "",
        "crawl runs (database):",
        format_table(status["runs"]) if status["runs"] else status.get("runs_error", "(no runs)"),
    ]
    return "\n".join(lines)


def cmd_frontier(args: argparse.Namespace) -> int:
    from crawler.distributed import FrontierKeys, clear_frontier, frontier_status

    url = _redis_url(args)
    if not url:
        print(f"epaper frontier: give --redis URL or set {SETTING}", file=sys.stderr)
        return 2
    settings = _settings(args)
    if args.clear:
        keys = FrontierKeys.from_settings(settings)
        print(f"deleted {clear_frontier(url, keys.prefix, keys.spider)} key(s) of frontier {keys.prefix}")
        return 0
    status = frontier_status(url, settings, args.db, runs=args.limit)
    print(json.dumps(status, ensure_ascii=False, default=str, indent=2) if args.json else format_frontier(status))
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--redis", help=f"Redis URL of the shared frontier (default: ${SETTING})")
    parser.add_argument("--prefix", help=f"key prefix of the deployment (default: ${PREFIX_SETTING} or epaper)")
    add_db(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def register(subparsers: Any) -> None:
    """Add `seed` and `frontier` to the `epaper` command."""
    seed = subparsers.add_parser(
        "seed", help="push a backfill's editions into the shared Redis frontier that distributed workers drain"
    )
    seed.add_argument("--paper", required=True, help="KEY, KEY,KEY or all")
    seed.add_argument("--from", dest="date_from", required=True, type=day_arg)
    seed.add_argument("--to", dest="date_to", type=day_arg, help="last date (default: --from)")
    seed.add_argument("--only-gaps", action="store_true",
                      help="the sweep after the workers ended: forget the seen-set and re-seed every edition "
                           "that is not complete in the database")
    seed.add_argument("--force", action="store_true", help="sweep even while workers are alive")
    add_set(seed)
    _common(seed)
    seed.set_defaults(func=cmd_seed)

    frontier = subparsers.add_parser(
        "frontier", help="progress of a distributed crawl: queue, seen-set, seeded editions, workers, runs"
    )
    frontier.add_argument("--limit", type=int, default=10, help="how many crawl runs to list (default 10)")
    frontier.add_argument("--clear", action="store_true", help="delete the deployment's frontier keys")
    _common(frontier)
    frontier.set_defaults(func=cmd_frontier)
