"""Fixtures of the distributed-crawl tests: Redis (skipped, or failed in CI, when unreachable), a unique key
prefix per test, fresh PostgreSQL schemas, and worker processes against the fixture server."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.dbfixtures import PG_UNREACHABLE, _pg_schema_url, pg_admin_url  # noqa: F401 - pytest fixture
from tests.services import unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("EPAPER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_UNREACHABLE = f"Redis not reachable at {REDIS_URL}"

# politeness off against our own loopback server; quick retries
FAST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "EPAPER_RETRY_BACKOFF_BASE": "0.01",
    "RETRY_TIMES": "2",
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": "0",
    "EPAPER_ARCHIVE_ENABLED": "0",
}


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception:  # noqa: BLE001 - any failure means "not usable here"
        unavailable(REDIS_UNREACHABLE)
    return REDIS_URL


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of our own in the shared Redis database, deleted after the test."""
    from crawler.distributed import clear_frontier

    name = "epaper-test-" + uuid.uuid4().hex[:10]
    yield name
    clear_frontier(redis_url, name)


@pytest.fixture
def pg_schema(pg_admin_url: str | None) -> Iterator[Callable[[], str]]:  # noqa: F811
    """A factory of fresh PostgreSQL schemas (URLs), all dropped after the test."""
    if pg_admin_url is None:
        unavailable(PG_UNREACHABLE)
    made: list[Iterator[str]] = []

    def make() -> str:
        gen = _pg_schema_url(pg_admin_url)
        made.append(gen)
        return next(gen)

    yield make
    for gen in made:
        next(gen, None)


def write_registry(path: Path, sites: dict[str, object]) -> Path:
    """An EPAPER_PAPERS file pointing registry keys at sites of the fixture server."""
    from crawler.testsite.sites import _entry_template

    chunks = []
    for key, site in sites.items():
        spec = site.spec  # type: ignore[attr-defined]
        first = site.dates[0]  # type: ignore[attr-defined]
        entry = _entry_template(spec, first, site.edition(first))  # type: ignore[attr-defined]
        chunks.append(
            f'[papers.{key}]\nname = "{spec.name}"\nscript = "hans"\n\n'
            f'[[papers.{key}.layouts]]\nfamily = "{spec.family}"\nbase_url = "{{fixture}}{spec.root}"\n'
            f'entry = "{entry}"\n'
        )
    path.write_text("\n".join(chunks), encoding="utf-8")
    return path


def crawl_env(server_url: str, registry: Path | None) -> dict[str, str]:
    env = dict(os.environ, EPAPER_FIXTURE_URL=server_url, SCRAPY_SETTINGS_MODULE="crawler.settings")
    env.pop("EPAPER_DISTRIBUTED", None)
    if registry is not None:
        env["EPAPER_PAPERS"] = str(registry)
    return env


def crawl_cmd(paper: str, db_url: str, settings: dict[str, str], spider_args: dict[str, str] | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", f"paper={paper}"]
    for name, value in (spider_args or {}).items():
        cmd += ["-a", f"{name}={value}"]
    for key, value in {**FAST_SETTINGS, "EPAPER_DATABASE_URL": db_url, **settings}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def start_worker(server_url: str, registry: Path | None, paper: str, db_url: str, settings: dict[str, str],
                 log: Path) -> subprocess.Popen[bytes]:
    """A distributed worker (`scrapy crawl epaper … -s EPAPER_DISTRIBUTED=…`) as its own process."""
    handle = log.open("wb")
    return subprocess.Popen(crawl_cmd(paper, db_url, settings), cwd=PROJECT_ROOT,
                            env=crawl_env(server_url, registry), stdout=handle, stderr=subprocess.STDOUT)


def run_single(server_url: str, registry: Path | None, paper: str, db_url: str, start: dt.date, end: dt.date,
               settings: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """An ordinary one-process crawl: the reference the distributed crawl must equal."""
    cmd = crawl_cmd(paper, db_url, settings or {}, {"start": str(start), "end": str(end)})
    return subprocess.run(cmd, cwd=PROJECT_ROOT, env=crawl_env(server_url, registry), capture_output=True,
                          text=True, timeout=300)


def rows(db_url: str, sql: str) -> list[tuple]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()
