"""Every change to applications, authorization codes and tokens.

Secrets (client secrets, codes, access tokens) are random, handed out once and
stored only as SHA-256 digests: a copy of the database does not let anyone act
as a user or an app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, insert, select, update

from roost.accounts.actions import authenticate
from roost.accounts.models import accounts
from roost.errors import Forbidden, ValidationFailed
from roost.ids import new_id
from roost.oauth.models import access_tokens, applications, authorization_codes
from roost.oauth.queries import (
    OOB_REDIRECT_URI,
    OAuthRejected,
    check_scopes,
    digest,
    format_scopes,
    parse_scopes,
    redirect_uri_list,
)
from roost.runtime import Runtime
from roost.store.schema import utcnow

CODE_LIFETIME = timedelta(minutes=10)
PKCE_METHODS = ("S256",)
# Schemes a browser would execute or render rather than hand to an app.
SCRIPT_SCHEMES = frozenset({"javascript", "data", "vbscript", "blob"})


@dataclass(frozen=True)
class NewApplication:
    row: Row[Any]
    client_secret: str


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    scopes: frozenset[str]
    created_at: datetime
    account_id: int | None


def check_redirect_uris(uris: list[str]) -> list[str]:
    """Absolute URIs (any scheme, so native apps can use their own) or the
    out-of-band URN; no fragments, which RFC 6749 forbids in redirection URIs."""
    cleaned = [u.strip() for u in uris if u.strip()]
    if not cleaned:
        raise ValidationFailed(
            "Redirect URI can't be blank", field="redirect_uris", code="ERR_BLANK"
        )
    for uri in cleaned:
        if uri == OOB_REDIRECT_URI:
            continue
        scheme, sep, rest = uri.partition(":")
        if not sep or not scheme or not rest or "#" in uri or any(c.isspace() for c in uri):
            raise ValidationFailed("Redirect URI must be an absolute URI", field="redirect_uris")
        if scheme.lower() in SCRIPT_SCHEMES:
            raise ValidationFailed("Redirect URI must not run code", field="redirect_uris")
        if len(uri) > 2000:
            raise ValidationFailed("Redirect URI is too long", field="redirect_uris")
    return cleaned


def do_create_application(
    rt: Runtime,
    name: str,
    redirect_uris: list[str],
    *,
    scopes: str | None = None,
    website: str | None = None,
) -> NewApplication:
    name = name.strip()
    if not name:
        raise ValidationFailed("Name can't be blank", field="client_name", code="ERR_BLANK")
    if len(name) > 200:
        raise ValidationFailed("Name is too long", field="client_name", code="ERR_TOO_LONG")
    if website and len(website) > 500:
        raise ValidationFailed("Website is too long", field="website", code="ERR_TOO_LONG")
    uris = check_redirect_uris(redirect_uris)
    requested = parse_scopes(scopes)
    try:
        check_scopes(requested)
    except OAuthRejected as exc:
        raise ValidationFailed(exc.message, field="scopes") from exc
    client_secret = secrets.token_urlsafe(32)
    values = {
        "id": new_id(),
        "name": name,
        "website": website or None,
        "redirect_uris": "\n".join(uris),
        "scopes": format_scopes(requested),
        "client_id": secrets.token_urlsafe(32),
        "client_secret": digest(client_secret),
        "created_at": utcnow(),
    }
    with rt.db.write() as tx:
        tx.conn.execute(insert(applications).values(**values))
        row = tx.conn.execute(select(applications).where(applications.c.id == values["id"])).one()
    return NewApplication(row, client_secret)


def _issue(
    rt: Runtime, app_id: int | None, account_id: int | None, scopes: frozenset[str]
) -> IssuedToken:
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with rt.db.write() as tx:
        tx.conn.execute(
            insert(access_tokens).values(
                id=new_id(),
                token_digest=digest(secret),
                application_id=app_id,
                account_id=account_id,
                scopes=format_scopes(scopes),
                created_at=now,
                # Read in the same statement, so a concurrent password change
                # either sees this token or makes it stale.
                account_epoch=select(accounts.c.session_epoch)
                .where(accounts.c.id == account_id)
                .scalar_subquery(),
            )
        )
    return IssuedToken(secret, scopes, now, account_id)


def do_issue_token(
    rt: Runtime, app: Row[Any], account_id: int | None, scope: str | None
) -> IssuedToken:
    """A token for the app (``account_id`` None: the client_credentials grant) or a user."""
    requested = parse_scopes(scope)
    check_scopes(requested, frozenset(app.scopes.split()))
    return _issue(rt, app.id, account_id, requested)


def do_password_grant(
    rt: Runtime,
    app: Row[Any],
    login: str,
    password: str,
    scope: str | None,
    *,
    address: str | None,
) -> IssuedToken:
    requested = parse_scopes(scope)
    check_scopes(requested, frozenset(app.scopes.split()))
    try:
        account_id = authenticate(rt, login, password, address=address)
    except Forbidden as exc:  # suspended, or log-in disabled by a moderator
        raise OAuthRejected("invalid_grant", exc.message) from exc
    if account_id is None:
        raise OAuthRejected(
            "invalid_grant",
            "The provided authorization grant is invalid, expired, revoked, does not match"
            " the redirection URI used in the authorization request, or was issued to another"
            " client.",
        )
    return _issue(rt, app.id, account_id, requested)


def do_register_token(
    rt: Runtime, app_id: int | None, account_id: int, scopes: frozenset[str]
) -> IssuedToken:
    """The token a new account receives at sign-up, with the signing-up app's scopes."""
    return _issue(rt, app_id, account_id, scopes)


