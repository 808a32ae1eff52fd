"""Notification tables.

A notification names its cause by (type, actor, post): at most one row per cause
and recipient (the unique index), so a job that runs twice, or a like, unlike and
like again, leaves one notification. The post's foreign key cascades, so a
deleted post takes its notifications with it. ``filtered`` rows wait in
notification requests (the recipient's policy held them back) instead of the list.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    func,
)

from roost.store.schema import Id, UTCDateTime, metadata

# Every type Mastodon 4.5 apps know that Roost creates (``poll``: a poll one voted in
# or wrote has ended; ``update``: a post one reposted was edited).
TYPES = (
    "mention",
    "status",
    "reblog",
    "favourite",
    "follow",
    "follow_request",
    "poll",
    "update",
    "quote",
)
# Mastodon groups these in /api/v2/notifications ("alice and 3 others liked your post").
GROUPABLE = ("favourite", "reblog", "follow")
# The recipient's policy may hold these back; the others come from their own choices.
FILTERABLE = ("mention", "reblog", "favourite", "follow", "follow_request", "quote")

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("from_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(20), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=True),
    Column("group_key", String(80), nullable=False),
    Column("filtered", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)
# Paging a person's list, newest first, by index.
Index(
    "ix_notifications_list",
    notifications.c.account_id,
    notifications.c.filtered,
    notifications.c.id,
)
# One notification per cause; COALESCE because NULLs are distinct in a unique index.
Index(
    "uq_notifications_cause",
    notifications.c.account_id,
    notifications.c.type,
    notifications.c.from_account_id,
    func.coalesce(notifications.c.post_id, 0),
    unique=True,
)
# The cascade from a deleted post, and grouping by post.
Index("ix_notifications_post", notifications.c.post_id)

notification_policies = Table(
    "notification_policies",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("for_not_following", String(10), nullable=False, default="accept"),
    Column("for_not_followers", String(10), nullable=False, default="accept"),
    Column("for_new_accounts", String(10), nullable=False, default="accept"),
    Column("for_private_mentions", String(10), nullable=False, default="filter"),
    Column("for_limited_accounts", String(10), nullable=False, default="filter"),
)

notification_requests = Table(
    "notification_requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("from_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("last_post_id", Id, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "from_account_id", name="uq_notification_requests_pair"),
)

# People whose notifications a recipient accepted once: never filtered again.
notification_permissions = Table(
    "notification_permissions",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("from_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("account_id", "from_account_id"),
)


# People who asked for a daily email of their unread notifications
# (``roost.notifications.digest``): a row while opted in, with when the last went out.
notification_digests = Table(
    "notification_digests",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_sent_at", UTCDateTime, nullable=True),
)
