"""account state for moderation, registrations and self-deletion

One migration for the columns several features of issue 14 read, so that they can be
built side by side: suspension, limits and sensitive marking (moderation), approval and
the sign-up reason (registrations), a confirmed address (email) and self-deletion.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name in ("suspended_at", "silenced_at", "sensitized_at"):
        op.add_column("accounts", sa.Column(name, UTCDateTime(), nullable=True))
    op.add_column(
        "accounts", sa.Column("approved", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("accounts", sa.Column("registration_reason", sa.Text(), nullable=True))
    for name in ("email_confirmed_at", "deleted_at"):
        op.add_column("accounts", sa.Column(name, UTCDateTime(), nullable=True))


def downgrade() -> None:
    for name in (
        "deleted_at",
        "email_confirmed_at",
        "registration_reason",
        "approved",
        "sensitized_at",
        "silenced_at",
        "suspended_at",
    ):
        op.drop_column("accounts", name)
