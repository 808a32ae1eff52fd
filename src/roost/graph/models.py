"""The social graph: follows, follow requests, blocks and mutes (of people and of threads)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Table,
    UniqueConstraint,
    false,
    text,
    true,
)

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

# A block hides each from the other everywhere and refuses follows and interactions
# both ways (``roost.posts.visibility``); the blocked person is not told.
blocks = Table(
    "blocks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("target_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "target_account_id", name="uq_blocks_pair"),
)
# "Who blocks this author?": the other direction of the visibility rule.
Index("ix_blocks_target", blocks.c.target_account_id, blocks.c.account_id)

# A mute keeps the target's posts out of the muter's timelines (filtered at read time)
# and, with ``notifications``, their notifications too. An expired mute stops applying.
mutes = Table(
    "mutes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("target_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("notifications", Boolean, nullable=False, default=True, server_default=true()),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "target_account_id", name="uq_mutes_pair"),
)

# A muted thread (``posts.conversation_id``) tells its muter nothing more.
conversation_mutes = Table(
    "conversation_mutes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("conversation_id", Id, nullable=False),
    UniqueConstraint("account_id", "conversation_id", name="uq_conversation_mutes_pair"),
)
