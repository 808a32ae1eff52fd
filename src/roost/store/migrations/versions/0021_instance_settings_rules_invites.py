"""instance settings, rules and invites (registrations)

Revision ID: 0021
Revises: 0023 (merged after 0023 landed on main; was 0019)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import Id, UTCDateTime

revision: str = "0021"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instance_settings",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "rules",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_rules_position", "rules", ["position"])
    op.create_table(
        "invites",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column(
            "account_id", Id, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_invites_account", "invites", ["account_id"])
    op.create_index("uq_invites_code", "invites", ["code"], unique=True)


def downgrade() -> None:
    op.drop_table("invites")
    op.drop_table("rules")
    op.drop_table("instance_settings")
