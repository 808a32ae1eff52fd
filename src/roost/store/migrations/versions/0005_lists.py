"""lists and list_accounts

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-25 17:34:06.796695
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "lists",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("replies_policy", sa.String(length=16), server_default="list", nullable=False),
        sa.Column("exclusive", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_lists_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lists")),
    )
    op.create_index("ix_lists_account", "lists", ["account_id", "id"], unique=False)
    op.create_table(
        "list_accounts",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("list_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("follow_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_list_accounts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follow_id"],
            ["follows.id"],
            name=op.f("fk_list_accounts_follow_id_follows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["lists.id"],
            name=op.f("fk_list_accounts_list_id_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_accounts")),
        sa.UniqueConstraint("list_id", "account_id", name="uq_list_accounts_pair"),
    )
    op.create_index("ix_list_accounts_account", "list_accounts", ["account_id"], unique=False)
    op.create_index("ix_list_accounts_follow", "list_accounts", ["follow_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_list_accounts_follow", table_name="list_accounts")
    op.drop_index("ix_list_accounts_account", table_name="list_accounts")
    op.drop_table("list_accounts")
    op.drop_index("ix_lists_account", table_name="lists")
    op.drop_table("lists")
