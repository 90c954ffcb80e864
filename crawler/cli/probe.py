"""`epaper probe FILE --url URL` / `epaper probe URL`: which layout family and skin a paper is on.

Prints the ranked families with their evidence, the entry template and date format inferred from the URL, and a
registry entry to paste into a papers file; `--json` prints the same as one object. Exit status 0 when a family
matches, 1 when none does (with what the payload is instead), 2 for a usage mistake. The work is in
crawler/probe.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crawler.cli.args import add_documents, read_documents

NO_MATCH_EXIT = 1


def register(subparsers: Any) -> None:
    """Add `probe` to the `epaper` parser."""
    probe = subparsers.add_parser(
        "probe",
        help="which layout family and skin a saved page (FILE --url URL) or a live URL is on",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    probe.add_argument(
        "target", metavar="FILE|URL", help="a saved payload (with --url) or an http(s) URL to fetch"
    )
    probe.add_argument("--url", help="FILE mode: the URL the file was served from")
    probe.add_argument("--json", action="store_true", help="print one JSON object (fields in the README)")
    add_documents(probe)
    probe.add_argument(
        "--timeout", type=float, default=20.0, help="URL mode: seconds per request (default 20)"
    )
    probe.add_argument(
        "--ignore-robots",
        action="store_true",
        help="URL mode: do not read robots.txt (reported as not checked)",
    )
    probe.set_defaults(func=cmd_probe)


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def cmd_probe(args: argparse.Namespace) -> int:
    from crawler.errors import UserError
    from crawler.probe import Fetcher, probe_payload, probe_url

    if args.url is not None:
        if not _is_url(args.url):
            raise UserError(f"--url must be an http(s) URL, not {args.url!r}")
        path = Path(args.target)
        if not path.is_file():
            raise UserError(f"no such file: {path}")
        try:
            documents = read_documents(args.documents)
        except OSError as exc:
            raise UserError(f"cannot read a --document file: {exc}") from exc
        report = probe_payload(path.read_bytes(), args.url, documents=documents)
    elif _is_url(args.target):
        if args.timeout <= 0:
            raise UserError("--timeout must be more than 0 seconds")
        report = probe_url(args.target, Fetcher(timeout=args.timeout), obey_robots=not args.ignore_robots)
    else:
        raise UserError(
            f"{args.target!r} is not an http(s) URL; a saved file needs --url URL (where it was served)"
        )
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report), end="")
    return 0 if report.family else NO_MATCH_EXIT


def format_report(report: Any, indent: str = "") -> str:
    """The readable form of a ProbeReport (crawler/probe.py)."""
    lines: list[str] = []
    for request in report.requests if not indent else []:
        note = f"  ({request.note})" if request.note else ""
        lines.append(f"GET {request.url} -> {request.status or 'no answer'}, {request.size} bytes{note}")
    best = report.best
    head = f"{indent}{report.role} {report.url}"
    if best:
        skin = f", skin {best.skin}" if best.skin else ""
        lines.append(f"{head}: {best.family}{skin} ({best.kind or 'kind unknown'}, score {best.score})")
    else:
        lines.append(f"{head}: no layout family matches")
    if report.not_a_page:
        seen = report.not_a_page
        lines.append(f"{indent}  seen: {seen.reason}: {seen.detail}")
    for match in report.matches:
        mark = "*" if match is best else "-"
        lines.append(f"{indent}  {mark} {match.family} score {match.score}: {match.parsed}")
        lines.extend(f"{indent}      {line}" for line in match.evidence)
    if report.template:
        t = report.template
        note = " (the family's default: the URL was an article's)" if t.from_default else ""
        lines.append(
            f"{indent}  entry template: {t.entry}  base {t.base_url}  date format {t.date_format}{note}"
        )
    if report.followed is not None:
        lines.append(format_report(report.followed, indent + "  ").rstrip("\n"))
    if report.registry_toml and not indent:
        lines += ["", "# registry entry (paste into data/papers.toml or your EPAPER_PAPERS file):"]
        lines.append(report.registry_toml.rstrip("\n"))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    from crawler.cli import main

    sys.exit(main(["probe", *sys.argv[1:]]))
