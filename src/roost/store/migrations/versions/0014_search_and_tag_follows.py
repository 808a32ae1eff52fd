"""full-text search index (post_search, post_fts on SQLite), tag_follows, featured_tags

SQLite gets an FTS5 virtual table ``post_fts`` (rowid = post ID; it keeps its own
copy of the words, so a post can be re-indexed after its text changed).
PostgreSQL gets ``post_search.document``, a tsvector under a GIN index. Both are
filled from the posts already there.

Revision ID: 0014
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

from roost.store.schema import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "post_search",
        sa.Column("post_id", _ID, autoincrement=False, nullable=False),
        sa.Column("has_link", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("has_poll", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("document", TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_post_search_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_post_search")),
    )
    if _postgres():
        op.create_index(
            "ix_post_search_document", "post_search", ["document"], postgresql_using="gin"
        )
        # Hashtag search matches the start of the name (``LIKE 'prefix%'``).
        op.create_index("ix_tags_name_prefix", "tags", [sa.text("lower(name) text_pattern_ops")])
        op.execute(
            "INSERT INTO post_search (post_id, has_link, document)"
            " SELECT id, text ~* 'https?://', to_tsvector('simple', text || ' ' || spoiler_text)"
            " FROM posts WHERE reblog_of_id IS NULL"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE post_fts"
            " USING fts5(body, tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "INSERT INTO post_search (post_id, has_link)"
            " SELECT id, text LIKE '%http://%' OR text LIKE '%https://%'"
            " FROM posts WHERE reblog_of_id IS NULL"
        )
        op.execute(
            "INSERT INTO post_fts (rowid, body) SELECT id, text || ' ' || spoiler_text"
            " FROM posts WHERE reblog_of_id IS NULL"
        )
    for name in ("tag_follows", "featured_tags"):
        op.create_table(
            name,
            sa.Column("id", _ID, autoincrement=False, nullable=False),
            sa.Column("account_id", _ID, nullable=False),
            sa.Column("tag_id", _ID, nullable=False),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["accounts.id"],
                name=op.f(f"fk_{name}_account_id_accounts"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["tag_id"],
                ["tags.id"],
                name=op.f(f"fk_{name}_tag_id_tags"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
            sa.UniqueConstraint("account_id", "tag_id", name=op.f(f"uq_{name}_pair")),
        )
    op.create_index("ix_tag_follows_tag", "tag_follows", ["tag_id", "account_id"])


def downgrade() -> None:
    op.drop_index("ix_tag_follows_tag", table_name="tag_follows")
    op.drop_table("featured_tags")
    op.drop_table("tag_follows")
    if _postgres():
        op.drop_index("ix_tags_name_prefix", table_name="tags")
    else:
        op.execute("DROP TABLE post_fts")
    op.drop_table("post_search")
