"""Scheduled posts (0017). ``params`` holds what ``do_create_post`` will be given
(text, visibility, poll, ``media_ids``, ...), as Mastodon's ScheduledStatus.params."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Table

from roost.store.schema import Id, UTCDateTime, metadata

scheduled_posts = Table(
    "scheduled_posts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("scheduled_at", UTCDateTime, nullable=False),
    Column("params", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_scheduled_posts_account", scheduled_posts.c.account_id, scheduled_posts.c.id)
