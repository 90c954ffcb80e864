"""`epaper egg` (the scrapyd egg), and `python -m crawler.schedule` (daily and egg, as crontabs call them)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crawler.cli import crawl
from crawler.cli.args import check_arguments


def cmd_egg(args: argparse.Namespace) -> int:
    from crawler.schedule import build_egg

    print(build_egg(Path(args.out), args.version, args.kind))
    return 0


def register(subparsers: Any) -> None:
    """Add `egg` to the `epaper` command."""
    from crawler.schedule import EGG_KINDS

    egg = subparsers.add_parser("egg", help="build the project egg for scrapyd's addversion.json")
    egg.add_argument("--out", default="dist", help="output folder (default: dist)")
    egg.add_argument("--version", help="egg version (default: a UTC timestamp)")
    egg.add_argument("--kind", choices=EGG_KINDS, default="thin",
                     help="thin: settings only, code from the installed package (default); full: code too")
    egg.set_defaults(func=cmd_egg)


def main(argv: list[str] | None = None) -> int:
    """`python -m crawler.schedule daily|egg`."""
    from crawler import schedule
    from crawler.errors import guarded

    parser = argparse.ArgumentParser(prog="python -m crawler.schedule", description=schedule.__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    crawl.register_daily(sub)
    register(sub)
    args = parser.parse_args(argv)

    def run() -> int:
        check_arguments(args)
        return int(args.func(args) or 0)

    return guarded(f"{parser.prog} {args.command}", run)
