from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from pipelines.joining import JoiningStore as Store
from schema.db import make_engine, upgrade
from tests.dbfixtures import db_engine, db_url, pg_admin_url  # noqa: F401 - fixtures used by name
from tests.research import corpus


@pytest.fixture
def archive(db_url: str) -> Iterator[Engine]:  # noqa: F811
    """The small two-paper archive on SQLite and on PostgreSQL."""
    engine = make_engine(db_url)
    upgrade(engine)
    with Store(engine, batch_size=50) as store:
        corpus.build(store)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_archive(tmp_path) -> Iterator[tuple[Engine, str]]:
    """The archive on SQLite only (Datasette, plots, SQL examples): (engine, url)."""
    url = f"sqlite:///{tmp_path / 'epaper.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Store(engine, batch_size=50) as store:
        corpus.build(store)
    try:
        yield engine, url
    finally:
        engine.dispose()
