"""OAuth 2 as Mastodon speaks it: the authorize page (sign in and consent), the
token and revoke endpoints, and RFC 8414 discovery.

The token and revoke endpoints answer in RFC 6749's error format
(``error`` + ``error_description``), which OAuth libraries parse; the authorize
page is HTML for a person.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from roost.accounts.actions import authenticate
from roost.api.entities.oauth import (
    AuthorizationServerMetadata,
    Error,
    OAuthError,
    Token,
    token_entity,
)
from roost.api.http import Ctx, Params, endpoint, json_response
from roost.errors import RateLimited
from roost.oauth.actions import (
    IssuedToken,
    check_authorization_request,
    do_create_authorization_code,
    do_exchange_code,
    do_issue_token,
    do_password_grant,
    do_revoke_token,
)
from roost.oauth.queries import (
    KNOWN_SCOPES,
    OOB_REDIRECT_URI,
    OAuthRejected,
    access_client,
    format_scopes,
    get_application_by_client_id,
)
from roost.runtime import Runtime

GRANT_TYPES = ("authorization_code", "password", "client_credentials")
CSRF_COOKIE = "roost_oauth_csrf"
# The request parameters the consent form carries through, and binds its CSRF token to.
CARRIED = ("client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method")
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_PAGE_HEADERS = {
    **_NO_STORE,
    "X-Frame-Options": "DENY",
    # No form-action: browsers apply it to the redirect after the form is sent,
    # which would block the hop to the app's redirect URI.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
}
# Password guessing through the API is slowed as on the web log-in form: a few
# attempts per name and more per address each minute, every attempt counted.
_templates = Environment(
    loader=PackageLoader("roost.api", "templates"), autoescape=select_autoescape(default=True)
)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def oauth_error(exc: OAuthRejected) -> Response:
    status = {"invalid_client": 401, "unauthorized_client": 403}.get(exc.code, 400)
    return json_response(OAuthError(exc.code, exc.message), status, headers=_NO_STORE)


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
    return ctx.params.get_str("client_id"), ctx.params.get_str("client_secret")


def _grant(ctx: Ctx, grant_type: str | None) -> IssuedToken:
    p: Params = ctx.params
    if grant_type not in GRANT_TYPES:
        raise OAuthRejected(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    app = access_client(ctx.rt, *_client_credentials(ctx))
    if grant_type == "client_credentials":
        return do_issue_token(ctx.rt, app, None, p.get_str("scope"))
    if grant_type == "password":
        username, password = p.get_str("username"), p.get_str("password")
        if not username or not password:
            raise OAuthRejected("invalid_request", "username and password are required.")
        return do_password_grant(
            ctx.rt, app, username, password, p.get_str("scope"), address=_address(ctx.request)
        )
    code = p.get_str("code")
    if not code:
        raise OAuthRejected("invalid_request", "The code parameter is missing.")
    return do_exchange_code(
        ctx.rt, app, code, p.get_str("redirect_uri"), p.get_str("code_verifier")
    )


@endpoint(response=Token)
def issue_token(ctx: Ctx) -> Response:
    try:
        token = _grant(ctx, ctx.params.get_str("grant_type"))
    except OAuthRejected as exc:
        return oauth_error(exc)
    except RateLimited as exc:
        return json_response(Error(exc.message), 429, headers=_NO_STORE)
    return json_response(token_entity(token), headers=_NO_STORE)


@endpoint(response=dict[str, str])
def revoke_token(ctx: Ctx) -> Response:
    try:
        app = access_client(ctx.rt, *_client_credentials(ctx))
        secret = ctx.params.get_str("token")
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
            code_challenge_methods_supported=["S256", "plain"],
            grant_types_supported=list(GRANT_TYPES),
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        )
    )


# --- The authorize page -------------------------------------------------------


@dataclass
class AuthorizeRequest:
    app: Any
    redirect_uri: str
    scopes: frozenset[str]
    carried: dict[str, str]


def _render(rt: Runtime, status: int, **context: Any) -> HTMLResponse:
    html = _templates.get_template("oauth_authorize.html").render(
        instance_title=rt.settings.instance_title, **context
    )
    return HTMLResponse(html, status_code=status, headers=_PAGE_HEADERS)


def _with_query(uri: str, values: dict[str, str]) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(values)}"


def _csrf_token(nonce: str, carried: dict[str, str]) -> str:
    """Keyed by the browser's cookie and bound to this exact request: a token from
    another form, another browser or altered parameters does not verify."""
    message = "\n".join(f"{k}={carried.get(k, '')}" for k in CARRIED)
    return hmac.new(nonce.encode(), message.encode(), hashlib.sha256).hexdigest()


def _parse(rt: Runtime, values: dict[str, str]) -> AuthorizeRequest | Response:
    """Problems with the client or redirect URI are shown here, never sent to an
    unverified URI; once the URI is trusted, other problems go back to the client."""
    app = get_application_by_client_id(rt, values.get("client_id", ""))
    if app is None:
        return _render(rt, 400, failure="Client authentication failed: unknown client.")
    try:
        redirect_uri, scopes = check_authorization_request(
            app, values.get("redirect_uri"), values.get("scope")
        )
    except OAuthRejected as exc:
        if exc.code in ("invalid_redirect_uri", "invalid_request"):
            return _render(rt, 400, failure=exc.message)
        return _error_redirect(rt, redirect_uri_of(values, app), exc.code, values)
    carried = {k: values[k] for k in CARRIED if values.get(k)}
    carried["redirect_uri"] = redirect_uri
    if values.get("response_type", "code") != "code":
        return _error_redirect(rt, redirect_uri, "unsupported_response_type", values)
    return AuthorizeRequest(app, redirect_uri, scopes, carried)


def redirect_uri_of(values: dict[str, str], app: Any) -> str:
    return values.get("redirect_uri") or app.redirect_uris.split("\n")[0]


def _error_redirect(rt: Runtime, redirect_uri: str, code: str, values: dict[str, str]) -> Response:
    if redirect_uri == OOB_REDIRECT_URI:
        return _render(rt, 400, failure=f"The request was refused ({code}).")
    query = {"error": code}
    if values.get("state"):
        query["state"] = values["state"]
    return RedirectResponse(_with_query(redirect_uri, query), status_code=302)


def _form(rt: Runtime, req: AuthorizeRequest, nonce: str, status: int, **extra: Any) -> Response:
    hidden = [*req.carried.items(), ("csrf", _csrf_token(nonce, req.carried))]
    response = _render(
        rt,
        status,
        app_name=req.app.name,
        app_website=req.app.website if (req.app.website or "").startswith("http") else None,
        scopes=format_scopes(req.scopes).split(),
        hidden=hidden,
        username=extra.pop("username", ""),
        **extra,
    )
    response.set_cookie(
        CSRF_COOKIE,
        nonce,
        path="/oauth/authorize",
        httponly=True,
        samesite="lax",
        secure=rt.settings.effective_base_url.startswith("https"),
    )
    return response


async def authorize_page(request: Request) -> Response:
    rt: Runtime = request.app.state.rt
    values = {k: request.query_params[k] for k in request.query_params}
    parsed = await run_in_threadpool(_parse, rt, values)
    if isinstance(parsed, Response):
        return parsed
    nonce = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    return _form(rt, parsed, nonce, 200)


async def authorize_submit(request: Request) -> Response:
    rt: Runtime = request.app.state.rt
    try:
        form = await request.form(max_files=0, max_fields=50)
    except Exception:  # malformed body: the client's fault
        return _render(rt, 400, failure="The form could not be read.")
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    nonce = request.cookies.get(CSRF_COOKIE)
    return await run_in_threadpool(_decide, rt, nonce, values, _address(request))


def _decide(rt: Runtime, nonce: str | None, values: dict[str, str], address: str) -> Response:
    parsed = _parse(rt, values)
    if isinstance(parsed, Response):
        return parsed
    expected = _csrf_token(nonce, parsed.carried) if nonce else ""
    if not nonce or not hmac.compare_digest(expected, values.get("csrf", "")):
        return _render(
            rt, 403, failure="This form has expired or did not come from this site. Try again."
        )
    if values.get("decision") == "deny":
        return _error_redirect(rt, parsed.redirect_uri, "access_denied", values)
    username = values.get("username", "")
    try:
        account_id = (
            authenticate(rt, username, values.get("password", ""), address=address)
            if username
            else None
        )
    except RateLimited as exc:
        return _form(rt, parsed, nonce, 429, error=exc.message, username=username)
    if account_id is None:
        return _form(
            rt, parsed, nonce, 401, error="Wrong username, email or password.", username=username
        )
    try:
        code = do_create_authorization_code(
            rt,
            parsed.app,
            account_id,
            parsed.redirect_uri,
            parsed.scopes,
            code_challenge=values.get("code_challenge"),
            code_challenge_method=values.get("code_challenge_method"),
        )
    except OAuthRejected as exc:
        return _error_redirect(rt, parsed.redirect_uri, exc.code, values)
    if parsed.redirect_uri == OOB_REDIRECT_URI:
        return _render(rt, 200, code=code, app_name=parsed.app.name)
    query = {"code": code}
    if values.get("state"):
        query["state"] = values["state"]
    return RedirectResponse(_with_query(parsed.redirect_uri, query), status_code=302)


routes = [
    Route("/oauth/authorize", authorize_page, methods=["GET"]),
    Route("/oauth/authorize", authorize_submit, methods=["POST"]),
    Route("/oauth/token", issue_token, methods=["POST"]),
    Route("/oauth/revoke", revoke_token, methods=["POST"]),
    Route("/.well-known/oauth-authorization-server", server_metadata, methods=["GET"]),
]
