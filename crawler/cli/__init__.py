"""`epaper`: everything that is not `scrapy crawl` (demo, parse, segment, status, db upgrade).

One module per command group, each with `register(subparsers)`; the arguments and checks they share are in
crawler/cli/args.py. Subcommands import what they need lazily so that `epaper parse` does not pay for Scrapy's
reactor or SQLAlchemy, and a broken optional piece cannot break the others.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    # imported here: `python -m crawler.testsite` or `python -m schema.docs` need none of the command groups
    from crawler.cli import archive, crawl, db, distributed, probe, research, schedule, status

    parser = argparse.ArgumentParser(prog="epaper", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    crawl.register_demo(sub)  # demo
    research.register_files(sub)  # parse, segment
    status.register(sub)  # status
    db.register(sub)  # db upgrade
    research.register(sub)  # search, export, serve, plot
    archive.register(sub)  # reparse (offline, from the WARC archive)
    crawl.register_daily(sub)  # daily
    schedule.register(sub)  # egg (scrapyd)
    distributed.register(sub)  # seed, frontier (shared Redis frontier)
    probe.register(sub)  # probe (which layout family a paper is on)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from crawler.cli.args import check_arguments
    from crawler.errors import guarded

    args = build_parser().parse_args(argv)
    prog = " ".join(["epaper", *(str(v) for v in (args.command, getattr(args, "db_command", None)) if v)])

    def run() -> int:
        check_arguments(args)
        return int(args.func(args) or 0)

    return guarded(prog, run)


__all__ = ["build_parser", "main"]
