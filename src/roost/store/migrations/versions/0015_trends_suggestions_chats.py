"""trend_uses, suggestion_dismissals, chats and chat_questions

Revision ID: 0015
Revises: 0016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(
    table: str, column: str, referred: str, ondelete: str = "CASCADE"
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "trend_uses",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("post_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        _fk("trend_uses", "post_id", "posts"),
        _fk("trend_uses", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("kind", "key", "post_id", name=op.f("pk_trend_uses")),
    )
    op.create_index("ix_trend_uses_hour", "trend_uses", ["kind", "hour"])
    op.create_index("ix_trend_uses_key_hour", "trend_uses", ["kind", "key", "hour"])
    op.create_table(
        "suggestion_dismissals",
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("target_account_id", _ID, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("suggestion_dismissals", "account_id", "accounts"),
        _fk("suggestion_dismissals", "target_account_id", "accounts"),
        sa.PrimaryKeyConstraint(
            "account_id", "target_account_id", name=op.f("pk_suggestion_dismissals")
        ),
    )
    op.create_index("ix_accounts_followers_count", "accounts", ["followers_count"])
    op.create_table(
        "chats",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("chats", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
    )
    op.create_index("ix_chats_starts", "chats", ["starts_at"])
    op.create_table(
        "chat_questions",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("chat_id", _ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=400), nullable=False),
        sa.Column("post_at", UTCDateTime(), nullable=False),
        sa.Column("post_id", _ID, nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        _fk("chat_questions", "chat_id", "chats"),
        _fk("chat_questions", "post_id", "posts", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_questions")),
        sa.UniqueConstraint("chat_id", "number", name="uq_chat_questions_number"),
    )


def downgrade() -> None:
    op.drop_table("chat_questions")
    op.drop_index("ix_chats_starts", table_name="chats")
    op.drop_table("chats")
    op.drop_index("ix_accounts_followers_count", table_name="accounts")
    op.drop_table("suggestion_dismissals")
    op.drop_index("ix_trend_uses_key_hour", table_name="trend_uses")
    op.drop_index("ix_trend_uses_hour", table_name="trend_uses")
    op.drop_table("trend_uses")
