"""``/api/v1/apps``: clients register themselves before any user signs in."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.oauth import (
    Application,
    CredentialApplication,
    application_entity,
    credential_application_entity,
)
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint, rate_key
from roost.api.responses import json_response
from roost.errors import ValidationFailed
from roost.oauth.actions import do_create_application
from roost.oauth.queries import get_application
from roost.store.ratelimit import RateRule

# Mastodon counts app registration in its general 300 per 5 minutes per address;
# an app registers once, so Roost allows fewer.
APPS_RULE = RateRule("apps", 30, 30 * 60, per="address")


class NewApp(msgspec.Struct, kw_only=True):
    """``redirect_uris``: a list, or one string with a URI per line (Mastodon's form
    field); ``scopes``: space-separated, or a list."""

    client_name: str = ""
    redirect_uris: list[str] = []
    scopes: str | list[str] | None = None
    website: str | None = None


def _required(name: str, value: object) -> None:
    if not value:
        raise ValidationFailed(f"{name} can't be blank", field=name, code="ERR_BLANK")


@endpoint(response=CredentialApplication, request=NewApp, limit=APPS_RULE)
def create_app(ctx: Ctx) -> Response:
    """Anyone may register an app; the secret is shown here and never again."""
    ctx.rt.limiter.enforce(APPS_RULE, rate_key(ctx, APPS_RULE))
    form: NewApp = ctx.input
    _required("client_name", form.client_name)
    redirect_uris = form.redirect_uris
    if len(redirect_uris) == 1:
        # A single string may hold several URIs, one per line (Mastodon's form field).
        redirect_uris = redirect_uris[0].splitlines()
    _required("redirect_uris", redirect_uris)
    scopes = " ".join(form.scopes) if isinstance(form.scopes, list) else form.scopes
    created = do_create_application(
        ctx.rt, form.client_name, redirect_uris, scopes=scopes or None, website=form.website
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
