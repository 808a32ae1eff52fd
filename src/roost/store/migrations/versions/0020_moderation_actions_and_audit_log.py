"""moderation actions: disabled log-ins, warnings, moderator notes and the audit log

Revision ID: 0020
Revises: 0021 (assigned 0020 revising 0019; chained after main's 0023 and 0021)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import Id, UTCDateTime

revision: str = "0020"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("disabled_at", UTCDateTime(), nullable=True))
    # Every read of posts leaves out suspended and limited authors: these find the few.
    op.create_index("ix_accounts_suspended_at", "accounts", ["suspended_at"])
    op.create_index("ix_accounts_silenced_at", "accounts", ["silenced_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column("account_id", Id, sa.ForeignKey("accounts.id", ondelete="SET NULL")),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target_type", sa.String(20), nullable=False),
        sa.Column("target_id", Id, nullable=True),
        sa.Column("target_label", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_audit_log_target", "audit_log", ["target_type", "target_id"])
    op.create_table(
        "account_warnings",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column(
            "account_id", Id, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("actor_account_id", Id, sa.ForeignKey("accounts.id", ondelete="SET NULL")),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("report_id", Id, sa.ForeignKey("reports.id", ondelete="SET NULL")),
        sa.Column("status_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_account_warnings_account", "account_warnings", ["account_id"])
    op.create_table(
        "moderation_notes",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column("account_id", Id, sa.ForeignKey("accounts.id", ondelete="SET NULL")),
        sa.Column("target_account_id", Id, sa.ForeignKey("accounts.id", ondelete="CASCADE")),
        sa.Column("report_id", Id, sa.ForeignKey("reports.id", ondelete="CASCADE")),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_moderation_notes_target", "moderation_notes", ["target_account_id"])
    op.create_index("ix_moderation_notes_report", "moderation_notes", ["report_id"])


def downgrade() -> None:
    op.drop_table("moderation_notes")
    op.drop_table("account_warnings")
    op.drop_table("audit_log")
    op.drop_index("ix_accounts_silenced_at", "accounts")
    op.drop_index("ix_accounts_suspended_at", "accounts")
    op.drop_column("accounts", "disabled_at")
