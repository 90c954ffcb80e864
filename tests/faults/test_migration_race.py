"""Two processes that migrate one fresh database at the same moment both succeed (schema.db.migration_lock):
two crawls of different papers started together on a new SQLite file, or on a new PostgreSQL schema."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from schema.db import alembic_config, current_revision, make_engine, migration_lock_path
from tests.dbfixtures import pg_admin_url  # noqa: F401 - fixture used by name
from tests.services import unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 12  # each round: a fresh database, two processes released by one barrier (the old race hit ~1 in 8)


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _migrate_each(urls: list[str], barrier: object, results: object) -> None:
    """Child process: for each database, wait for the other child, then upgrade; report errors, not raise."""
    from schema.db import upgrade

    for url in urls:
        barrier.wait(timeout=60)  # type: ignore[attr-defined]
        try:
            upgrade(url)
            results.put((url, None))  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - the parent asserts on it
            results.put((url, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"))  # type: ignore[attr-defined]


def race(urls: list[str]) -> list[str]:
    """Two processes migrate each database of `urls` at the same instant; the errors they met."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    children = [ctx.Process(target=_migrate_each, args=(urls, barrier, results)) for _ in range(2)]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * len(urls))]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    return [f"{url}: {error}" for url, error in outcomes if error]


def test_two_processes_migrating_fresh_sqlite_files_both_succeed(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / f'round{i}' / 'epaper.db'}" for i in range(ROUNDS)]
    assert race(urls) == []
    head = head_revision()
    for url in urls:
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head
            assert migration_lock_path(engine) == Path(make_url(url).database + "-migrate.lock")
        finally:
            engine.dispose()


@pytest.fixture
def fresh_pg_schemas(pg_admin_url: str | None) -> Iterator[list[str]]:  # noqa: F811
    if pg_admin_url is None:
        unavailable("PostgreSQL not reachable at 127.0.0.1:5432")
    names = [f"epaper_race_{uuid.uuid4().hex[:10]}" for _ in range(ROUNDS)]
    admin = create_engine(pg_admin_url)
    with admin.begin() as conn:
        for name in names:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        base = make_url(pg_admin_url)
        yield [
            base.update_query_dict({"options": f"-csearch_path={n}"}).render_as_string(hide_password=False)
            for n in names
        ]
    finally:
        with admin.begin() as conn:
            for name in names:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_two_processes_migrating_fresh_postgres_schemas_both_succeed(fresh_pg_schemas: list[str]) -> None:
    assert race(fresh_pg_schemas) == []
    head = head_revision()
    for url in fresh_pg_schemas:
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head
        finally:
            engine.dispose()


def test_two_crawls_of_different_papers_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    """The real entry point: two `scrapy crawl` processes started together, each for its own paper."""
    from crawler.testsite.server import FixtureServer
    from crawler.testsite.sites import SITES

    registry = tmp_path / "two.toml"
    registry.write_text(
        "".join(
            f'[papers.{key}]\nname = "河东日报"\n[[papers.{key}.layouts]]\nfamily = "founder-pc"\n'
            f'base_url = "{{fixture}}/demo/"\nentry = "pc/layout/{{date:%Y%m}}/{{date:%d}}/node_01.html"\n'
            'skin = "newslist"\n\n'
            for key in ("hedong_a", "hedong_b")
        ),
        encoding="utf-8",
    )
    database = tmp_path / "data" / "epaper.db"
    settings = {
        "EPAPER_DATABASE_URL": f"sqlite:///{database}",
        "EPAPER_LOCK_DIR": str(tmp_path / "data" / "locks"),
        "EPAPER_ARCHIVE_ENABLED": "0",
        "AUTOTHROTTLE_ENABLED": "0",
        "DOWNLOAD_DELAY": "0",
        "LOG_LEVEL": "WARNING",
    }
    with FixtureServer([SITES["demo"]]) as server:
        env = dict(
            os.environ,
            EPAPER_FIXTURE_URL=server.base_url,
            EPAPER_PAPERS=str(registry),
            SCRAPY_SETTINGS_MODULE="crawler.settings",
        )
        commands = [
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "epaper",
                "-a",
                f"paper={key}",
                "-a",
                "date=2025-04-25",
                *(arg for k, v in settings.items() for arg in ("-s", f"{k}={v}")),
            ]
            for key in ("hedong_a", "hedong_b")
        ]
        procs = [
            subprocess.Popen(c, cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True)
            for c in commands
        ]
        errors = [p.communicate(timeout=180)[1] for p in procs]
    for proc, stderr in zip(procs, errors, strict=True):
        assert proc.returncode == 0, stderr[-3000:]
        assert "already exists" not in stderr and "Traceback" not in stderr, stderr[-3000:]
    engine = make_engine(f"sqlite:///{database}")
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            papers = {row[0] for row in conn.execute(text("SELECT key FROM newspaper"))}
        assert papers == {"hedong_a", "hedong_b"}
    finally:
        engine.dispose()
