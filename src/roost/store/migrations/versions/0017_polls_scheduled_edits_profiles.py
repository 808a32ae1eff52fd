"""polls, scheduled posts, post edits and full profiles

Revision ID: 0017
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import Id, UTCDateTime

revision: str = "0017"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("note_html", sa.Text(), nullable=True))
    op.add_column("accounts", sa.Column("fields", sa.JSON(), nullable=True))
    op.add_column(
        "accounts",
        sa.Column("indexable", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "accounts",
        sa.Column("hide_collections", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "accounts",
        sa.Column("default_privacy", sa.String(10), nullable=False, server_default="public"),
    )
    op.add_column(
        "accounts",
        sa.Column("default_sensitive", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("accounts", sa.Column("default_language", sa.String(10), nullable=True))
    op.create_table(
        "polls",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column(
            "post_id",
            Id,
            sa.ForeignKey("posts.id", ondelete="CASCADE", name="fk_polls_post_id_posts"),
            nullable=False,
        ),
        sa.Column(
            "account_id",
            Id,
            sa.ForeignKey("accounts.id", ondelete="CASCADE", name="fk_polls_account_id_accounts"),
            nullable=False,
        ),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("tallies", sa.JSON(), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("hide_totals", sa.Boolean(), nullable=False),
        sa.Column("votes_count", sa.Integer(), nullable=False),
        sa.Column("voters_count", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_polls"),
    )
    op.create_index("uq_polls_post", "polls", ["post_id"], unique=True)
    op.create_table(
        "poll_votes",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column(
            "poll_id",
            Id,
            sa.ForeignKey("polls.id", ondelete="CASCADE", name="fk_poll_votes_poll_id_polls"),
            nullable=False,
        ),
        sa.Column(
            "account_id",
            Id,
            sa.ForeignKey(
                "accounts.id", ondelete="CASCADE", name="fk_poll_votes_account_id_accounts"
            ),
            nullable=False,
        ),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_poll_votes"),
        sa.UniqueConstraint("poll_id", "account_id", "choice", name="uq_poll_votes_choice"),
    )
    op.create_index("ix_poll_votes_account", "poll_votes", ["account_id", "poll_id"])
    op.create_table(
        "post_edits",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column(
            "post_id",
            Id,
            sa.ForeignKey("posts.id", ondelete="CASCADE", name="fk_post_edits_post_id_posts"),
            nullable=False,
        ),
        sa.Column(
            "account_id",
            Id,
            sa.ForeignKey(
                "accounts.id", ondelete="CASCADE", name="fk_post_edits_account_id_accounts"
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("spoiler_text", sa.String(500), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("poll_options", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_post_edits"),
    )
    op.create_index("ix_post_edits_post", "post_edits", ["post_id", "id"])
    op.create_table(
        "scheduled_posts",
        sa.Column("id", Id, primary_key=True, autoincrement=False),
        sa.Column(
            "account_id",
            Id,
            sa.ForeignKey(
                "accounts.id", ondelete="CASCADE", name="fk_scheduled_posts_account_id_accounts"
            ),
            nullable=False,
        ),
        sa.Column("scheduled_at", UTCDateTime(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_posts"),
    )
    op.create_index("ix_scheduled_posts_account", "scheduled_posts", ["account_id", "id"])


def downgrade() -> None:
    op.drop_table("scheduled_posts")
    op.drop_table("post_edits")
    op.drop_table("poll_votes")
    op.drop_table("polls")
    for name in (
        "default_language",
        "default_sensitive",
        "default_privacy",
        "hide_collections",
        "indexable",
        "fields",
        "note_html",
    ):
        op.drop_column("accounts", name)
