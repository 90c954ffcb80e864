from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from schema.db import alembic_config, current_revision, downgrade, upgrade
from schema.models import Base

CONTRACT = {
    "newspaper": {"id", "key", "name", "region", "script", "homepage"},
    "edition": {
        "id",
        "newspaper_id",
        "date",
        "status",
        "page_count",
        "article_count",
        "url",
        "first_crawled_at",
        "last_crawled_at",
    },
    "page": {
        "id",
        "edition_id",
        "seq",
        "number",
        "name",
        "url",
        "image_url",
        "pdf_url",
        "image_width",
        "image_height",
        "article_count",
    },
    "article": {
        "id",
        "edition_id",
        "page_id",
        "seq",
        "source_key",
        "url",
        "kicker",
        "title",
        "subtitle",
        "dateline",
        "byline",
        "body",
        "body_simplified",
        "title_simplified",
        "char_count",
        "polygon",
        "area_share",
        "content_hash",
        "parser_version",
        "first_seen_at",
        "last_seen_at",
        "changed_at",
        "joins",
        "editors",
        "crossheads",
        "script",
        "text_source",
    },
    "article_part": {"id", "article_id", "page_id", "seq", "url", "source_key"},
    "byline": {"id", "article_id", "seq", "name", "role", "organisation"},
    "image": {"id", "article_id", "seq", "url", "caption", "credit"},
    "crawl_run": {"id", "args", "started_at", "finished_at", "status", "counters"},
    "run_coverage": {"id", "run_id", "newspaper_id", "computed_at", "articles", "figures", "baseline", "findings"},
    "failure": {
        "id",
        "newspaper_id",
        "edition_id",
        "page_url",
        "url",
        "kind",
        "reason",
        "attempts",
        "first_failed_at",
        "last_failed_at",
        "resolved_at",
        "resolution",
    },
}


def _is_search_object(diff: tuple) -> bool:
    name = str(getattr(diff[1], "name", "")) if len(diff) > 1 else ""
    return diff[0] in ("remove_table", "remove_index") and ("fts" in name or "fulltext" in name or "trgm" in name)


def test_upgrade_matches_models_and_downgrade_empties(db_engine: Engine) -> None:
    upgrade(db_engine)
    upgrade(db_engine)  # a second upgrade is a no-op
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(db_engine) == head
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    # full-text search objects (0002) live outside the models on purpose: search indexes, not tables of record
    assert [d for d in diff if not _is_search_object(d)] == []
    inspector = inspect(db_engine)
    for table, columns in CONTRACT.items():
        assert columns <= {c["name"] for c in inspector.get_columns(table)}, table
    downgrade(db_engine)
    assert set(inspect(db_engine).get_table_names()) == {"alembic_version"}
    assert current_revision(db_engine) is None


def test_constraint_names_follow_the_convention(db_engine: Engine) -> None:
    upgrade(db_engine)
    inspector = inspect(db_engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("article")}
    assert "uq_article_edition_id_source_key" in uniques
    assert "ix_byline_name" in {i["name"] for i in inspector.get_indexes("byline")}
    assert "ix_edition_date" in {i["name"] for i in inspector.get_indexes("edition")}
    assert "ix_page_name" in {i["name"] for i in inspector.get_indexes("page")}
