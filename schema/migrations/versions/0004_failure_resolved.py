"""A failure is resolved, not deleted, once its URL is stored or its edition is settled: kept as history, it no
longer counts against the edition's status or the exit status of later runs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("failure") as batch:
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("failure") as batch:
        batch.drop_column("resolution")
        batch.drop_column("resolved_at")
