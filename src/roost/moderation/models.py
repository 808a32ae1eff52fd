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

# What a moderator told a person, and why (Mastodon's AccountWarning): the person reads
# their own at /settings/warnings; ``action`` is what was done with it (none,
# sensitive, disable, silence, suspend, delete_statuses).
account_warnings = Table(
    "account_warnings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("actor_account_id", Id, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("action", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("report_id", Id, ForeignKey("reports.id", ondelete="SET NULL")),
    Column("status_ids", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_account_warnings_account", account_warnings.c.account_id)

# Notes staff keep for each other, about an account or on a report (a resolving note):
# never shown to the account.
moderation_notes = Table(
    "moderation_notes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("target_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE")),
    Column("report_id", Id, ForeignKey("reports.id", ondelete="CASCADE")),
    Column("content", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_moderation_notes_target", moderation_notes.c.target_account_id)
Index("ix_moderation_notes_report", moderation_notes.c.report_id)
