"""Fault-injection crawls: a real `scrapy crawl epaper` against a hostile site on loopback (tests/faults/hostile.py).

Each crawl runs with its own HOME and data folders (database, archive, locks) under the test's tmp_path, and
reports whether it wrote anything else: to the checkout or to the (fake) home directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from crawler.testsite.sites import SiteDef, _entry_template
from tests.crawl.conftest import FAST_SETTINGS, PROJECT_ROOT, CrawlResult
from tests.dbfixtures import db_url, pg_admin_url  # noqa: F401 - the ledger tests run on SQLite and PostgreSQL

from .hostile import DAY

SKIPPED_DIRS = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def tree_state(root: Path) -> dict[str, float]:
    """Every file under `root` (caches and .git left out) with its modification time."""
    state: dict[str, float] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = os.path.join(folder, name)
            try:
                state[path] = os.stat(path).st_mtime
            except FileNotFoundError:
                continue
    return state


@dataclass
class HostileCrawl(CrawlResult):
    stray_files: list[str]  # written outside the data folders (checkout or home)
    peak_rss_mb: float

    def failures(self) -> list[tuple[str, str, str]]:
        return self.rows("select kind, url, reason from failure order by url")  # type: ignore[return-value]

    def edition(self) -> tuple[str, str | None]:
        return self.rows("select status, reason from edition")[0]  # type: ignore[return-value]


def write_registry(path: Path, site: SiteDef, key: str, **extra: object) -> Path:
    """An EPAPER_PAPERS file pointing `key` at the site, with extra entry fields (allowed_hosts, max_response_mb)."""
    entry = _entry_template(site.spec, DAY, site.edition(DAY))  # type: ignore[arg-type]
    lines = [f"[papers.{key}]", 'name = "敌意日报"', 'script = "hans"']
    for name, value in extra.items():
        lines.append(f"{name} = {_toml(value)}")
    lines += [
        "",
        f"[[papers.{key}.layouts]]",
        'family = "founder-pc"',
        f'base_url = "{{fixture}}{site.root}"',
    ]
    lines.append(f'entry = "{entry}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def hostile_crawl(
    server_url: str,
    database: str,
    registry: Path,
    key: str,
    tmp_path: Path,
    settings: dict[str, str] | None = None,
    timeout: float = 180,
) -> HostileCrawl:
    """`scrapy crawl epaper -a paper=KEY -a date=DAY` in a subprocess, with its peak RSS and stray files."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", f"paper={key}", "-a", f"date={DAY}"]
    for name, value in {**FAST_SETTINGS, "EPAPER_DATABASE_URL": database, **(settings or {})}.items():
        cmd += ["-s", f"{name}={value}"]
    env = dict(
        os.environ,
        EPAPER_FIXTURE_URL=server_url,
        SCRAPY_SETTINGS_MODULE="crawler.settings",
        EPAPER_PAPERS=str(registry),
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local/state"),
        EPAPER_ARCHIVE_DIR=str(tmp_path / "data" / "archive"),
        EPAPER_LOCK_DIR=str(tmp_path / "data" / "locks"),
    )
    before = tree_state(PROJECT_ROOT)
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)  # the child's own peak RSS, not the test process's
        finally:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        log = out.read().decode("utf-8", "replace")
    after = tree_state(PROJECT_ROOT)
    stray = sorted(p for p, mtime in after.items() if before.get(p) != mtime)
    stray += sorted(str(p) for p in home.rglob("*") if p.is_file())
    return HostileCrawl(
        proc.returncode, log, database, stray, usage.ru_maxrss / 1024
    )  # ru_maxrss: KiB on Linux


def crawl_site(
    server_url: str,
    database: str,
    tmp_path: Path,
    site: SiteDef,
    settings: dict[str, str] | None = None,
    timeout: float = 180,
    **registry_fields: object,
) -> HostileCrawl:
    """Crawl DAY of `site` as the paper of the same key, with extra registry fields for its entry."""
    registry = write_registry(tmp_path / "papers.toml", site, site.key, **registry_fields)
    return hostile_crawl(server_url, database, registry, site.key, tmp_path, settings, timeout)
