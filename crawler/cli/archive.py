"""`epaper reparse`: run the parsers, the text stages and the store again over the raw WARC archive, offline."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.cli.args import add_db, date_arg


def cmd_reparse(args: argparse.Namespace) -> int:
    from crawler.archive.reader import truncated_message
    from crawler.archive.run import reparse
    from crawler.config import resolve

    archive = resolve(archive=args.archive).archive_dir
    if not archive.is_dir():
        print(f"epaper reparse: no archive at {archive}", file=sys.stderr)
        return 2
    if args.date_from and args.date_to and args.date_to < args.date_from:
        print("epaper reparse: --to is before --from", file=sys.stderr)
        return 2
    papers = [p.strip() for p in args.paper.split(",") if p.strip()] if args.paper else None
    if args.jobs < 1:
        print("epaper reparse: --jobs must be at least 1", file=sys.stderr)
        return 2
    result = reparse(archive, papers, args.date_from, args.date_to, args.db, args.log_level, args.jobs)
    summary = result.summary()
    if result.index is not None:
        for path, problem in sorted(result.index.problems.items()):
            if path in result.index.truncated:
                print(f"epaper reparse: warning: {truncated_message(path, result.index.truncated[path])}",
                      file=sys.stderr)
            else:
                print(f"epaper reparse: damaged archive file {path}: {problem}", file=sys.stderr)
    if result.nothing:
        print(f"epaper reparse: nothing to reparse: {result.nothing}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print("epaper reparse: " + " ".join(f"{k}={v}" for k, v in summary.items()))
    return result.exit_status


def register(subparsers: Any) -> None:
    """Add `epaper reparse`."""
    parser = subparsers.add_parser(
        "reparse", help="re-run parsers, text stages and the store over the raw WARC archive, offline"
    )
    parser.add_argument("--paper", help="KEY[,KEY…] (default: every paper in the archive)")
    parser.add_argument("--from", dest="date_from", type=date_arg,
                        help="first edition date (default: earliest archived)")
    parser.add_argument("--to", dest="date_to", type=date_arg, help="last edition date (default: latest archived)")
    add_db(parser)
    parser.add_argument("--archive", help="archive directory (default: $EPAPER_ARCHIVE_DIR or data/archive)")
    parser.add_argument("--log-level", default="WARNING", help="log level (default WARNING)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes parsing editions in parallel (default 1; one process stores)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    parser.set_defaults(func=cmd_reparse)
