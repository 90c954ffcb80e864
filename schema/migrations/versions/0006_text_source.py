"""Where an article's text was read (`article.text_source`): 'html', or 'pdf' when its HTML body was empty or
image-only and the text came from the page PDF. Existing rows are 'html'.

A plain ADD COLUMN on both backends: rebuilding `article` (SQLite's batch mode) would drop the full-text
triggers and the `story` view of 0002. The CHECK constraint is added on PostgreSQL; SQLite cannot add one
to an existing table without that rebuild, so there the store's own values are the guard.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "article", sa.Column("text_source", sa.String(length=8), server_default="html", nullable=False)
    )
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            op.f("ck_article_text_source"), "article", "text_source IN ('html', 'pdf')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE article DROP COLUMN text_source")  # SQLite >= 3.35, no table rebuild
    else:
        op.drop_constraint(op.f("ck_article_text_source"), "article", type_="check")
        op.drop_column("article", "text_source")
