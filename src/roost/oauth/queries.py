"""Looking up tokens and applications, and deciding what a token's scopes allow."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select

from roost.oauth.models import access_tokens, applications
from roost.runtime import Runtime

# Mastodon's legacy "follow" scope stands for these.
FOLLOW_SCOPES = frozenset(
    {"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"}
)
TOP_SCOPES = frozenset({"read", "write", "follow", "push", "profile", "admin:read", "admin:write"})
SUB_SCOPES = frozenset(
    f"{top}:{sub}"
    for top, subs in {
        "read": "accounts blocks bookmarks favourites filters follows lists mutes notifications"
        " search statuses",
        "write": "accounts blocks bookmarks conversations favourites filters follows lists media"
        " mutes notifications reports statuses",
    }.items()
    for sub in subs.split()
)
KNOWN_SCOPES = TOP_SCOPES | SUB_SCOPES


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    id: int
    account_id: int | None
    application_id: int | None
    scopes: frozenset[str]


def scope_allows(granted: frozenset[str], required: str) -> bool:
    if required in granted:
        return True
    top = required.split(":", 1)[0]
    if top in granted:
        return True
    return required in FOLLOW_SCOPES and "follow" in granted


def parse_scopes(raw: str | None, default: str = "read") -> frozenset[str]:
    return frozenset((raw or default).replace("+", " ").split())


def get_token(rt: Runtime, secret: str) -> TokenInfo | None:
    with rt.db.read() as conn:
        row = conn.execute(
            select(
                access_tokens.c.id,
                access_tokens.c.account_id,
                access_tokens.c.application_id,
                access_tokens.c.scopes,
            ).where(
                access_tokens.c.token_digest == digest(secret), access_tokens.c.revoked_at.is_(None)
            )
        ).first()
    if row is None:
        return None
    return TokenInfo(row.id, row.account_id, row.application_id, frozenset(row.scopes.split()))


def get_application_by_client_id(rt: Runtime, client_id: str) -> Row[Any] | None:
    with rt.db.read() as conn:
        return conn.execute(
            select(applications).where(applications.c.client_id == client_id)
        ).first()


def get_application(rt: Runtime, application_id: int) -> Row[Any] | None:
    with rt.db.read() as conn:
        return conn.execute(select(applications).where(applications.c.id == application_id)).first()
