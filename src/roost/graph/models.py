"""Follow edges. Blocks, mutes and follow requests join here in later issues."""

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
