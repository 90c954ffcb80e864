from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from schema import db


def test_database_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.ENV_VAR, "sqlite:///from-env.db")
    assert db.database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"
    assert (
        db.database_url(None, {"EPAPER_DATABASE_URL": "sqlite:///from-setting.db"})
        == "sqlite:///from-setting.db"
    )
    assert db.database_url(None, {}) == "sqlite:///from-env.db"


def test_default_url_is_the_checkout_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    root = Path(db.__file__).resolve().parent.parent
    assert db.database_url() == f"sqlite:///{root / 'data' / 'epaper.db'}"


def test_default_url_outside_a_checkout_uses_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    monkeypatch.setattr(db, "__file__", str(tmp_path / "site-packages" / "schema" / "db.py"))
    monkeypatch.chdir(tmp_path)
    assert db.database_url() == f"sqlite:///{tmp_path / 'data' / 'epaper.db'}"
    assert not (tmp_path / "data").exists()  # no side effect: a read command must see that there is no database


def test_sqlite_engine_pragmas(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    finally:
        engine.dispose()
