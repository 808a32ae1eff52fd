"""Hashtags people follow (their public posts come into the follower's home timeline)
and hashtags people feature on their profile."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Table, UniqueConstraint

from roost.store.schema import Id, UTCDateTime, metadata

tag_follows = Table(
    "tag_follows",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("tag_id", Id, ForeignKey("tags.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "tag_id", name="uq_tag_follows_pair"),
)
# Fan-out asks "who follows these tags?"
Index("ix_tag_follows_tag", tag_follows.c.tag_id, tag_follows.c.account_id)

featured_tags = Table(
    "featured_tags",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("tag_id", Id, ForeignKey("tags.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "tag_id", name="uq_featured_tags_pair"),
)
