"""Read markers, one per (account, timeline): ``home`` or ``notifications``."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, PrimaryKeyConstraint, String, Table

from roost.store.schema import Id, UTCDateTime, metadata

TIMELINES = ("home", "notifications")

markers = Table(
    "markers",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("timeline", String(20), nullable=False),
    Column("last_read_id", Id, nullable=False),
    Column("version", Integer, nullable=False, default=0),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "timeline"),
)
