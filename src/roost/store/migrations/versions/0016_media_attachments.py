"""media attachments

Revision ID: 0016
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "media_attachments",
        sa.Column("id", _ID, primary_key=True, autoincrement=False),
        sa.Column(
            "account_id",
            _ID,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("post_id", _ID, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=True),
        sa.Column("scheduled_id", _ID, nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("upload_name", sa.String(200), nullable=True),
        sa.Column("file_name", sa.String(200), nullable=True),
        sa.Column("preview_name", sa.String(200), nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("focus_x", sa.Float, nullable=False),
        sa.Column("focus_y", sa.Float, nullable=False),
        sa.Column("width", sa.Integer, nullable=True),
        sa.Column("height", sa.Integer, nullable=True),
        sa.Column("small_width", sa.Integer, nullable=True),
        sa.Column("small_height", sa.Integer, nullable=True),
        sa.Column("blurhash", sa.String(100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_media_attachments_post", "media_attachments", ["post_id", "position"])
    op.create_index("ix_media_attachments_account", "media_attachments", ["account_id", "id"])
    op.create_index("ix_media_attachments_scheduled", "media_attachments", ["scheduled_id"])


def downgrade() -> None:
    op.drop_table("media_attachments")
