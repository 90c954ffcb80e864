"""Where the database is, how to connect to it, and how to bring its schema to the current revision.

SQLite is the default (one file, WAL so that `epaper status` can read while a crawl writes); any SQLAlchemy
URL works, PostgreSQL being the scale target. The Alembic configuration is built in code from the package's
own migrations folder, so `epaper db upgrade` works from a checkout and from a pip install alike.

Every crawl migrates its database when it opens it, so two crawls started at once on a fresh database would
both create the tables (`table crawl_run already exists`). Migrations are serialised: an flock on
`<database file>-migrate.lock` for SQLite, a transaction-scoped advisory lock for PostgreSQL.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url

if TYPE_CHECKING:  # alembic is imported where a migration runs: read commands never load it
    from alembic.config import Config

ENV_VAR = "EPAPER_DATABASE_URL"
SETTING = "EPAPER_DATABASE_URL"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The migrations in order, newest last, read off the file names of schema/migrations/versions/ (NNNN_name.py,
# revision "NNNN"): a read command compares the database against it without importing Alembic, and a new
# migration needs no second list; tests/test_cli_imports.py holds it to Alembic's own history.
SCHEMA_REVISIONS = tuple(
    sorted(p.name[:4] for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
)
# pg_advisory_xact_lock key of "migrating this database" (any constant; this one is b"epaper-m" as an int64)
PG_MIGRATION_LOCK = int.from_bytes(b"epaper-m", "big", signed=True)


def project_data_dir() -> Path:
    """`data/` next to the project root in a checkout; the working directory's `data/` otherwise."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "scrapy.cfg").is_file():
        return root / "data"
    return Path.cwd() / "data"


def database_url(
    explicit: str | None = None,
    settings: Mapping[str, Any] | Any | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """The database URL: explicit argument, else Scrapy setting, else environment variable (`env`, default
    os.environ), else the default file. The one rule; crawler/config.py `resolve` applies it with the others."""
    if explicit:
        return explicit
    if settings is not None:
        value = settings.get(SETTING)
        if value:
            return str(value)
    value = (os.environ if env is None else env).get(ENV_VAR)
    if value:
        return value
    return default_database_url()


def default_database_url() -> str:
    """SQLite `data/epaper.db` of the project.

    No mkdir here: a read command must be able to tell that the database does not exist (make_engine creates
    the folder for the commands that write)."""
    return f"sqlite:///{project_data_dir() / 'epaper.db'}"


class DatabaseURLError(ValueError):
    """The database URL is malformed, names no installed dialect, or points at a SQLite file that is not there."""


class SchemaRevisionError(DatabaseURLError):
    """The database's schema is not the one this version reads: a read command says so instead of migrating."""


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser()


def check_database_url(url: str, must_exist: bool = False) -> str:
    """`url` when it can be used; DatabaseURLError with a one-line reason otherwise.

    `must_exist`: a command that only reads (status, search, export, …) must not create an empty database where
    the user mistyped a path, but say that there is none."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(with_installed_driver(url))
        dialect = parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseURLError(f"not a usable database URL: {_hide_password(url)!r} ({exc})") from exc
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        extra = " (pip install -e '.[postgres]')" if parsed.get_backend_name() == "postgresql" else ""
        raise DatabaseURLError(
            f"the {parsed.get_backend_name()} driver {parsed.get_driver_name()!r} is not installed{extra}"
        ) from exc
    path = sqlite_file(url)
    if must_exist and path is not None and not path.is_file():
        raise DatabaseURLError(f"the database {path} does not exist (check --db, or crawl into it first)")
    return url


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for the message
        return url.split("@")[-1]


def _json_dumps(value: Any) -> str:
    # Chinese text stays readable in JSON columns (and takes a third of the bytes of \\u escapes).
    return json.dumps(value, ensure_ascii=False)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def with_installed_driver(url: str) -> str:
    """A `postgresql://` URL (no driver named) with a driver that is installed: SQLAlchemy 2.1 defaults to
    psycopg 3, the `postgres` extra installs psycopg2; a URL that names its driver is left as written."""
    parsed = make_url(url)
    if parsed.drivername != "postgresql":
        return url
    import importlib.util

    for driver in ("psycopg", "psycopg2"):
        if importlib.util.find_spec(driver) is not None:
            return parsed.set(drivername=f"postgresql+{driver}").render_as_string(hide_password=False)
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine tuned per dialect: SQLite WAL + foreign keys + busy timeout; PostgreSQL pre-ping."""
    url = with_installed_driver(database_url(url))
    parsed = make_url(url)
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
    options.update(kwargs)
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations, sharing `connection` when given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migration_lock_path(engine: Engine) -> Path | None:
    """The lock file beside a SQLite database file (None for other databases and in-memory SQLite)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().with_name(Path(database).name + "-migrate.lock")


@contextlib.contextmanager
def _file_lock(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # waits; the kernel drops it if the process dies
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's migration lock until it has committed: one process migrates,
    the others wait and then find the schema at its revision."""
    with _file_lock(migration_lock_path(engine)), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # a transaction lock: released by the commit, or by the server if the process dies
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        yield connection


def upgrade(engine_or_url: Engine | str | None = None, revision: str = "head") -> None:
    """Migrate the database to `revision` (head by default); a no-op when it is already there.

    Safe to call from several processes at once (see `migrating`)."""
    from alembic import command

    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        with migrating(engine) as connection:
            command.upgrade(alembic_config(connection), revision)
    finally:
        if engine is not engine_or_url:
            engine.dispose()


def downgrade(engine_or_url: Engine | str | None = None, revision: str = "base") -> None:
    """Migrate down to `revision` (base by default: drops every table)."""
    from alembic import command

    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        with migrating(engine) as connection:
            command.downgrade(alembic_config(connection), revision)
    finally:
        if engine is not engine_or_url:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in `alembic_version` (None when there is no such table or row), read with plain SQL
    so that a read command needs no Alembic."""
    from sqlalchemy import inspect

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema_current(url: str) -> None:
    """SchemaRevisionError when the database is at another revision than this version's newest migration.

    Read commands call this and never migrate (a read must not change the archive under a crawl, nor need the
    rights to); a database with no recorded revision (empty, or tables made without Alembic) is left to the
    queries, which answer "nothing yet"."""
    engine = make_engine(url)
    try:
        found = stored_revision(engine)
    finally:
        engine.dispose()
    head = SCHEMA_REVISIONS[-1]
    if found is None or found == head:
        return
    where = _hide_password(url)
    if found in SCHEMA_REVISIONS:
        raise SchemaRevisionError(
            f"database error: {where} is at schema revision {found}, this version reads {head}; read commands do "
            f"not migrate: run `epaper db upgrade --db {where}` first"
        )
    raise SchemaRevisionError(
        f"database error: {where} is at schema revision {found}, newer than this version knows ({head}): "
        "upgrade epaper-archive"
    )
