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
            with engine.begin() as conn:
                conn.execute(text("SELECT 1"))
                # pg_trgm in public, once: else the first test schema to migrate would hold the extension, every
                # other schema's trigram index would depend on it, and dropping that schema would drop theirs
                # (and deadlock against their own DROP SCHEMA when test runs overlap)
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
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


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def backend_of(url: str) -> str:
    """`sqlite` or `postgresql`: which backend a database URL points at."""
    return make_url(url).get_backend_name()


class FreshDatabases:
    """More empty databases on one backend, made on demand (SQLite files in `directory`, or further PostgreSQL
    schemas) and dropped when the fixture that owns them closes.

    For the tests that need a second database next to the first: a reparse into a fresh database, an
    uninterrupted reference run, "the same paper into another database"."""

    def __init__(self, backend: str, directory: Path, admin_url: str | None) -> None:
        self.backend, self.directory, self.admin_url = backend, directory, admin_url
        self._schemas: list[Iterator[str]] = []
        self._names: set[str] = set()

    def __call__(self, name: str) -> str:
        """A URL to a new, empty database; `name` names the SQLite file and must be unique per owner."""
        assert name not in self._names, f"database {name!r} already made"
        self._names.add(name)
        if self.backend == "sqlite":
            return f"sqlite:///{self.directory / (name + '.db')}"
        if self.admin_url is None:
            unavailable(PG_UNREACHABLE)
        schema = _pg_schema_url(self.admin_url)
        self._schemas.append(schema)
        return next(schema)

    def close(self) -> None:
        for schema in reversed(self._schemas):
            schema.close()  # runs the generator's `finally`: DROP SCHEMA … CASCADE
        self._schemas.clear()


@pytest.fixture
def fresh_db_urls(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Iterator[FreshDatabases]:
    """Further empty databases on `db_url`'s backend, for tests that compare or separate two databases."""
    backend = backend_of(db_url)
    admin_url = request.getfixturevalue("pg_admin_url") if backend == "postgresql" else None
    databases = FreshDatabases(backend, tmp_path, admin_url)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def second_db_url(fresh_db_urls: FreshDatabases) -> str:
    """One more empty database on `db_url`'s backend."""
    return fresh_db_urls("second")


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_urls(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshDatabases]:
    """Empty databases for a whole test module, once per backend: for module-scoped crawls (a reference run,
    a crawl many tests read) and the databases the module's tests compare with them. Tests using it are
    grouped by backend, so each module-scoped crawl runs once per backend."""
    admin_url = request.getfixturevalue("pg_admin_url") if request.param == "postgresql" else None
    if request.param == "postgresql" and admin_url is None:
        unavailable(PG_UNREACHABLE)
    databases = FreshDatabases(request.param, tmp_path_factory.mktemp(request.param), admin_url)
    try:
        yield databases
    finally:
        databases.close()
