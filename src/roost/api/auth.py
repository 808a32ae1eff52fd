"""Who is asking: the bearer token, and whether it may call an endpoint.

Checked before the request body is read (``roost.api.http``), so a request
without a valid token costs a header lookup, not a parse of what it sent."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from roost.accounts.queries import PENDING_APPROVAL
from roost.api.errors import ApiError
from roost.oauth.queries import TokenInfo, get_token, scope_allows
from roost.runtime import Runtime

STREAMING_PREFIX = "/api/v1/streaming"


def authenticate(rt: Runtime, conn: HTTPConnection) -> TokenInfo | None:
    """The bearer token from the Authorization header or, on the streaming API only
    (as Mastodon: a browser's EventSource and WebSocket cannot set headers), the
    ``access_token`` query parameter or the Sec-WebSocket-Protocol header. Elsewhere
    a token in the URL is refused (401), not ignored, so a client learns at once:
    URLs end up in logs, browser history and Referer headers."""
    header = conn.headers.get("authorization", "")
    value = ""
    streaming = conn.url.path.startswith(STREAMING_PREFIX)
    if header[:7].lower() == "bearer ":
        value = header[7:].strip()
    elif "access_token" in conn.query_params:
        if not streaming:
            raise ApiError(401, "The access token must be sent in the Authorization header")
        value = conn.query_params["access_token"]
    elif conn.scope["type"] == "websocket":
        value = conn.headers.get("sec-websocket-protocol", "").split(",")[0].strip()
    if not value:
        return None
    token = get_token(rt, value)
    if token is None:
        raise ApiError(401, "The access token is invalid")
    if token.pending:
        raise ApiError(403, PENDING_APPROVAL)
    return token


def check_access(
    rt: Runtime, conn: HTTPConnection, *, scope: str | None, user: bool, auth: bool
) -> TokenInfo | None:
    """The request's token, if it may call an endpoint that needs ``scope`` (when a
    token is given, or always with ``auth``/``user``), a token (``auth``) or an
    account's token (``user``); otherwise the 401, 403 or 422 Mastodon answers."""
    token = authenticate(rt, conn)
    if token is None and (user or auth):
        raise ApiError(401, "The access token is invalid")
    if token is not None:
        if user and token.account_id is None:
            raise ApiError(422, "This method requires an authenticated user")
        if scope and not scope_allows(token.scopes, scope):
            raise ApiError(403, "This action is outside the authorized scopes")
    return token
