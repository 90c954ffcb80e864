"""Database fixtures any test folder can import: `from tests.dbfixtures import db_url, db_engine`.

`db_url` runs a test twice: on a fresh SQLite file and on a fresh PostgreSQL schema (127.0.0.1:5432, trust
auth, database `test`), the latter skipped with a reason when no server answers. Set EPAPER_TEST_PG_URL to
point at another server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from schema.db import make_engine
from tests.services import unavailable

PG_CANDIDATES = [
    os.environ.get("EPAPER_TEST_PG_URL", ""),
    "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg2://root@127.0.0.1:5432/test",
]
PG_UNREACHABLE = "PostgreSQL not reachable at 127.0.0.1:5432"


@pytest.fixture(scope="session")
def pg_admin_url() -> str | None:
    """The first PostgreSQL URL that accepts a connection, or None."""
    for url in filter(None, PG_CANDIDATES):
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url
        except Exception:  # noqa: BLE001 - any failure means "not usable here"
            continue
        finally:
            engine.dispose()
    return None


def _pg_schema_url(admin_url: str) -> Iterator[str]:
    schema = "epaper_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(admin_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a temporary SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'epaper.db'}"
        return
    admin_url = request.getfixturevalue("pg_admin_url")
    if admin_url is None:
        unavailable(PG_UNREACHABLE)
    yield from _pg_schema_url(admin_url)


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """An engine on `db_url` (not migrated), disposed after the test."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()
