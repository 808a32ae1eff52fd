"""The audit log table. It sits below accounts so that every action that changes
someone's standing (a role set by the operator, a suspension, a resolved report) can
write its row inside its own transaction."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    # Who acted; NULL for the operator's command line (``roost user role``).
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("action", String(40), nullable=False),
    # "account", "report" or "post"; the id has no foreign key, as a deleted post's
    # entry must outlive it, and ``target_label`` names it as it was (a username).
    Column("target_type", String(20), nullable=False),
    Column("target_id", Id, nullable=True),
    Column("target_label", String(100), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_audit_log_target", audit_log.c.target_type, audit_log.c.target_id)
