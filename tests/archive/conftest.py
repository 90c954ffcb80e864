"""Helpers for archive tests: crawl with the archive on, run `epaper reparse` in a subprocess, compare databases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from schema.db import make_engine, upgrade
from schema.models import Base
from tests.dbfixtures import (  # noqa: F401 - fixtures used by name: the crawl and reparse tests run on both backends
    backend_of,
    db_url,
    fresh_db_urls,
    module_db_urls,
    pg_admin_url,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TABLES = ("newspaper", "edition", "page", "article", "article_part", "byline", "image", "failure")

# A parser change, made inside the reparse process (a monkeypatch cannot cross processes): a new parser
# version label and a title the old parser did not produce.
PATCHED_PARSER = """
import sys
from crawler.families import FAMILIES

def patch(cls):
    original = cls.parse_article
    def parse_article(self, *args, **kwargs):
        record = original(self, *args, **kwargs)
        record.title = (record.title or "") + "修订"
        return record
    cls.VERSIONS = (("V9", None),)
    cls.parse_article = parse_article

for family_class in {type(f) for f in FAMILIES.values()}:
    patch(family_class)
from crawler.cli import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass
class ReparseRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, Any]:
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        assert lines, f"no summary line in output:\n{self.stdout}\n{self.stderr[-3000:]}"
        return json.loads(lines[-1])


def run_reparse(archive: Path, url: str, server_url: str, *args: str, registry: Path | None = None,
                patched: bool = False, timeout: float = 180) -> ReparseRun:
    """`epaper reparse --json` in a subprocess, as an operator runs it."""
    entry = ["-c", PATCHED_PARSER] if patched else ["-m", "crawler.cli"]
    cmd = [sys.executable, *entry, "reparse", "--archive", str(archive), "--db", url, "--json", *args]
    env = dict(os.environ, EPAPER_FIXTURE_URL=server_url, SCRAPY_SETTINGS_MODULE="crawler.settings")
    env.pop("EPAPER_ARCHIVE_DIR", None)
    if registry is not None:
        env["EPAPER_PAPERS"] = str(registry)
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return ReparseRun(proc.returncode, proc.stdout, proc.stderr)


def query(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def counts(url: str) -> dict[str, int]:
    return {t: query(url, f"select count(*) from {t}")[0][0] for t in TABLES}


def content(url: str) -> dict[str, list[tuple]]:
    """What a reparse must reproduce, independent of row ids and timestamps."""
    return {
        "editions": query(url, "select e.date, e.status, e.page_count, e.article_count from edition e"
                                  " order by e.date"),
        "pages": query(url, "select e.date, p.seq, p.number, p.name, p.url, p.article_count from page p"
                               " join edition e on e.id = p.edition_id order by e.date, p.seq"),
        "articles": query(url, "select e.date, a.source_key, a.content_hash, a.parser_version, a.title"
                                  " from article a join edition e on e.id = a.edition_id"
                                  " order by e.date, a.source_key"),
    }


def article_rows(url: str) -> list[tuple]:
    """Row identity and history: ids, hashes, versions and the change/first-seen times."""
    return query(url, "select id, edition_id, page_id, source_key, content_hash, parser_version, changed_at,"
                      " first_seen_at from article order by id")


def copy_db(url: str, target_url: str) -> str:
    """A copy of a crawled database, row ids and timestamps included, at `target_url` (empty, same backend).

    SQLite: the file with its WAL. PostgreSQL: the migrated schema, then every table's rows in dependency
    order, then the id sequences moved past the copied ids (what pg_dump | psql would do)."""
    if backend_of(url) == "sqlite":
        source, target = (Path(u.removeprefix("sqlite:///")) for u in (url, target_url))
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
        return target_url
    upgrade(target_url)
    source_engine, target_engine = make_engine(url), make_engine(target_url)
    try:
        with source_engine.connect() as src, target_engine.begin() as dst:
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(table.select())]
                if rows:
                    dst.execute(table.insert(), rows)
                if "id" in table.c:
                    dst.execute(text(f"select setval(pg_get_serial_sequence('{table.name}', 'id'),"
                                     f" coalesce((select max(id) from {table.name}), 0) + 1, false)"))
    finally:
        source_engine.dispose()
        target_engine.dispose()
    return target_url
