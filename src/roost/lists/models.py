"""Lists and their members.

A membership row points at the follow that allows it (``follow_id``, deleted in
cascade with the follow, as Mastodon's ``list_accounts``): an unfollow removes the
account from the follower's lists in the unfollow's own transaction, without the
graph package knowing lists exist.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    false,
)

from roost.store.schema import Id, UTCDateTime, metadata

TITLE_MAX = 100
# Which replies reach a list timeline (Mastodon's ``replies_policy``).
REPLIES_POLICIES = ("followed", "list", "none")

lists = Table(
    "lists",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("replies_policy", String(16), nullable=False, default="list", server_default="list"),
    # Members' posts stay out of the owner's home timeline.
    Column("exclusive", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_lists_account", lists.c.account_id, lists.c.id)

list_accounts = Table(
    "list_accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("list_id", Id, ForeignKey("lists.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("follow_id", Id, ForeignKey("follows.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("list_id", "account_id", name="uq_list_accounts_pair"),
)
# Fan-out asks "which lists hold this author?" for every post.
Index("ix_list_accounts_account", list_accounts.c.account_id)
Index("ix_list_accounts_follow", list_accounts.c.follow_id)
