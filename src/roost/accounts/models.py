"""The accounts table. Counters are denormalised and kept by the actions that change them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    func,
    true,
)

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
    # Full profiles (0017). ``note_html`` is the bio rendered when it was saved (NULL for
    # bios saved before 0017: rendered on read until the next save); ``fields`` holds
    # up to 4 {name, value, value_html}; ``default_*`` are Mastodon's ``source[...]``.
    Column("note_html", Text, nullable=True),
    Column("fields", JSON, nullable=True),
    Column("indexable", Boolean, nullable=False, default=True, server_default=true()),
    Column("hide_collections", Boolean, nullable=False, default=False, server_default=false()),
    Column(
        "default_privacy", String(10), nullable=False, default="public", server_default="public"
    ),
    Column("default_sensitive", Boolean, nullable=False, default=False, server_default=false()),
    Column("default_language", String(10), nullable=True),
    # owner, admin, moderator or user (0018): see ``roost.accounts.roles``.
    Column("role", String(10), nullable=False, default="user", server_default="user"),
    # Moderation (0019): a suspended account cannot sign in and is hidden; a silenced
    # ("limited") one is hidden from public timelines and from people who do not follow
    # it; a sensitized one has its media marked sensitive.
    Column("suspended_at", UTCDateTime, nullable=True),
    Column("silenced_at", UTCDateTime, nullable=True),
    Column("sensitized_at", UTCDateTime, nullable=True),
    # Log-in disabled by a moderator (0020), Mastodon's "disable": nothing hidden.
    Column("disabled_at", UTCDateTime, nullable=True),
    # Registrations (0019): ``approved`` is false while a sign-up waits for a moderator
    # in approval mode; ``registration_reason`` is the reason the person gave.
    Column("approved", Boolean, nullable=False, default=True, server_default=true()),
    Column("registration_reason", Text, nullable=True),
    Column("email_confirmed_at", UTCDateTime, nullable=True),
    # Deleted by its owner (0019): the row stays, emptied, so the username stays reserved.
    Column("deleted_at", UTCDateTime, nullable=True),
)
Index("uq_accounts_username_lower", func.lower(accounts.c.username), unique=True)
Index("uq_accounts_email_lower", func.lower(accounts.c.email), unique=True)
# Reads of posts leave out suspended and limited authors (``posts.visibility``): these
# find the few such accounts without a scan.
Index("ix_accounts_suspended_at", accounts.c.suspended_at)
Index("ix_accounts_silenced_at", accounts.c.silenced_at)

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

# Links sent by email (``roost.accounts.recovery``): confirming an address, resetting a
# password. Only the SHA-256 of the token is kept, so this table signs nobody in; a
# token is deleted when used (single use) and refused after ``expires_at``. ``email``
# is the address the link went to: a confirmation holds only while the account
# still has that address.
email_tokens = Table(
    "email_tokens",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),  # confirm, reset
    Column("email", String(254), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
Index("ix_email_tokens_account", email_tokens.c.account_id, email_tokens.c.purpose)
