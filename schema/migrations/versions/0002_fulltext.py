"""Full-text search over articles, and the `story` view researchers (and Datasette facets) read.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

SQLite: an FTS5 table with the trigram tokenizer over the article's text columns, as an external-content
table (the text is stored once, in `article`), kept in sync by three triggers so that every writer (the
store, a hand-run UPDATE) keeps it current. PostgreSQL: the pg_trgm extension and one GIN index over the
same columns joined with spaces; `schema.search` queries that exact expression with ILIKE so the planner
can use the index (a test checks the plan).

The `story` view is one row per article with its paper, date and page spelled out: the shape most
questions start from, and the one Datasette facets on (facets need columns, not joins).

Plain SQL only: a migration must not import application code, which changes later. The column list and the
PostgreSQL expression are repeated in schema/search.py; tests keep them equal.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("kicker", "title", "title_simplified", "subtitle", "body", "body_simplified")
FTS_TABLE = "article_fts"
PG_INDEX = "ix_article_fulltext"
PG_EXPRESSION = " || ' ' || ".join(f"coalesce({c}, '')" for c in COLUMNS)

STORY_VIEW = """
CREATE VIEW story AS
SELECT
    a.id AS id,
    n.key AS paper,
    n.name AS paper_name,
    e.date AS date,
    p.seq AS page_seq,
    p.number AS page_number,
    p.name AS page_name,
    a.seq AS seq,
    a.kicker AS kicker,
    a.title AS title,
    a.subtitle AS subtitle,
    a.byline AS byline,
    a.dateline AS dateline,
    a.body AS body,
    a.body_simplified AS body_simplified,
    a.script AS script,
    a.char_count AS char_count,
    a.area_share AS area_share,
    a.url AS url
FROM article a
JOIN edition e ON e.id = a.edition_id
JOIN newspaper n ON n.id = e.newspaper_id
LEFT JOIN page p ON p.id = a.page_id
"""


def _sqlite_upgrade() -> None:
    cols = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({cols}, "
        "content='article', content_rowid='id', tokenize='trigram')"
    )
    op.execute(
        f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON article BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON article BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF {cols} ON article BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {FTS_TABLE}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _postgresql_upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = (
        op.get_bind()
        .execute(
            text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = 'pg_trgm'"
            )
        )
        .scalar_one()
    )
    # the extension may live in another schema than the tables (one per database): qualify its opclass
    opclass = f'"{schema}".gin_trgm_ops'
    op.execute(f"CREATE INDEX {PG_INDEX} ON article USING gin (({PG_EXPRESSION}) {opclass})")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()
    op.execute(STORY_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS story")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        # the extension stays: other schemas of the same database may use it
