"""Throughput of the layout parsers on their golden fixture pages (tests/families/fixtures), per family.

Each fixture (a page, an article or an entry, with its companion documents) is parsed `--repeat` times per
round, exactly as `crawler.families.fixtures.parse_case` parses it minus the file reads; the best of
`--rounds` rounds in CPU seconds of this process (one thread: the figure per core, steadier than wall time on
a shared machine) gives documents/s per family. Figures only: nothing here asserts a time.

    python benchmarks/parse.py                               # founder-pc and founder-classic
    python benchmarks/parse.py --family all --rounds 5       # every family with fixtures
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.families import get_family  # noqa: E402
from crawler.families.fixtures import case_dirs, load_documents, load_meta  # noqa: E402

FIXTURES = ROOT / "tests" / "families" / "fixtures"


def _call(case: Path) -> Callable[[], object]:
    """The fixture's parse as a closure over bytes already read (so the loop times parsing only)."""
    meta = load_meta(case)
    body = (case / "body.bin").read_bytes()
    family = get_family(meta["family"])
    date = dt.date.fromisoformat(meta["edition_date"]) if meta.get("edition_date") else None
    headers = meta.get("headers") or {}
    options = dict(meta.get("options") or {})
    documents = load_documents(case)
    if documents:
        options["documents"] = documents
    url, kind = meta["url"], meta["kind"]
    if kind == "entry":
        return lambda: family.parse_entry(body, url, headers)
    if kind == "article":
        return lambda: family.parse_article(body, url, date, headers, options)
    return lambda: family.parse_page(body, url, date, headers, options)


def rate(calls: list[Callable[[], object]], repeat: int, rounds: int) -> float:
    """Documents per CPU second, best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            for call in calls:
                call()
        best = min(best, time.process_time() - start)
    return len(calls) * repeat / best if best > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default="founder-pc,founder-classic",
                        help="comma-separated fixture folders, or `all` (default founder-pc,founder-classic)")
    parser.add_argument("--repeat", type=int, default=50, help="parses of each fixture per round (default 50)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, the best is reported (default 3)")
    args = parser.parse_args(argv)
    folders = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if args.family == "all" \
        else [f.strip() for f in args.family.split(",") if f.strip()]
    for folder in folders:
        by_kind: dict[str, list[Callable[[], object]]] = {}
        for case in case_dirs([FIXTURES / folder]):
            by_kind.setdefault(load_meta(case)["kind"], []).append(_call(case))
        if not by_kind:
            print(f"{folder}: no fixtures")
            continue
        everything = [c for calls in by_kind.values() for c in calls]
        kinds = ", ".join(f"{kind} {rate(calls, args.repeat, args.rounds):,.0f}/s ({len(calls)})"
                          for kind, calls in sorted(by_kind.items()))
        print(f"{folder}: all {rate(everything, args.repeat, args.rounds):,.0f} documents/s per core; {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
