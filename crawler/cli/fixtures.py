"""`python -m crawler.families.fixtures refresh [DIR ...]`: rewrite the golden fixtures' expected output."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.families.fixtures import DEFAULT_ROOT, case_dirs, refresh_expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.families.fixtures")
    sub = parser.add_subparsers(dest="command", required=True)
    refresh = sub.add_parser("refresh", help="rewrite expected.json of fixture dirs from the current parsers")
    refresh.add_argument("dirs", nargs="*", type=Path, help=f"fixture dirs or roots (default {DEFAULT_ROOT})")
    args = parser.parse_args(argv)
    changed = 0
    for case in case_dirs(args.dirs or [DEFAULT_ROOT]):
        if refresh_expected(case):
            changed += 1
            print(f"changed  {case}")
        else:
            print(f"same     {case}")
    print(f"{changed} expected file(s) changed; review with `git diff`")
    return 0
