"""Scheduled-run tests that write to a database run on SQLite and PostgreSQL (`db_url`); those about lock files,
job directories and signals alone build their own SQLite URL and run once."""

from __future__ import annotations

from tests.dbfixtures import db_url, fresh_db_urls, pg_admin_url, second_db_url  # noqa: F401 - fixtures used by name
