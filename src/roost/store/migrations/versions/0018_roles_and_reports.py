"""account roles (owner, admin, moderator, user) and reports

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import Id, UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("role", sa.String(10), nullable=False, server_default="user"),
    )
    op.create_table(
        "reports",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column(
            "account_id", Id, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "target_account_id",
            Id,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status_ids", sa.JSON(), nullable=False),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("category", sa.String(10), nullable=False),
        sa.Column("forwarded", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("assigned_account_id", Id, sa.ForeignKey("accounts.id", ondelete="SET NULL")),
        sa.Column("action_taken_at", UTCDateTime(), nullable=True),
        sa.Column(
            "action_taken_by_account_id", Id, sa.ForeignKey("accounts.id", ondelete="SET NULL")
        ),
    )
    op.create_index("ix_reports_target", "reports", ["target_account_id"])
    op.create_index("ix_reports_account", "reports", ["account_id"])


def downgrade() -> None:
    op.drop_table("reports")
    op.drop_column("accounts", "role")
