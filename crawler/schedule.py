"""Scheduled crawls: `epaper daily` and a scrapyd egg (the run locks they rely on are crawler/runlock.py).

- **`epaper daily --paper KEY`**: today's editions and yesterday's gaps (`-a start=yesterday -a end=today
  -a only=gaps`) in the paper's own timezone; the cron/systemd entry point (docs/operations.md).
- **`python -m crawler.schedule egg`** builds the project egg that scrapyd's addversion.json takes
  (build_egg explains why it is thin by default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- epaper daily


def daily_spider_args(paper: str) -> dict[str, str]:
    """Today's editions plus yesterday's gaps, each paper in its own timezone (the spider resolves the words)."""
    return {"paper": paper, "start": "yesterday", "end": "today", "only": "gaps"}


def cmd_daily(args: argparse.Namespace) -> int:
    from crawler.cli import run_crawl

    overrides: dict[str, Any] = {}
    if args.db:
        overrides["EPAPER_DATABASE_URL"] = args.db
    for item in args.set or []:
        key, _, value = item.partition("=")
        overrides[key] = value
    return run_crawl(daily_spider_args(args.paper), overrides)


# --------------------------------------------------------------------------- scrapyd egg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EGG_PACKAGES = ("crawler", "pipelines", "schema")
EGG_KINDS = ("thin", "full")
THIN_PACKAGE = "epaper_scrapyd"
THIN_SETTINGS = """\
\"\"\"Scrapy settings of the epaper project as deployed to scrapyd: those of the installed package.\"\"\"

from crawler.settings import *  # noqa: F403
"""
SETUP_PY = """\
from setuptools import find_packages, setup

setup(
    name={name!r},
    version={version!r},
    packages=find_packages(include={include!r}),
    package_data={{"": ["*.toml", "*.json", "*.ini", "*.mako"]}},
    zip_safe=False,
    entry_points={{"scrapy": ["settings = {settings}"]}},
)
"""


def build_egg(out_dir: Path, version: str | None = None, kind: str = "thin", python: str = sys.executable) -> Path:
    """Build the egg that scrapyd's addversion.json (or `scrapyd-deploy --egg`) takes, in a scratch folder.

    scrapyd imports a project from the zipped egg itself, and a zip cannot serve this project's data files
    (data/papers.toml, the Alembic migrations) as files. So the default `thin` egg holds only a settings
    module that imports `crawler.settings` from the package installed in scrapyd's environment (`pip install`
    the project there; the egg names the version scrapyd runs). `full` packs the code as well, as
    scrapyd-deploy would: deployable and listable, but it can crawl only once the registry and migrations
    are read through importlib.resources (see docs/operations.md)."""
    if kind not in EGG_KINDS:
        raise ValueError(f"egg kind must be one of {EGG_KINDS}, not {kind!r}")
    version = version or dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="epaper-egg-") as scratch:
        root = Path(scratch)
        if kind == "thin":
            (root / THIN_PACKAGE).mkdir()
            (root / THIN_PACKAGE / "__init__.py").write_text("", encoding="utf-8")
            (root / THIN_PACKAGE / "settings.py").write_text(THIN_SETTINGS, encoding="utf-8")
            name, include, settings = THIN_PACKAGE, [THIN_PACKAGE], f"{THIN_PACKAGE}.settings"
        else:
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "fixtures", "*.db", "*.db-*")
            for package in EGG_PACKAGES:
                shutil.copytree(PROJECT_ROOT / package, root / package, ignore=ignore)
            name, include, settings = "epaper_archive", [f"{p}*" for p in EGG_PACKAGES], "crawler.settings"
        (root / "setup.py").write_text(
            SETUP_PY.format(name=name, version=version, include=include, settings=settings), encoding="utf-8"
        )
        proc = subprocess.run(
            [python, "setup.py", "-q", "bdist_egg", "-d", str(out_dir)], cwd=root, capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise RuntimeError(f"bdist_egg failed:\n{proc.stdout}\n{proc.stderr}")
    eggs = sorted(out_dir.glob(f"{name}-{version}-*.egg"))
    if not eggs:
        raise RuntimeError(f"no egg was written to {out_dir}")
    return eggs[-1]


def cmd_egg(args: argparse.Namespace) -> int:
    print(build_egg(Path(args.out), args.version, args.kind))
    return 0


# --------------------------------------------------------------------------- CLI


def register(subparsers: Any) -> None:
    """Add `daily` and `egg` to the `epaper` command (crawler.cli EXTENSION_MODULES)."""
    daily = subparsers.add_parser(
        "daily",
        help="crawl today's editions and retry yesterday's gaps (for cron/systemd; exit 75 if already running)",
    )
    daily.add_argument("--paper", required=True, help="KEY, KEY,KEY or all")
    daily.add_argument("--db", help="SQLAlchemy URL (default: $EPAPER_DATABASE_URL or sqlite data/epaper.db)")
    daily.add_argument("--set", "-s", action="append", metavar="NAME=VALUE", help="a Scrapy setting (repeatable)")
    daily.set_defaults(func=cmd_daily)

    egg = subparsers.add_parser("egg", help="build the project egg for scrapyd's addversion.json")
    egg.add_argument("--out", default="dist", help="output folder (default: dist)")
    egg.add_argument("--version", help="egg version (default: a UTC timestamp)")
    egg.add_argument("--kind", choices=EGG_KINDS, default="thin",
                     help="thin: settings only, code from the installed package (default); full: code too")
    egg.set_defaults(func=cmd_egg)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.schedule", description=__doc__.splitlines()[0])
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    from crawler.cli import check_arguments
    from crawler.errors import guarded

    def run() -> int:
        check_arguments(args)
        return int(args.func(args) or 0)

    return guarded(f"{parser.prog} {args.command}", run)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
