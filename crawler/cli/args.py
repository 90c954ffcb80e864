"""The arguments and checks the `epaper` commands share: dates, `--db`, `--set`, the paper key, the port.

Kept free of heavy imports: building the parser must not load Scrapy, SQLAlchemy or OpenCC.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

DB_HELP = "SQLAlchemy URL (default: $EPAPER_DATABASE_URL or sqlite data/epaper.db)"

# Commands that only read the database: a --db that names no existing SQLite file is a mistake, not a new archive.
READ_ONLY_COMMANDS = frozenset({"status", "search", "export", "plot", "serve"})
# Commands whose --paper must name a paper of the registry or of the database ("unknown paper", not silence).
PAPER_COMMANDS = frozenset({"status", "search", "export", "plot", "daily"})
# Commands that listen on --port.
SERVER_COMMANDS = frozenset({"demo", "serve"})


def date_arg(value: str) -> dt.date:
    """An ISO date (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def day_arg(value: str) -> str:
    """An ISO date or `today`/`yesterday`, kept as given: the spider resolves the words in each paper's timezone."""
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        if value.strip().lower() not in ("today", "yesterday"):
            raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD, today, yesterday): {value!r}") from exc
    return value


def document_arg(value: str) -> tuple[str, str]:
    """`URL=FILE`: a companion document (a `…_plist.htm`, a `data.js`) and the saved file holding it."""
    url, sep, path = value.partition("=")
    if not sep or not url.lower().startswith(("http://", "https://")) or not path:
        raise argparse.ArgumentTypeError(f"expected URL=FILE with an http(s) URL, not {value!r}")
    return url, path


def add_documents(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--document",
        dest="documents",
        action="append",
        type=document_arg,
        default=[],
        metavar="URL=FILE",
        help="a companion document the payload's parse needs (the plist, data.js or page JSON it names), "
        "saved in FILE; repeatable",
    )


def read_documents(pairs: list[tuple[str, str]]) -> dict[str, bytes]:
    """{url: bytes} of the --document files; OSError for a file that cannot be read."""
    from pathlib import Path

    return {url: Path(path).read_bytes() for url, path in pairs}


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def add_db(parser: argparse.ArgumentParser, note: str = "") -> None:
    """`--db URL`, with the one help text that says where the default comes from."""
    parser.add_argument("--db", help=DB_HELP + note)


def add_set(parser: argparse.ArgumentParser) -> None:
    """`--set/-s NAME=VALUE`: a Scrapy setting for the crawl the command starts (repeatable)."""
    parser.add_argument(
        "--set", "-s", action="append", metavar="NAME=VALUE", help="a Scrapy setting (repeatable)"
    )


def setting_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The Scrapy settings `--db` and `--set` ask for (`--set` last: it may name the database too)."""
    overrides: dict[str, Any] = {}
    if getattr(args, "db", None):
        overrides["EPAPER_DATABASE_URL"] = args.db
    for item in getattr(args, "set", None) or []:
        key, _, value = item.partition("=")
        overrides[key] = value
    return overrides


def check_arguments(args: argparse.Namespace) -> None:
    """The checks every command shares, made once here: database URL, paper key, port (UserError & co.)."""
    from crawler.config import resolve
    from crawler.errors import check_port_free

    command = getattr(args, "command", None)
    if hasattr(args, "db"):
        from schema.db import check_database_url, check_schema_current, sqlite_file

        # the default (None) is checked as resolved, and left None: `--set EPAPER_DATABASE_URL=…` may still apply
        url = resolve(db=args.db).database_url
        check_database_url(url, must_exist=command in READ_ONLY_COMMANDS)
        # a read never migrates: an older schema is named, with the command to run (`serve` opens SQLite files
        # only and refuses any other URL itself, so it is not connected to here)
        if command in READ_ONLY_COMMANDS and not (command == "serve" and sqlite_file(url) is None):
            check_schema_current(url)
    if command in PAPER_COMMANDS and getattr(args, "paper", None):
        db = resolve(db=args.db).database_url if hasattr(args, "db") else None
        check_paper(args.paper, db, allow_all=command == "daily")
    if command in SERVER_COMMANDS and getattr(args, "port", None):
        check_port_free(getattr(args, "host", None) or "127.0.0.1", args.port)


def check_paper(spec: str, db_url: str | None, allow_all: bool = False) -> None:
    """UserError for a key that is neither in the registry nor in the database (a paper since removed from the
    registry is still in the archive and may be read)."""
    from crawler.config import resolve
    from crawler.errors import UserError
    from crawler.registry import PAPER_GROUPS, load_registry, unknown_paper

    config = resolve()
    registry = dict(load_registry(config.registry_path, config.fixture_url))
    keys = [k.strip() for k in spec.split(",") if k.strip()]
    if allow_all:
        keys = [k for k in keys if k not in PAPER_GROUPS]
    unknown = [k for k in keys if k not in registry]
    if unknown and db_url:
        archived = set(_archived_papers(db_url))
        unknown = [k for k in unknown if k not in archived]
    if unknown:
        raise UserError(unknown_paper(unknown[0], registry))


def _archived_papers(db_url: str) -> list[str]:
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from schema.db import make_engine, sqlite_file
    from schema.models import Newspaper

    path = sqlite_file(db_url)
    if path is not None and not path.is_file():
        return []
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(Newspaper.key)).scalars())
    except (OperationalError, ProgrammingError):  # no tables yet
        return []
    finally:
        engine.dispose()
