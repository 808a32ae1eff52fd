"""Follow edges and follow requests. Blocks and mutes join here in later issues."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Table, UniqueConstraint, false, text

from roost.store.schema import Id, UTCDateTime, metadata

follows = Table(
    "follows",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("target_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # "Notify me when they post" (Mastodon's ``notify``): a ``status`` notification.
    Column("notify", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("account_id", "target_account_id", name="uq_follows_pair"),
)
Index("ix_follows_target", follows.c.target_account_id, follows.c.id)
# The few followers who asked to hear of every post, without reading all followers.
Index(
    "ix_follows_notify",
    follows.c.target_account_id,
    postgresql_where=text("notify"),
    sqlite_where=text("notify = 1"),
)

# A request to follow a locked account, waiting for its approval (Mastodon's
# ``follow_requests``). Authorizing turns it into a follow that keeps ``notify``.
follow_requests = Table(
    "follow_requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("target_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("notify", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "target_account_id", name="uq_follow_requests_pair"),
)
# The target's list of requests, paged by request id.
Index("ix_follow_requests_target", follow_requests.c.target_account_id, follow_requests.c.id)
