"""``/api/v1/apps``: clients register themselves before any user signs in."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.oauth import (
    Application,
    CredentialApplication,
    application_entity,
    credential_application_entity,
)
from roost.api.http import ApiError, Ctx, endpoint, json_response, rate_key
from roost.oauth.actions import do_create_application
from roost.oauth.queries import get_application
from roost.store.ratelimit import RateRule

# Mastodon counts app registration in its general 300 per 5 minutes per address;
# an app registers once, so Roost allows fewer.
APPS_RULE = RateRule("apps", 30, 30 * 60, per="address")


@endpoint(response=CredentialApplication, limit=APPS_RULE)
def create_app(ctx: Ctx) -> Response:
    """Anyone may register an app; the secret is shown here and never again."""
    ctx.rt.limiter.enforce(APPS_RULE, rate_key(ctx, APPS_RULE))
    p = ctx.params
    name = p.get_required("client_name")
    redirect_uris = p.get_list("redirect_uris")
    if len(redirect_uris) == 1:
        # A single string may hold several URIs, one per line (Mastodon's form field).
        redirect_uris = redirect_uris[0].splitlines()
    if not redirect_uris:
        p.get_required("redirect_uris")
    scopes = p.values.get("scopes")
    if isinstance(scopes, list):
        scopes = " ".join(str(s) for s in scopes)
    elif scopes is not None and not isinstance(scopes, str):
        raise ApiError(422, "Validation failed: scopes must be a string")
    created = do_create_application(
        ctx.rt, name, redirect_uris, scopes=scopes or None, website=p.get_str("website")
    )
    return json_response(credential_application_entity(created.row, created.client_secret))


@endpoint(auth=True, response=Application)
def verify_app_credentials(ctx: Ctx) -> Response:
    assert ctx.token is not None
    app = get_application(ctx.rt, ctx.token.application_id) if ctx.token.application_id else None
    if app is None:
        raise ApiError(401, "The access token is invalid")
    return json_response(application_entity(app))


routes = [
    Route("/api/v1/apps", create_app, methods=["POST"]),
    Route("/api/v1/apps/verify_credentials", verify_app_credentials, methods=["GET"]),
]
