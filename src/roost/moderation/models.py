"""The reports table. A report names its reporter only for moderators: nothing that
the reported account can read joins on ``account_id``."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

reports = Table(
    "reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    # The reporter.
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("target_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # Post ids as strings, the form Mastodon's entity shows; checked when reported.
    Column("status_ids", JSON, nullable=False),
    Column("rule_ids", JSON, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("category", String(10), nullable=False),
    Column("forwarded", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Moderation state: who took it on, and when and by whom it was resolved.
    Column("assigned_account_id", Id, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("action_taken_at", UTCDateTime, nullable=True),
    Column("action_taken_by_account_id", Id, ForeignKey("accounts.id", ondelete="SET NULL")),
)
Index("ix_reports_target", reports.c.target_account_id)
Index("ix_reports_account", reports.c.account_id)
