"""archive exports, CSV imports and their per-batch results

Revision ID: 0023
Revises: 0019
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import Id, UTCDateTime

revision: str = "0023"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner() -> sa.Column[int]:
    return sa.Column(
        "account_id", Id, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "archive_exports",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        _owner(),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("posts_total", sa.Integer(), nullable=False),
        sa.Column("posts_done", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_archive_exports_account", "archive_exports", ["account_id", "id"])
    op.create_table(
        "archive_imports",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        _owner(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("file_label", sa.String(200), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("batches_total", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_archive_imports_account", "archive_imports", ["account_id", "id"])
    op.create_table(
        "archive_import_batches",
        sa.Column(
            "import_id",
            Id,
            sa.ForeignKey("archive_imports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("batch", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("archive_import_batches")
    op.drop_table("archive_imports")
    op.drop_table("archive_exports")
