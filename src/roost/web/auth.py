"""Web sessions, CSRF tokens and the log-in rate limit.

A session is a signed cookie (no server-side store) holding the account ID, the
account's ``session_epoch`` when it signed in, and a CSRF token. "Log out
everywhere" and a password change bump the epoch, so every older cookie stops
counting on its next request.

``SessionMiddleware`` runs for the whole application, so pages outside this
package (the OAuth consent page in ``roost.api``) can use the session without
importing the web front door. It leaves two keys in the ASGI scope:

- ``scope["roost.session"]``: the ``WebSession`` (``.account_id`` is the signed-in
  account, already checked against its epoch, or None);
- ``csrf_token(scope)`` / ``scope["roost.session"].csrf_token``: the token a form
  must send back in its ``csrf_token`` field; compare with ``check_csrf``.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost.accounts.queries import get_account
from roost.config import Settings
from roost.errors import NotFound
from roost.runtime import Runtime

COOKIE_NAME = "roost_session"
SESSION_DAYS = 30
SCOPE_KEY = "roost.session"
# Paths whose requests never need the session (and should not cost a database read).
_SESSIONLESS_PREFIXES = ("/static/", "/media/", "/api/")


def load_secret(settings: Settings) -> str:
    """The configured key, or one generated on first start and kept in the data folder
    (readable by the owner only) so sessions survive restarts."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


@dataclass
class WebSession:
    account_id: int | None = None
    epoch: int = 0
    _csrf: str = ""
    changed: bool = False
    cleared: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def csrf_token(self) -> str:
        """Created on first use, so responses that show no form set no cookie."""
        if not self._csrf:
            self._csrf = secrets.token_urlsafe(32)
            self.changed = True
        return self._csrf

    def log_in(self, account_id: int, epoch: int) -> None:
        """A new CSRF token with every log-in: a token seen before it is worthless after."""
        self.account_id = account_id
        self.epoch = epoch
        self._csrf = secrets.token_urlsafe(32)
        self.changed = True

    def log_out(self) -> None:
        self.account_id = None
        self.epoch = 0
        self._csrf = secrets.token_urlsafe(32)
        self.changed = True

    def dump(self) -> dict[str, Any]:
        return {"a": self.account_id, "e": self.epoch, "c": self._csrf}


def session_of(scope: Scope) -> WebSession:
    session = scope.get(SCOPE_KEY)
    if not isinstance(session, WebSession):  # outside the middleware (should not happen)
        session = WebSession()
        scope[SCOPE_KEY] = session
    return session


def check_csrf(scope: Scope, sent: str | None) -> bool:
    expected = session_of(scope)._csrf
    return bool(expected) and bool(sent) and hmac.compare_digest(expected, sent or "")


class SessionMiddleware:
    """Reads the session cookie, drops it if its epoch is stale, writes it back if changed."""

    def __init__(self, app: ASGIApp, *, secret: str, https: bool) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret, salt="roost.web.session")
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_SESSIONLESS_PREFIXES):
            await self.app(scope, receive, send)
            return
        session = await self._load(scope)
        scope[SCOPE_KEY] = session
        secure = self.https or scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and (session.changed or session.cleared):
                headers = MutableHeaders(scope=message)
                flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
                if session.changed:
                    value = self.serializer.dumps(session.dump())
                    headers.append(
                        "set-cookie",
                        f"{COOKIE_NAME}={value}; Max-Age={SESSION_DAYS * 86400}{flags}",
                    )
                else:
                    headers.append("set-cookie", f"{COOKIE_NAME}=; Max-Age=0{flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _load(self, scope: Scope) -> WebSession:
        raw = _cookie(scope, COOKIE_NAME)
        if not raw:
            return WebSession()
        try:
            data = self.serializer.loads(raw, max_age=SESSION_DAYS * 86400)
            account_id = data["a"]
            epoch = int(data["e"])
            csrf = str(data["c"])
        except (BadSignature, KeyError, TypeError, ValueError):
            return WebSession(cleared=True)
        session = WebSession(account_id=None, _csrf=csrf)
        if account_id is not None:
            rt: Runtime = scope["app"].state.rt
            current = await anyio.to_thread.run_sync(_current_epoch, rt, int(account_id))
            if current is not None and current == epoch:
                session.account_id = int(account_id)
                session.epoch = epoch
            else:  # logged out everywhere, password changed, or the account is gone
                session.log_out()
        return session


def _current_epoch(rt: Runtime, account_id: int) -> int | None:
    try:
        return int(get_account(rt, account_id).session_epoch)
    except NotFound:
        return None


def _cookie(scope: Scope, name: str) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for key, value in headers:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None
