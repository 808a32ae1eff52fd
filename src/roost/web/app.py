"""Assembles the web app: its routes (mounted after the API's by ``roost.app``) and
the middleware that applies to every response (sessions, security headers).

The templates are in ``roost/web/templates``; ``base.html`` is meant to be
extended by pages outside this package too (the OAuth consent page): it needs
only ``title`` and a ``main`` block, and reads ``viewer`` and ``csrf_token`` if
given.
"""

from __future__ import annotations

from pathlib import Path

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from roost.config import Settings
from roost.web import (
    account_deletion,
    accounts,
    admin_accounts,
    archive,
    audience,
    authorized_apps,
    chats,
    circles,
    discovery,
    edits,
    filters,
    follow_requests,
    instance,
    lists,
    live,
    messages,
    moderation,
    notifications,
    oauth,
    outbox,
    phone,
    polls,
    posts,
    profile_settings,
    profiles,
    recovery,
    registrations,
    reports,
    scheduled,
    search,
    timelines,
    unread,
    warnings,
)
from roost.web.auth import SessionMiddleware, load_secret

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"


def web_routes() -> list[BaseRoute]:
    return [
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        *live.routes,
        *unread.routes,
        *notifications.routes,
        *messages.routes,
        *filters.routes,
        *accounts.routes,
        *recovery.routes,
        *outbox.routes,
        *profile_settings.routes,
        *account_deletion.routes,
        *archive.routes,
        *follow_requests.routes,
        *audience.routes,
        *authorized_apps.routes,
        *oauth.routes,
        *timelines.routes,
        *discovery.routes,
        *chats.routes,
        *lists.routes,
        *circles.routes,
        *search.routes,
        *phone.routes,
        *polls.routes,
        *scheduled.routes,
        *edits.routes,  # /posts/<id>/edit before /posts/<id>/<action>
        *moderation.routes,
        *admin_accounts.routes,
        *warnings.routes,
        *instance.routes,
        *registrations.routes,
        *reports.routes,  # /@user/report before the profile tabs /@user/<tab>
        *posts.routes,  # /@user/<id> before the profile tabs /@user/<tab>
        *profiles.routes,
    ]


def web_middleware(settings: Settings) -> list[Middleware]:
    https = settings.effective_base_url.startswith("https://")
    return [
        Middleware(
            SecurityHeadersMiddleware,
            media_origin=_media_origin(settings),
            https=https,
        ),
        Middleware(SessionMiddleware, secret=load_secret(settings), https=https),
    ]


HSTS = b"max-age=31536000; includeSubDomains"


def _media_origin(settings: Settings) -> str:
    """Where pictures are served from: this site, or the S3 bucket's public URL."""
    if settings.s3_bucket:
        return _origin(settings.s3_public_url or settings.s3_endpoint or "https://s3.amazonaws.com")
    return _origin(settings.effective_base_url)


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy on every HTML page: scripts only from our own
    files (no inline script can run even if some markup slipped through), no
    framing, no plug-ins. When the site is served over HTTPS (``ROOST_BASE_URL``),
    every response also carries HSTS, so a browser never again tries plain HTTP,
    where a network attacker could strip TLS and read the session cookie."""

    def __init__(self, app: ASGIApp, *, media_origin: str, https: bool = False) -> None:
        self.app = app
        self.https = https
        self.csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data: {media_origin}; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _v in headers}
                content_type = next((v for k, v in headers if k == b"content-type"), b"")
                wanted = [(b"x-content-type-options", b"nosniff")]
                if self.https:
                    wanted.append((b"strict-transport-security", HSTS))
                if content_type.startswith(b"text/html"):
                    wanted += [
                        (b"content-security-policy", self.csp),
                        (b"x-frame-options", b"DENY"),
                        (b"referrer-policy", b"same-origin"),
                    ]
                # A page that sets its own policy (the OAuth consent page) keeps it.
                headers += [(k, v) for k, v in wanted if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
