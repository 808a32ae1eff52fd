"""Invite links. ``uses`` counts sign-ups through the link; it is raised by a single
conditional UPDATE in the sign-up's transaction, so two people racing for the last
use cannot both get it."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from roost.store.schema import Id, UTCDateTime, metadata

invites = Table(
    "invites",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("code", String(16), nullable=False),
    # Who made it: their invites go when their account does.
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("max_uses", Integer, nullable=True),  # None: no limit
    Column("uses", Integer, nullable=False, default=0),
    Column("expires_at", UTCDateTime, nullable=True),  # None: never
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_invites_account", invites.c.account_id)
Index("uq_invites_code", invites.c.code, unique=True)
