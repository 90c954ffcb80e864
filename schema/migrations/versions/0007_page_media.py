"""Page media (EPAPER_MEDIA): the archived page image's and PDF's digest, size and dimensions on `page`,
`article.pdf_coverage` (the cross-check of an article's HTML text against its page PDF), and failure kind
'media' (a page image or PDF that could not be fetched: a ledger line that never fails an edition).

Columns are plain ADD COLUMNs (rebuilding `article` on SQLite would drop the full-text triggers of 0002).
The failure kind CHECK is replaced: on SQLite by rebuilding `failure` (batch mode; it has no triggers).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAGE_COLUMNS = (
    ("image_sha256", sa.String(length=64)),
    ("image_bytes", sa.Integer()),
    ("image_pixel_width", sa.Integer()),
    ("image_pixel_height", sa.Integer()),
    ("pdf_sha256", sa.String(length=64)),
    ("pdf_bytes", sa.Integer()),
    ("pdf_width_pt", sa.Float()),
    ("pdf_height_pt", sa.Float()),
)
OLD_KINDS = "kind IN ('edition', 'page', 'article')"
NEW_KINDS = "kind IN ('edition', 'page', 'article', 'media')"


def _kinds(condition: str) -> None:
    with op.batch_alter_table("failure", recreate="always" if op.get_bind().dialect.name == "sqlite" else "auto") as b:
        b.drop_constraint(op.f("ck_failure_kind"), type_="check")
        b.create_check_constraint(op.f("ck_failure_kind"), condition)


def upgrade() -> None:
    for name, kind in PAGE_COLUMNS:
        op.add_column("page", sa.Column(name, kind, nullable=True))
    op.add_column("article", sa.Column("pdf_coverage", sa.Float(), nullable=True))
    _kinds(NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM failure WHERE kind = 'media'")
    _kinds(OLD_KINDS)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE article DROP COLUMN pdf_coverage")
        for name, _ in PAGE_COLUMNS:
            op.execute(f"ALTER TABLE page DROP COLUMN {name}")
    else:
        op.drop_column("article", "pdf_coverage")
        for name, _ in PAGE_COLUMNS:
            op.drop_column("page", name)
