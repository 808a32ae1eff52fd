"""outbound mail (the outbox), email links (address confirmation, password reset) and
the opt-in notification digest

Accounts made before this revision never had a way to confirm their address, so
they are taken as confirmed (from their sign-up): turning on ``ROOST_SMTP_URL``,
which makes confirmation a condition of logging in, must not lock them out.

Revision ID: 0022
Revises: 0025 (was 0019; re-chained onto main's newest, 0025, when merging, so there is one head)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import Id, UTCDateTime

revision: str = "0022"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column("account_id", Id, sa.ForeignKey("accounts.id", ondelete="CASCADE")),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=True),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("message_id", sa.String(300), nullable=False),
        sa.Column("transport", sa.String(8), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_mail_messages_account", "mail_messages", ["account_id"])
    op.create_table(
        "email_tokens",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column(
            "account_id", Id, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_email_tokens_account", "email_tokens", ["account_id", "purpose"])
    op.create_table(
        "notification_digests",
        sa.Column(
            "account_id",
            Id,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_sent_at", UTCDateTime(), nullable=True),
    )
    op.execute(
        "UPDATE accounts SET email_confirmed_at = created_at WHERE email_confirmed_at IS NULL"
    )


def downgrade() -> None:
    op.drop_table("notification_digests")
    op.drop_table("email_tokens")
    op.drop_table("mail_messages")
