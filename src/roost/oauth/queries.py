"""Looking up tokens and applications, and deciding what a token's scopes allow."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select

from roost.accounts.models import accounts
from roost.errors import RoostError
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
        "admin:read": "accounts reports",
        "admin:write": "accounts reports",
    }.items()
    for sub in subs.split()
)
KNOWN_SCOPES = TOP_SCOPES | SUB_SCOPES
OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"


class OAuthRejected(RoostError):
    """A request the OAuth protocol refuses; ``code`` is the RFC 6749 error code
    (``invalid_grant``, ``invalid_scope``, ...) that clients branch on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    id: int
    account_id: int | None
    application_id: int | None
    scopes: frozenset[str]
    # The account's sign-up waits for a moderator: the token exists (Mastodon gives
    # one at sign-up) but every call with it is refused with a message saying why.
    pending: bool = False


def scope_allows(granted: frozenset[str], required: str) -> bool:
    if required in granted:
        return True
    # admin:read:reports is within admin:read, as read:statuses is within read.
    top = required.rsplit(":", 1)[0] if required.startswith("admin:") else required.split(":")[0]
    if top in granted:
        return True
    return required in FOLLOW_SCOPES and "follow" in granted


def parse_scopes(raw: str | None, default: str = "read") -> frozenset[str]:
    return frozenset((raw or default).replace("+", " ").split())


def check_scopes(requested: frozenset[str], allowed: frozenset[str] | None = None) -> None:
    """Every requested scope must be one we know and, for a token, one the app was
    registered with (``read:statuses`` is within ``read``, not the other way round)."""
    unknown = sorted(requested - KNOWN_SCOPES)
    if unknown or not requested:
        raise OAuthRejected(
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed: " + " ".join(unknown),
        )
    if allowed is not None:
        outside = sorted(s for s in requested if not scope_allows(allowed, s))
        if outside:
            raise OAuthRejected(
                "invalid_scope",
                "The requested scope exceeds the application's scopes: " + " ".join(outside),
            )


def format_scopes(scopes: frozenset[str]) -> str:
    """Scopes in a stable order, the broad ones first, as Mastodon lists them."""
    return " ".join(sorted(scopes, key=lambda s: (":" in s, s)))


def live_token_clause() -> ColumnElement[bool]:
    """A token counts while it is not revoked and, if it acts for a person, was
    issued in their current session epoch (a password change or "log out
    everywhere" bumps it, in the same transaction). Needs ``accounts`` outer-joined.

    There is deliberately no per-process token cache: every request reads this
    from the database, so a revocation is honoured at once by every process in
    scale mode too (one indexed lookup plus a primary-key join per request)."""
    return and_(
        access_tokens.c.revoked_at.is_(None),
        or_(
            access_tokens.c.account_id.is_(None),
            accounts.c.session_epoch == access_tokens.c.account_epoch,
        ),
    )


_WITH_ACCOUNT = access_tokens.outerjoin(accounts, accounts.c.id == access_tokens.c.account_id)


def get_token(rt: Runtime, secret: str) -> TokenInfo | None:
    with rt.db.read() as conn:
        row = conn.execute(
            select(
                access_tokens.c.id,
                access_tokens.c.account_id,
                access_tokens.c.application_id,
                access_tokens.c.scopes,
                accounts.c.approved,
            )
            .select_from(_WITH_ACCOUNT)
            .where(access_tokens.c.token_digest == digest(secret), live_token_clause())
        ).first()
    if row is None:
        return None
    return TokenInfo(
        row.id,
        row.account_id,
        row.application_id,
        frozenset(row.scopes.split()),
        pending=row.approved is False,
    )


@dataclass(frozen=True)
class AuthorizedApp:
    """An app holding at least one live token for a person: the union of those
    tokens' scopes, when it was first authorised and when last."""

    id: int
    name: str
    website: str | None
    scopes: frozenset[str]
    created_at: datetime
    last_authorized_at: datetime


def get_authorized_apps(rt: Runtime, account_id: int) -> list[AuthorizedApp]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(
                applications.c.id,
                applications.c.name,
                applications.c.website,
                access_tokens.c.scopes,
                access_tokens.c.created_at,
            )
            .select_from(_WITH_ACCOUNT.join(applications))
            .where(access_tokens.c.account_id == account_id, live_token_clause())
            .order_by(access_tokens.c.created_at)
        ).all()
    found: dict[int, AuthorizedApp] = {}
    for row in rows:
        seen = found.get(row.id)
        scopes = frozenset(row.scopes.split()) | (seen.scopes if seen else frozenset())
        first = seen.created_at if seen else row.created_at
        found[row.id] = AuthorizedApp(row.id, row.name, row.website, scopes, first, row.created_at)
    return sorted(found.values(), key=lambda app: app.last_authorized_at, reverse=True)


def get_application_by_client_id(rt: Runtime, client_id: str) -> Row[Any] | None:
    with rt.db.read() as conn:
        return conn.execute(
            select(applications).where(applications.c.client_id == client_id)
        ).first()


def get_application(rt: Runtime, application_id: int) -> Row[Any] | None:
    with rt.db.read() as conn:
        return conn.execute(select(applications).where(applications.c.id == application_id)).first()


def redirect_uri_list(app: Row[Any]) -> list[str]:
    return [u for u in app.redirect_uris.split("\n") if u]


def access_client(rt: Runtime, client_id: str | None, client_secret: str | None) -> Row[Any]:
    """The application these client credentials belong to; the secret is compared
    by digest in constant time so timing does not reveal how much matched."""
    app = get_application_by_client_id(rt, client_id) if client_id else None
    if app is None or not client_secret:
        raise OAuthRejected(
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication"
            " included, or unsupported authentication method.",
        )
    if not hmac.compare_digest(app.client_secret, digest(client_secret)):
        raise OAuthRejected("invalid_client", "Client authentication failed.")
    return app
