"""`epaper db upgrade`: database maintenance."""

from __future__ import annotations

import argparse
from typing import Any

from crawler.cli.args import add_db


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from crawler.config import resolve
    from schema.db import upgrade

    url = resolve(db=args.db).database_url
    upgrade(url)
    print(f"database at head: {url}")
    return 0


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply the Alembic migrations up to head")
    add_db(up)
    up.set_defaults(func=cmd_db_upgrade)
