"""Field coverage per run and paper (`run_coverage`): what the layout-drift monitor compares run by run.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "run_coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("newspaper_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("baseline", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("findings", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_run.id"], name=op.f("fk_run_coverage_run_id_crawl_run"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["newspaper_id"],
            ["newspaper.id"],
            name=op.f("fk_run_coverage_newspaper_id_newspaper"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_coverage")),
        sa.UniqueConstraint("run_id", "newspaper_id", name=op.f("uq_run_coverage_run_id_newspaper_id")),
    )


def downgrade() -> None:
    op.drop_table("run_coverage")
