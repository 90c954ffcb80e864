"""`python -m schema.docs [--check] [--out PATH]`: write (or check) the generated schema reference."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# the reference's own functions, read by its tests through the command that writes it
from schema.docs import DOC_PATH, column_doc, render, table_doc  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schema.docs", description="write docs/schema.md")
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/schema.md is not up to date")
    parser.add_argument("--out", type=Path, default=DOC_PATH)
    args = parser.parse_args(argv)
    content = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != content:
            print(f"{args.out} is stale: run `python -m schema.docs`", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(content, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
