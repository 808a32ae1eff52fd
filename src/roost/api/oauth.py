"""OAuth 2 as Mastodon speaks it: the token and revoke endpoints and RFC 8414
discovery. (The authorize page, HTML for a person, is part of the web app:
``roost.web.oauth``.)

The token and revoke endpoints answer in RFC 6749's error format
(``error`` + ``error_description``), which OAuth libraries parse.
"""

from __future__ import annotations

import base64
import binascii

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.addresses import client_address
from roost.api.entities.oauth import (
    AuthorizationServerMetadata,
    Error,
    OAuthError,
    Token,
    token_entity,
)
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.errors import RateLimited
from roost.oauth.actions import (
    IssuedToken,
    do_exchange_code,
    do_issue_token,
    do_password_grant,
    do_revoke_token,
)
from roost.oauth.queries import (
    KNOWN_SCOPES,
    OAuthRejected,
    access_client,
    format_scopes,
)

GRANT_TYPES = ("authorization_code", "password", "client_credentials")
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(exc: OAuthRejected) -> Response:
    status = {"invalid_client": 401, "unauthorized_client": 403}.get(exc.code, 400)
    return json_response(OAuthError(exc.code, exc.message), status, headers=_NO_STORE)


class TokenRequest(msgspec.Struct, kw_only=True):
    """``POST /oauth/token`` (RFC 6749): which fields count depends on ``grant_type``;
    the client may authenticate with HTTP Basic instead of ``client_id``/``client_secret``."""

    grant_type: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    username: str | None = None
    password: str | None = None
    code: str | None = None
    redirect_uri: str | None = None
    code_verifier: str | None = None


class RevokeRequest(msgspec.Struct, kw_only=True):
    """``POST /oauth/revoke`` (RFC 7009)."""

    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


def _client_credentials(ctx: Ctx) -> tuple[str | None, str | None]:
    """HTTP Basic (``client_secret_basic``) or the body (``client_secret_post``)."""
    header = ctx.request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthRejected("invalid_client", "Client authentication failed.") from None
        client_id, _, client_secret = decoded.partition(":")
        return client_id, client_secret
    return ctx.input.client_id, ctx.input.client_secret


def _grant(ctx: Ctx, grant_type: str | None) -> IssuedToken:
    p: TokenRequest = ctx.input
    if grant_type not in GRANT_TYPES:
        raise OAuthRejected(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    app = access_client(ctx.rt, *_client_credentials(ctx))
    if grant_type == "client_credentials":
        return do_issue_token(ctx.rt, app, None, p.scope)
    if grant_type == "password":
        username, password = p.username, p.password
        if not username or not password:
            raise OAuthRejected("invalid_request", "username and password are required.")
        return do_password_grant(
            ctx.rt, app, username, password, p.scope, address=client_address(ctx.request)
        )
    code = p.code
    if not code:
        raise OAuthRejected("invalid_request", "The code parameter is missing.")
    return do_exchange_code(ctx.rt, app, code, p.redirect_uri, p.code_verifier)


@endpoint(response=Token, request=TokenRequest)
def issue_token(ctx: Ctx) -> Response:
    try:
        token = _grant(ctx, ctx.input.grant_type)
    except OAuthRejected as exc:
        return oauth_error(exc)
    except RateLimited as exc:
        return json_response(Error(exc.message), 429, headers=_NO_STORE)
    return json_response(token_entity(token), headers=_NO_STORE)


@endpoint(response=dict[str, str], request=RevokeRequest)
def revoke_token(ctx: Ctx) -> Response:
    try:
        app = access_client(ctx.rt, *_client_credentials(ctx))
        secret = ctx.input.token
        if not secret:
            raise OAuthRejected("invalid_request", "The token parameter is missing.")
        do_revoke_token(ctx.rt, app, secret)
    except OAuthRejected as exc:
        return oauth_error(exc)
    return json_response({})


@endpoint(response=AuthorizationServerMetadata)
def server_metadata(ctx: Ctx) -> Response:
    base = ctx.rt.settings.effective_base_url
    return json_response(
        AuthorizationServerMetadata(
            issuer=f"{base}/",
            service_documentation="https://docs.joinmastodon.org/",
            authorization_endpoint=f"{base}/oauth/authorize",
            token_endpoint=f"{base}/oauth/token",
            app_registration_endpoint=f"{base}/api/v1/apps",
            revocation_endpoint=f"{base}/oauth/revoke",
            scopes_supported=format_scopes(KNOWN_SCOPES).split(),
            response_types_supported=["code"],
            response_modes_supported=["query"],
            code_challenge_methods_supported=["S256"],
            grant_types_supported=list(GRANT_TYPES),
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        )
    )


routes = [
    Route("/oauth/token", issue_token, methods=["POST"]),
    Route("/oauth/revoke", revoke_token, methods=["POST"]),
    Route("/.well-known/oauth-authorization-server", server_metadata, methods=["GET"]),
]
