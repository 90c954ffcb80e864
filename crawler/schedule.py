"""Scheduled crawls: `epaper daily` and a scrapyd egg (run locks and job directories: crawler/runlock.py).

- **`epaper daily --paper KEY`** (crawler/cli/crawl.py): today's editions and yesterday's gaps in the paper's
  own timezone; the cron/systemd entry point (docs/operations.md).
- **`epaper egg`** (crawler/cli/schedule.py) builds the project egg that scrapyd's addversion.json takes
  (build_egg explains why it is thin by default).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

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


if __name__ == "__main__":  # pragma: no cover - `python -m crawler.schedule daily|egg` (crontabs call it so)
    from crawler.cli.schedule import main

    sys.exit(main())
