"""Posts and their satellites.

A repost is a row with ``reblog_of_id`` set and no text, as in Mastodon, so a
timeline is a list of post IDs whatever each entry is.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from roost.store.schema import Id, UTCDateTime, metadata

VISIBILITIES = ("public", "unlisted", "private", "direct")

posts = Table(
    "posts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("content", Text, nullable=False, default=""),
    Column("spoiler_text", String(500), nullable=False, default=""),
    Column("sensitive", Boolean, nullable=False, default=False),
    Column("visibility", String(10), nullable=False, default="public"),
    Column("language", String(10), nullable=True),
    Column("in_reply_to_id", Id, ForeignKey("posts.id", ondelete="SET NULL"), nullable=True),
    Column("in_reply_to_account_id", Id, nullable=True),
    Column("reblog_of_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=True),
    Column("quote_of_id", Id, ForeignKey("posts.id", ondelete="SET NULL"), nullable=True),
    Column("application_id", Id, nullable=True),
    # The thread's first post: direct conversations are threads (NULL before 0002).
    Column("conversation_id", Id, nullable=True),
    # The circle the post is addressed to (``roost.circles``): no foreign key, on
    # purpose, so a deleted circle leaves its posts visible to their authors only.
    Column("circle_id", Id, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("edited_at", UTCDateTime, nullable=True),
    Column("replies_count", Integer, nullable=False, default=0),
    Column("reblogs_count", Integer, nullable=False, default=0),
    Column("favourites_count", Integer, nullable=False, default=0),
)
Index("ix_posts_account", posts.c.account_id, posts.c.id)
Index("ix_posts_reply", posts.c.in_reply_to_id)
Index("ix_posts_reblog", posts.c.reblog_of_id, posts.c.account_id)
Index("ix_posts_visibility", posts.c.visibility, posts.c.id)
Index("ix_posts_conversation", posts.c.conversation_id, posts.c.id)
Index("ix_posts_circle", posts.c.circle_id, posts.c.id)

mentions = Table(
    "mentions",
    metadata,
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("post_id", "account_id"),
)
Index("ix_mentions_account", mentions.c.account_id, mentions.c.post_id)

tags = Table(
    "tags",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("uq_tags_name_lower", func.lower(tags.c.name), unique=True)

post_tags = Table(
    "post_tags",
    metadata,
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("tag_id", Id, ForeignKey("tags.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("post_id", "tag_id"),
)
Index("ix_post_tags_tag", post_tags.c.tag_id, post_tags.c.post_id)

favourites = Table(
    "favourites",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "post_id", name="uq_favourites_pair"),
)
Index("ix_favourites_post", favourites.c.post_id, favourites.c.id)

bookmarks = Table(
    "bookmarks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "post_id", name="uq_bookmarks_pair"),
)

pins = Table(
    "pins",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("account_id", "post_id", name="uq_pins_pair"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "key"),
)

# The full-text index's side of a post (``roost.posts.search_index`` writes it in the
# post's own transaction; ``roost.search`` reads it). The flags answer ``has:link``
# and ``has:poll`` without reading other tables (polls set theirs when attached;
# ``has:media`` reads ``media_attachments``).
# ``document`` is PostgreSQL's tsvector (GIN-indexed); on SQLite it stays NULL and the
# words live in the FTS5 table ``post_fts`` (rowid = post ID), which the migration
# creates: a virtual table SQLAlchemy cannot declare.
post_search = Table(
    "post_search",
    metadata,
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("has_link", Boolean, nullable=False, default=False, server_default=false()),
    Column("has_poll", Boolean, nullable=False, default=False, server_default=false()),
    Column("document", TSVECTOR().with_variant(Text(), "sqlite"), nullable=True),
)
