"""Researcher docs: docs/schema.md matches the models; every SQL example in docs/sql-examples.md runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from crawler.cli import docs
from schema.export import COLUMN_NAMES
from schema.models import Base

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "sql-examples.md"
EXAMPLE = re.compile(r"<!-- example( postgresql)?: (\{.*?\}) -->\n```sql\n(.*?)```", re.S)


def examples(dialect: str) -> list[tuple[dict, str]]:
    found = []
    for pg, spec, sql in EXAMPLE.findall(EXAMPLES.read_text(encoding="utf-8")):
        if (dialect == "postgresql") == bool(pg):
            found.append((json.loads(spec), sql))
    return found


def test_schema_doc_is_current() -> None:
    assert docs.main(["--check"]) == 0, "docs/schema.md is stale: run `python -m schema.docs`"


def test_check_notices_a_stale_doc(tmp_path: Path) -> None:
    stale = tmp_path / "schema.md"
    stale.write_text(docs.render().replace("`article_part`", "`article_piece`"), encoding="utf-8")
    assert docs.main(["--check", "--out", str(stale)]) == 1


def test_every_column_is_documented() -> None:
    rendered = docs.render()
    for table in Base.metadata.sorted_tables:
        assert docs.table_doc(table), f"{table.name} has no description in schema/docs.py"
        assert f"## `{table.name}`" in rendered
        for column in table.columns:
            assert docs.column_doc(table, column), (
                f"{table.name}.{column.name} has no description in schema/docs.py"
            )


def test_export_columns_are_documented() -> None:
    section = EXAMPLES.read_text(encoding="utf-8").split("## Export columns", 1)[1]
    listed = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert tuple(listed) == COLUMN_NAMES


def test_sql_examples_run_on_sqlite(sqlite_archive: tuple[Engine, str]) -> None:
    engine, _ = sqlite_archive
    found = examples("sqlite")
    assert len(found) >= 7
    with engine.connect() as conn:
        for spec, sql in found:
            rows = conn.execute(text(sql), spec["params"]).all()
            assert len(rows) == spec["rows"], (sql, rows)


def test_sql_examples_run_on_postgresql(archive: Engine) -> None:
    if archive.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL examples run on PostgreSQL")
    found = examples("postgresql")
    assert found
    with archive.connect() as conn:
        for spec, sql in found:
            rows = conn.execute(text(sql), spec["params"]).all()
            assert len(rows) == spec["rows"], (sql, rows)