def check_authorization_request(
    app: Row[Any], redirect_uri: str | None, scope: str | None
) -> tuple[str, frozenset[str]]:
    """The redirect URI must be one the app registered (with one registered, it may
    be left out); the scopes must be within the app's."""
    registered = redirect_uri_list(app)
    if not redirect_uri:
        if len(registered) != 1:
            raise OAuthRejected("invalid_request", "The redirect_uri parameter is missing.")
        redirect_uri = registered[0]
    if redirect_uri not in registered:
        raise OAuthRejected("invalid_redirect_uri", "The redirect uri included is not valid.")
    requested = parse_scopes(scope)
    check_scopes(requested, frozenset(app.scopes.split()))
    return redirect_uri, requested


def check_code_challenge(challenge: str | None, method: str | None) -> None:
    """PKCE is optional, but when used it must be S256: ``plain`` (also RFC 7636's
    default when no method is named) sends the verifier itself through the browser,
    where the interception PKCE guards against can read it."""
    if not challenge:
        return
    if (method or "plain") not in PKCE_METHODS:
        raise OAuthRejected("invalid_request", "The code challenge method must be S256.")
    if not 43 <= len(challenge) <= 128:
        raise OAuthRejected("invalid_request", "The code challenge is malformed.")


def do_create_authorization_code(
    rt: Runtime,
    app: Row[Any],
    account_id: int,
    redirect_uri: str,
    scopes: frozenset[str],
    *,
    code_challenge: str | None = None,
    code_challenge_method: str | None = None,
) -> str:
    check_code_challenge(code_challenge, code_challenge_method)
    if not code_challenge:
        code_challenge, code_challenge_method = None, None
    code = secrets.token_urlsafe(32)
    with rt.db.write() as tx:
        tx.conn.execute(
            insert(authorization_codes).values(
                code_digest=digest(code),
                application_id=app.id,
                account_id=account_id,
                redirect_uri=redirect_uri,
                scopes=format_scopes(scopes),
                code_challenge=code_challenge,
                code_challenge_method=code_challenge_method,
                expires_at=utcnow() + CODE_LIFETIME,
            )
        )
    return code


_INVALID_CODE = (
    "The provided authorization grant is invalid, expired, revoked, does not match the"
    " redirection URI used in the authorization request, or was issued to another client."
)


def do_exchange_code(
    rt: Runtime,
    app: Row[Any],
    code: str,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> IssuedToken:
    """Codes are single use: the row is deleted in the same transaction that reads
    it, so two concurrent exchanges cannot both succeed."""
    with rt.db.write() as tx:
        row = tx.conn.execute(
            select(authorization_codes).where(authorization_codes.c.code_digest == digest(code))
        ).first()
        if row is None:
            raise OAuthRejected("invalid_grant", _INVALID_CODE)
        gone = tx.conn.execute(
            delete(authorization_codes).where(authorization_codes.c.code_digest == row.code_digest)
        ).rowcount
    if not gone or row.application_id != app.id or row.expires_at < utcnow():
        raise OAuthRejected("invalid_grant", _INVALID_CODE)
    if redirect_uri != row.redirect_uri:
        # RFC 6749 §4.1.3: the exchange names the URI the authorization request used.
        raise OAuthRejected("invalid_grant", _INVALID_CODE)
    if not _pkce_matches(row.code_challenge, row.code_challenge_method, code_verifier):
        raise OAuthRejected("invalid_grant", "The code verifier does not match the challenge.")
    return _issue(rt, app.id, row.account_id, frozenset(row.scopes.split()))


def _pkce_matches(challenge: str | None, method: str | None, verifier: str | None) -> bool:
    if challenge is None:
        # A verifier without a challenge means the client believes PKCE is on; refuse.
        return verifier is None
    if not verifier:
        return False
    if method != "S256":  # a "plain" code stored before plain was refused
        return False
    hashed = hashlib.sha256(verifier.encode()).digest()
    computed = base64.urlsafe_b64encode(hashed).rstrip(b"=").decode()
    return hmac.compare_digest(computed.encode(), challenge.encode())


def do_revoke_token(rt: Runtime, app: Row[Any], secret: str) -> None:
    """Revoking an unknown token succeeds silently (RFC 7009); another app's token
    is refused, so one client cannot log a user out of another."""
    with rt.db.write() as tx:
        row = tx.conn.execute(
            select(access_tokens.c.id, access_tokens.c.application_id).where(
                access_tokens.c.token_digest == digest(secret)
            )
        ).first()
        if row is None:
            return
        if row.application_id != app.id:
            raise OAuthRejected(
                "unauthorized_client", "You are not authorized to revoke this token"
            )
        tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.id == row.id, access_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def do_revoke_authorized_app(rt: Runtime, account_id: int, application_id: int) -> bool:
    """A person withdraws an app's access: every token it holds for them is revoked.
    False when the app held none (nothing to revoke, or not theirs to see)."""
    with rt.db.write() as tx:
        revoked = tx.conn.execute(
            update(access_tokens)
            .where(
                access_tokens.c.account_id == account_id,
                access_tokens.c.application_id == application_id,
                access_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        ).rowcount
    return bool(revoked)


def do_revoke_account_tokens(rt: Runtime, account_id: int) -> None:
    """Log out everywhere, for the API: every token the account holds stops working."""
    with rt.db.write() as tx:
        tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.account_id == account_id, access_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
