"""The OAuth consent page (``/oauth/authorize``), part of the web app: it shares
the session (a signed-in person approves with one click, as on Mastodon), the
CSRF protection and the look of every other page. ``/oauth/token`` and friends
are API endpoints (``roost.api.oauth``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from roost.accounts.actions import authenticate
from roost.addresses import client_address
from roost.errors import Forbidden, RateLimited
from roost.oauth.actions import (
    check_authorization_request,
    check_code_challenge,
    do_create_authorization_code,
)
from roost.oauth.queries import (
    OOB_REDIRECT_URI,
    OAuthRejected,
    format_scopes,
    get_application_by_client_id,
)
from roost.web.page import Web, page

# The request parameters the consent form carries through to its submission.
CARRIED = ("client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method")
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}


@dataclass
class AuthorizeRequest:
    app: Any
    redirect_uri: str
    scopes: frozenset[str]
    carried: dict[str, str]


def _render(web: Web, status: int, **context: Any) -> Response:
    response = web.render("oauth_authorize.html", status, **context)
    response.headers.update(_NO_STORE)
    return response


def _with_query(uri: str, values: dict[str, str]) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode(values)}"


def _parse(web: Web, values: dict[str, str]) -> AuthorizeRequest | Response:
    """Problems with the client or redirect URI are shown here, never sent to an
    unverified URI; once the URI is trusted, other problems go back to the client."""
    app = get_application_by_client_id(web.rt, values.get("client_id", ""))
    if app is None:
        return _render(web, 400, failure="Client authentication failed: unknown client.")
    try:
        redirect_uri, scopes = check_authorization_request(
            app, values.get("redirect_uri"), values.get("scope")
        )
    except OAuthRejected as exc:
        if exc.code in ("invalid_redirect_uri", "invalid_request"):
            return _render(web, 400, failure=exc.message)
        fallback = values.get("redirect_uri") or app.redirect_uris.split("\n")[0]
        return _error_redirect(web, fallback, exc.code, values)
    carried = {k: values[k] for k in CARRIED if values.get(k)}
    carried["redirect_uri"] = redirect_uri
    if values.get("response_type", "code") != "code":
        return _error_redirect(web, redirect_uri, "unsupported_response_type", values)
    try:  # refused before the person is asked, not after they approve
        check_code_challenge(values.get("code_challenge"), values.get("code_challenge_method"))
    except OAuthRejected as exc:
        return _error_redirect(web, redirect_uri, exc.code, values)
    return AuthorizeRequest(app, redirect_uri, scopes, carried)


def _error_redirect(web: Web, redirect_uri: str, code: str, values: dict[str, str]) -> Response:
    if redirect_uri == OOB_REDIRECT_URI:
        return _render(web, 400, failure=f"The request was refused ({code}).")
    query = {"error": code}
    if values.get("state"):
        query["state"] = values["state"]
    return RedirectResponse(_with_query(redirect_uri, query), status_code=302)


def _form(web: Web, req: AuthorizeRequest, status: int = 200, **extra: Any) -> Response:
    website = req.app.website or ""
    return _render(
        web,
        status,
        app_name=req.app.name,
        app_website=website if website.startswith(("https://", "http://")) else None,
        scopes=format_scopes(req.scopes).split(),
        hidden=list(req.carried.items()),
        username=extra.pop("username", ""),
        **extra,
    )


@page()
def authorize_page(web: Web) -> Response:
    parsed = _parse(web, dict(web.request.query_params))
    return parsed if isinstance(parsed, Response) else _form(web, parsed)


@page()
def authorize_submit(web: Web) -> Response:
    """CSRF is checked by ``page()`` before this runs."""
    values = web.form
    parsed = _parse(web, values)
    if isinstance(parsed, Response):
        return parsed
    if values.get("decision") == "deny":
        return _error_redirect(web, parsed.redirect_uri, "access_denied", values)
    username = values.get("username", "").strip()
    account_id: int | None
    if username:
        address = client_address(web.request)
        try:
            account_id = authenticate(web.rt, username, values.get("password", ""), address=address)
        except RateLimited as exc:
            return _form(web, parsed, 429, error=exc.message, username=username)
        except Forbidden as exc:  # suspended, or log-in disabled by a moderator
            return _form(web, parsed, 403, error=exc.message, username=username)
    else:
        account_id = web.viewer_id  # approving as the person signed in here
    if account_id is None:
        error = "Wrong username, email or password."
        return _form(web, parsed, 401, error=error, username=username)
    try:
        code = do_create_authorization_code(
            web.rt,
            parsed.app,
            account_id,
            parsed.redirect_uri,
            parsed.scopes,
            code_challenge=values.get("code_challenge"),
            code_challenge_method=values.get("code_challenge_method"),
        )
    except OAuthRejected as exc:
        return _error_redirect(web, parsed.redirect_uri, exc.code, values)
    if parsed.redirect_uri == OOB_REDIRECT_URI:
        return _render(web, 200, code=code, app_name=parsed.app.name)
    query = {"code": code}
    if values.get("state"):
        query["state"] = values["state"]
    return RedirectResponse(_with_query(parsed.redirect_uri, query), status_code=302)


routes = [
    Route("/oauth/authorize", authorize_page, methods=["GET"]),
    Route("/oauth/authorize", authorize_submit, methods=["POST"]),
]
