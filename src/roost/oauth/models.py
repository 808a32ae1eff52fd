"""Applications and tokens. Secrets are stored as SHA-256 digests, never in the clear."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

applications = Table(
    "applications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("website", String(500), nullable=True),
    Column("redirect_uris", Text, nullable=False),
    Column("scopes", String(500), nullable=False),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("client_secret", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

authorization_codes = Table(
    "authorization_codes",
    metadata,
    Column("code_digest", String(64), primary_key=True),
    Column("application_id", Id, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scopes", String(500), nullable=False),
    Column("code_challenge", String(200), nullable=True),
    Column("code_challenge_method", String(10), nullable=True),
    Column("expires_at", UTCDateTime, nullable=False),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("application_id", Id, ForeignKey("applications.id", ondelete="CASCADE"), nullable=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
    Column("scopes", String(500), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    # The account's ``session_epoch`` when the token was issued: a password change or
    # "log out everywhere" bumps the epoch, and a token from an older one is dead.
    Column("account_epoch", Integer, nullable=True),
)
Index("ix_access_tokens_account", access_tokens.c.account_id)
