from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from schema.db import upgrade
from schema.store import Store
from tests.dbfixtures import db_engine, db_url, pg_admin_url  # noqa: F401 - fixtures used by name


@pytest.fixture
def migrated(db_engine: Engine) -> Engine:  # noqa: F811
    upgrade(db_engine)
    return db_engine


@pytest.fixture
def store(migrated: Engine) -> Iterator[Store]:
    s = Store(migrated, batch_size=50)
    yield s
    s.close()
