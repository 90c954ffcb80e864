"""Run real `scrapy crawl epaper` processes against the project's own fixture server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.dbfixtures import db_url, pg_admin_url  # noqa: F401 - every crawl test runs on SQLite and PostgreSQL

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# politeness off against our own loopback server; quick retries
FAST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "EPAPER_RETRY_BACKOFF_BASE": "0.01",
    "RETRY_TIMES": "2",
    "LOG_LEVEL": "INFO",
    "EPAPER_ARCHIVE_ENABLED": "0",  # tests/archive covers the WARC archive; here it would only fill data/archive
}


@dataclass
class CrawlResult:
    returncode: int
    log: str
    db_url: str

    def rows(self, sql: str, **params: object) -> list[tuple]:
        engine = create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        finally:
            engine.dispose()

    def scalar(self, sql: str, **params: object) -> object:
        return self.rows(sql, **params)[0][0]


def run_crawl(
    server_url: str, database: str, paper: str, *, date: str | None = None, start: str | None = None,
    end: str | None = None, registry: Path | None = None, settings: dict[str, str] | None = None,
    timeout: float = 180, spider_args: dict[str, str] | None = None,
) -> CrawlResult:
    """One crawl in a subprocess (Twisted's reactor cannot be restarted inside the test process)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", f"paper={paper}"]
    for name, value in (("date", date), ("start", start), ("end", end), *(spider_args or {}).items()):
        if value:
            cmd += ["-a", f"{name}={value}"]
    for key, value in {**FAST_SETTINGS, "EPAPER_DATABASE_URL": database, **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    env = dict(os.environ, EPAPER_FIXTURE_URL=server_url, SCRAPY_SETTINGS_MODULE="crawler.settings")
    if registry:
        env["EPAPER_PAPERS"] = str(registry)
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return CrawlResult(proc.returncode, proc.stdout + proc.stderr, database)


def write_registry(path: Path, key: str, name: str, family: str, root: str, entry: str) -> Path:
    """A user registry file (EPAPER_PAPERS) pointing a paper key at a site of the fixture server."""
    path.write_text(
        f'[papers.{key}]\nname = "{name}"\nscript = "hans"\n\n'
        f'[[papers.{key}.layouts]]\nfamily = "{family}"\nbase_url = "{{fixture}}{root}"\nentry = "{entry}"\n',
        encoding="utf-8",
    )
    return path




def registry_for(path: Path, site: object) -> Path:
    """EPAPER_PAPERS file for a fixture site: its entry template is derived from the site's renderer."""
    from crawler.testsite.sites import _entry_template

    spec = site.spec  # type: ignore[attr-defined]
    first = site.dates[0]  # type: ignore[attr-defined]
    entry = _entry_template(spec, first, site.edition(first))  # type: ignore[attr-defined]
    return write_registry(path, spec.key.replace("-", "_"), spec.name, spec.family, spec.root, entry)


def expected_counts(site: object, dates: list) -> tuple[int, int]:
    """Pages and articles the site's model holds for these dates (what a complete crawl must store)."""
    pages = articles = 0
    for day in dates:
        edition = site.edition(day)  # type: ignore[attr-defined]
        if edition is not None:
            pages += len(edition.pages)
            articles += sum(len(p.articles) for p in edition.pages)
    return pages, articles
