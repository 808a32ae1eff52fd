"""phones, sms_texts (the outbox) and sms_inbound (MessageSids acted on)

Revision ID: 0013
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sms_inbound",
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("from_number", sa.String(length=20), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("message_sid", name=op.f("pk_sms_inbound")),
    )
    op.create_table(
        "phones",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("verified_number", sa.String(length=20), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_sent_at", UTCDateTime(), nullable=True),
        sa.Column("code_attempts", sa.Integer(), nullable=False),
        sa.Column("texts_on", sa.Boolean(), nullable=False),
        sa.Column("stopped", sa.Boolean(), nullable=False),
        sa.Column("posts_on", sa.Boolean(), nullable=False),
        sa.Column("mentions_on", sa.Boolean(), nullable=False),
        sa.Column("dms_on", sa.Boolean(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("quiet_hold", sa.Boolean(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_phones_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phones")),
        sa.UniqueConstraint("account_id", name=op.f("uq_phones_account_id")),
        sa.UniqueConstraint("verified_number", name=op.f("uq_phones_verified_number")),
    )
    op.create_table(
        "sms_texts",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("to_number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("post_id", _ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("carrier_sid", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_sms_texts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_texts")),
        sa.UniqueConstraint("key", name=op.f("uq_sms_texts_key")),
    )
    op.create_index("ix_sms_texts_account", "sms_texts", ["account_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sms_texts_account", table_name="sms_texts")
    op.drop_table("sms_texts")
    op.drop_table("phones")
    op.drop_table("sms_inbound")
