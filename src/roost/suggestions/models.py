"""Dismissed suggestions, and the index the fallback ("popular here") reads."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, PrimaryKeyConstraint, Table

from roost.accounts.models import accounts
from roost.store.schema import Id, UTCDateTime, metadata

# "Don't suggest this person again" (Mastodon's DELETE /api/v1/suggestions/:id).
suggestion_dismissals = Table(
    "suggestion_dismissals",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("target_account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "target_account_id"),
)

# The most followed accounts first, for people who follow nobody yet: the query walks
# this index from the top and stops at the page's end instead of sorting every account.
# Declared here, beside its only reader, on the accounts table.
Index("ix_accounts_followers_count", accounts.c.followers_count)
