"""`python -m crawler.registry_import LIST…` and `python -m crawler.registry_docs [--check]`: the registry's
generated part and the supported-papers table."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from crawler.registry import BUNDLED_REGISTRY, IMPORT_SUMMARY, RegistryError


def import_main(argv: Sequence[str] | None = None) -> int:
    from crawler.registry_import import collection_names, import_lists

    parser = argparse.ArgumentParser(
        prog="python -m crawler.registry_import",
        description="rewrite the generated part of the registry from public crawler collections' paper lists",
    )
    parser.add_argument(
        "lists", nargs="+", type=Path, help="tab-separated paper lists (papers.tsv papers2.tsv)"
    )
    parser.add_argument(
        "--registry", type=Path, default=BUNDLED_REGISTRY, help="the registry file to rewrite"
    )
    parser.add_argument(
        "--summary",
        type=Path,
        default=None,
        help=f"the import summary (default {IMPORT_SUMMARY.name} beside the registry)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the counts, write nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every skipped row with its reason")
    args = parser.parse_args(argv)
    try:
        text, report, entries = import_lists(args.lists, args.registry)
        names = collection_names(args.lists)
    except ImportError as exc:  # pypinyin or cpca: the maintainer's extra
        print(f"registry_import: {exc.name} is missing: pip install -e '.[registry]'", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError, RegistryError) as exc:
        print(f"registry_import: {exc}", file=sys.stderr)
        return 2
    summary = report.to_json(names)
    summary["papers"] = len(entries)
    for name, part in summary["lists"].items():
        served = sum(part["served"].values())
        print(
            f"{name}: {part['rows']} rows, {served} served ({', '.join(f'{k} {v}' for k, v in part['served'].items())})"
        )
        for reason, count in part["skipped"].items():
            print(f"  skipped {count:4d}  {reason}")
    if args.verbose:
        for ref, why in report.skips:
            print(f"  {ref}: {why}")
    print(f"{len(entries)} generated papers")
    if not args.dry_run:
        args.registry.write_text(text, encoding="utf-8")
        summary_path = args.summary or args.registry.with_name(IMPORT_SUMMARY.name)
        summary_path.write_text(
            json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.registry} and {summary_path}")
    return 0


def docs_main(argv: Sequence[str] | None = None) -> int:
    from crawler.registry_docs import DOC_PATH, render

    parser = argparse.ArgumentParser(
        prog="python -m crawler.registry_docs", description="write docs/supported-papers.md"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is not up to date")
    parser.add_argument("--out", type=Path, default=DOC_PATH)
    args = parser.parse_args(argv)
    try:
        content = render()
    except RegistryError as exc:
        print(f"registry_docs: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != content:
            print(f"{args.out} is stale: run `python -m crawler.registry_docs`", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(content, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
