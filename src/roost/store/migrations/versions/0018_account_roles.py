"""account roles (owner, admin, moderator, user)

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("role", sa.String(10), nullable=False, server_default="user"),
    )


def downgrade() -> None:
    op.drop_column("accounts", "role")
