"""The accounts table. Counters are denormalised and kept by the actions that change them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, func

from roost.store.schema import Id, UTCDateTime, metadata

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("username", String(30), nullable=False),
    Column("email", String(254), nullable=True),
    Column("display_name", String(100), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("avatar", String(200), nullable=True),
    Column("header", String(200), nullable=True),
    Column("password_hash", String(200), nullable=True),
    Column("locked", Boolean, nullable=False, default=False),
    Column("bot", Boolean, nullable=False, default=False),
    Column("discoverable", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_status_at", UTCDateTime, nullable=True),
    Column("last_active_at", UTCDateTime, nullable=True),
    Column("followers_count", Integer, nullable=False, default=0),
    Column("following_count", Integer, nullable=False, default=0),
    Column("statuses_count", Integer, nullable=False, default=0),
    # Bumped by "log out everywhere" and password changes: sessions carry it.
    Column("session_epoch", Integer, nullable=False, default=0),
)
Index("uq_accounts_username_lower", func.lower(accounts.c.username), unique=True)
Index("uq_accounts_email_lower", func.lower(accounts.c.email), unique=True)

# A signed-in browser. The cookie carries a random session ID; only its SHA-256 is
# stored, so a copy of this table does not sign anyone in. Logging out deletes the row
# (a copied cookie stops working); a password change or "log out everywhere" deletes
# all of an account's rows.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("user_agent", String(200), nullable=False, default=""),
)
Index("ix_web_sessions_account", web_sessions.c.account_id)
