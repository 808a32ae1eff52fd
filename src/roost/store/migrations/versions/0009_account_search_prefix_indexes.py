"""prefix indexes for account search (lower username and display name)

Account search matches the start of the lowercased username or display name. On
SQLite the query compares ranges, which a plain expression index serves (the
unique ``lower(username)`` index exists already). On PostgreSQL it uses ``LIKE
'prefix%'``, which only a ``text_pattern_ops`` index serves under a non-C
collation; that operator class is built in (no extension, no superuser).

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    ops = " text_pattern_ops" if _postgres() else ""
    if _postgres():
        op.create_index(
            "ix_accounts_username_prefix", "accounts", [sa.text(f"lower(username){ops}")]
        )
    op.create_index(
        "ix_accounts_display_name_prefix", "accounts", [sa.text(f"lower(display_name){ops}")]
    )


def downgrade() -> None:
    op.drop_index("ix_accounts_display_name_prefix", table_name="accounts")
    if _postgres():
        op.drop_index("ix_accounts_username_prefix", table_name="accounts")
