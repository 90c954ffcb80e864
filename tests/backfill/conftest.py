"""Crawl subprocesses with any spider arguments (only=, refresh=, JOBDIR…) against the fixture server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.crawl.conftest import FAST_SETTINGS, PROJECT_ROOT, CrawlResult
from tests.dbfixtures import (  # noqa: F401 - fixtures used by name: the backfill tests run on both backends
    db_engine,
    db_url,
    module_db_urls,
    pg_admin_url,
)


def crawl_command(paper: str, url: str, spider_args: dict[str, str] | None = None,
                  settings: dict[str, str] | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", f"paper={paper}"]
    for name, value in (spider_args or {}).items():
        cmd += ["-a", f"{name}={value}"]
    for key, value in {**FAST_SETTINGS, "EPAPER_DATABASE_URL": url, **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def crawl_env(server_url: str, registry: Path | None, lock_dir: Path) -> dict[str, str]:
    env = dict(os.environ, EPAPER_FIXTURE_URL=server_url, SCRAPY_SETTINGS_MODULE="crawler.settings",
               EPAPER_LOCK_DIR=str(lock_dir))
    if registry:
        env["EPAPER_PAPERS"] = str(registry)
    return env


def crawl(server_url: str, url: str, paper: str, spider_args: dict[str, str] | None = None, *,
          registry: Path | None = None, settings: dict[str, str] | None = None, lock_dir: Path,
          timeout: float = 180) -> CrawlResult:
    """One `scrapy crawl epaper` run to its end; locks under `lock_dir` (never the project's data/locks)."""
    settings = {"EPAPER_LOCK_DIR": str(lock_dir), **(settings or {})}
    proc = subprocess.run(crawl_command(paper, url, spider_args, settings), cwd=PROJECT_ROOT,
                          env=crawl_env(server_url, registry, lock_dir), capture_output=True, text=True,
                          timeout=timeout)
    return CrawlResult(proc.returncode, proc.stdout + proc.stderr, url)


def start_crawl(server_url: str, url: str, paper: str, spider_args: dict[str, str] | None = None, *,
                registry: Path | None = None, settings: dict[str, str] | None = None, lock_dir: Path,
                log: Path) -> subprocess.Popen[bytes]:
    """A crawl in the background (for kill -9, SIGINT and overlap tests); its output goes to `log`."""
    settings = {"EPAPER_LOCK_DIR": str(lock_dir), **(settings or {})}
    out = log.open("wb")
    return subprocess.Popen(crawl_command(paper, url, spider_args, settings), cwd=PROJECT_ROOT,
                            env=crawl_env(server_url, registry, lock_dir), stdout=out, stderr=subprocess.STDOUT)


COUNTS_SQL = (
    "select (select count(*) from newspaper), (select count(*) from edition), (select count(*) from page),"
    " (select count(*) from article), (select count(*) from byline), (select count(*) from image),"
    " (select count(*) from article_part), (select count(*) from failure)"
)
HASHES_SQL = (
    "select e.date, a.source_key, a.content_hash from article a join edition e on e.id = a.edition_id"
    " order by e.date, a.source_key"
)
PAGES_SQL = (
    "select e.date, p.number, p.name, p.article_count from page p join edition e on e.id = p.edition_id"
    " order by e.date, p.number"
)
