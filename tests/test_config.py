"""crawler/config.py: flags over settings over the environment over `data/`, resolved once and creating nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler import config
from crawler.config import resolve
from schema import db

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NAMES = (config.DATABASE_URL, config.ARCHIVE_DIR, config.LOCK_DIR, config.PAPERS, config.FIXTURE_URL)


def test_flags_over_settings_over_environment() -> None:
    env = {
        config.DATABASE_URL: "sqlite:///env.db",
        config.ARCHIVE_DIR: "/env/archive",
        config.LOCK_DIR: "/env/locks",
        config.PAPERS: "/env/papers.toml",
        config.FIXTURE_URL: "http://127.0.0.1:1",
    }
    from_env = resolve(None, env)
    assert (from_env.database_url, from_env.archive_dir, from_env.lock_dir) == (
        "sqlite:///env.db", Path("/env/archive"), Path("/env/locks"),
    )
    assert (from_env.registry_path, from_env.fixture_url) == ("/env/papers.toml", "http://127.0.0.1:1")
    settings = {
        config.DATABASE_URL: "sqlite:///set.db",
        config.ARCHIVE_DIR: "/set/archive",
        config.LOCK_DIR: "/set/locks",
        config.PAPERS: "/set/papers.toml",
        config.FIXTURE_URL: "http://127.0.0.1:2",
    }
    from_settings = resolve(settings, env)
    assert (from_settings.database_url, from_settings.archive_dir, from_settings.lock_dir) == (
        "sqlite:///set.db", Path("/set/archive"), Path("/set/locks"),
    )
    assert (from_settings.registry_path, from_settings.fixture_url) == ("/set/papers.toml", "http://127.0.0.1:2")
    flags = resolve(settings, env, db="sqlite:///flag.db", archive="/flag/archive")
    assert (flags.database_url, flags.archive_dir) == ("sqlite:///flag.db", Path("/flag/archive"))
    # a setting left at None (crawler/settings.py's default) falls through to the environment
    assert resolve({name: None for name in NAMES}, env) == from_env


def test_defaults_are_beside_the_project_and_resolving_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(db, "__file__", str(tmp_path / "site-packages" / "schema" / "db.py"))
    monkeypatch.chdir(tmp_path)
    resolved = resolve(None, {})
    data = tmp_path / "data"
    assert resolved.database_url == f"sqlite:///{data / 'epaper.db'}"
    assert (resolved.archive_dir, resolved.lock_dir) == (data / "archive", data / "locks")
    assert resolved.registry_path is None and resolved.fixture_url == "http://127.0.0.1:8765"
    assert list(tmp_path.iterdir()) == []  # no data/, no archive/, no locks/: a reader must see there is nothing


def test_the_settings_module_reads_no_environment() -> None:
    """Importing crawler.settings bakes in no environment variable: they are read when a run resolves them."""
    env = {name: "from-the-environment" for name in NAMES}
    probe = f"import json, crawler.settings as s; print(json.dumps([getattr(s, n) for n in {NAMES!r}]))"
    proc = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=60, env={**_base_env(), **env})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [None] * len(NAMES)


def test_project_settings_still_take_the_environment_at_the_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    env = {config.DATABASE_URL: "sqlite:///from-env.db", config.LOCK_DIR: "/from/env"}
    resolved = resolve(settings, env)
    assert (resolved.database_url, resolved.lock_dir) == ("sqlite:///from-env.db", Path("/from/env"))
    settings.set(config.DATABASE_URL, "sqlite:///from-cmdline.db", priority="cmdline")
    assert resolve(settings, env).database_url == "sqlite:///from-cmdline.db"


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in NAMES}
