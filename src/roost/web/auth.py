"""Web sessions, CSRF tokens and the log-in rate limit.

A session is a signed cookie holding a CSRF token and, once signed in, a random
session ID whose row (``roost.accounts.sessions``) names the account. Every request
checks the row: logging out deletes it, so a copied cookie stops working too, and
"log out everywhere" and a password change delete all of the account's rows.

``SessionMiddleware`` runs for the whole application, so pages outside this
package (the OAuth consent page in ``roost.api``) can use the session without
importing the web front door. It leaves two keys in the ASGI scope:

- ``scope["roost.session"]``: the ``WebSession`` (``.account_id`` is the signed-in
  account, already checked against its session row, or None);
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

from roost.accounts.sessions import do_resume_web_session
from roost.config import Settings
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
    session_id: str | None = None
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

    def log_in(self, account_id: int, session_id: str) -> None:
        """``session_id``: from ``do_start_web_session``. A new CSRF token with every
        log-in: a token seen before it is worthless after."""
        self.account_id = account_id
        self.session_id = session_id
        self._csrf = secrets.token_urlsafe(32)
        self.changed = True

    def log_out(self) -> None:
        self.account_id = None
        self.session_id = None
        self._csrf = secrets.token_urlsafe(32)
        self.changed = True

    def dump(self) -> dict[str, Any]:
        return {"s": self.session_id, "c": self._csrf}


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
    """Reads the session cookie, drops it if its session has ended, writes it back if changed."""

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
            session_id = data.get("s")
            csrf = str(data["c"])
        except (AttributeError, BadSignature, KeyError, TypeError, ValueError):
            return WebSession(cleared=True)
        session = WebSession(account_id=None, _csrf=csrf)
        if isinstance(session_id, str) and session_id:
            rt: Runtime = scope["app"].state.rt
            account_id = await anyio.to_thread.run_sync(do_resume_web_session, rt, session_id)
            if account_id is not None:
                session.account_id = account_id
                session.session_id = session_id
            else:  # logged out (maybe elsewhere), password changed, or the account is gone
                session.log_out()
        elif "a" in data and data["a"] is not None:  # a cookie from before server-side sessions
            session.log_out()
        return session


def _cookie(scope: Scope, name: str) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for key, value in headers:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None
