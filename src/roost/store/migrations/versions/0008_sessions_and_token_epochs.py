"""access_tokens.account_epoch (tokens die with a password change or "log out everywhere")

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("access_tokens", sa.Column("account_epoch", sa.Integer(), nullable=True))
    # Tokens issued before this revision belong to the account's current epoch.
    op.execute(
        "UPDATE access_tokens SET account_epoch = (SELECT session_epoch FROM accounts"
        " WHERE accounts.id = access_tokens.account_id) WHERE account_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("access_tokens", "account_epoch")
