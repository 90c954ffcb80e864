"""Where things are: the database, the raw archive, the run locks, the extra registry file, the fixture site.

`resolve()` is the one place that turns command-line flags, Scrapy settings and the environment into these
values, in that order of precedence, over the defaults beside the project (`data/`). It is called at the edges
(the `epaper` commands, the Scrapy components' `from_crawler`) and its answer is passed inward, so that no
module deep inside reads the environment. Resolving a path creates nothing: a folder is made where a file is
written, and a read command can still tell that there is no database.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATABASE_URL = "EPAPER_DATABASE_URL"
ARCHIVE_DIR = "EPAPER_ARCHIVE_DIR"
LOCK_DIR = "EPAPER_LOCK_DIR"
PAPERS = "EPAPER_PAPERS"
FIXTURE_URL = "EPAPER_FIXTURE_URL"


@dataclass(frozen=True)
class Config:
    """The resolved locations of one run or command."""

    database_url: str
    archive_dir: Path
    lock_dir: Path
    registry_path: str | None  # extra registry file(s), os.pathsep-separated; None: the bundled papers only
    fixture_url: str


def resolve(
    settings: Mapping[str, Any] | Any | None = None,
    env: Mapping[str, str] | None = None,
    *,
    db: str | None = None,
    archive: str | os.PathLike[str] | None = None,
) -> Config:
    """Flags (`db`, `archive`) over Scrapy `settings` over the environment `env` (default: os.environ) over
    the project's `data/` folder."""
    from crawler.registry import DEFAULT_FIXTURE_URL
    from schema.db import database_url, project_data_dir

    env = os.environ if env is None else env

    def pick(name: str) -> str | None:
        value = settings.get(name) if settings is not None else None
        return str(value) if value else (env.get(name) or None)

    return Config(
        database_url=database_url(db, settings, env),
        archive_dir=archive_dir(archive or pick(ARCHIVE_DIR), env),
        lock_dir=Path(pick(LOCK_DIR) or project_data_dir() / "locks"),
        registry_path=pick(PAPERS),
        fixture_url=pick(FIXTURE_URL) or DEFAULT_FIXTURE_URL,
    )


def archive_dir(value: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The archive directory: the given value, else $EPAPER_ARCHIVE_DIR, else `data/archive/` beside the
    default database (schema.db.project_data_dir)."""
    from schema.db import project_data_dir

    value = value or (os.environ if env is None else env).get(ARCHIVE_DIR)
    return Path(value).expanduser() if value else project_data_dir() / "archive"
