"""``/api/roost/v1/authorized_apps``: the apps that can act for you, and taking
that back (Roost's own API; Mastodon offers this only as a web page).

Listing needs ``read:accounts``; revoking needs ``write:accounts``, as it changes
who may act for the account."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.oauth import AuthorizedApp, authorized_app_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.oauth.actions import do_revoke_authorized_app
from roost.oauth.queries import get_authorized_apps


@endpoint(scope="read:accounts", user=True, response=list[AuthorizedApp])
def index(ctx: Ctx) -> Response:
    apps = get_authorized_apps(ctx.rt, ctx.account_id)
    return json_response([authorized_app_entity(app) for app in apps])


@endpoint(scope="write:accounts", user=True, response=dict[str, str])
def revoke(ctx: Ctx) -> Response:
    """Revokes every token the app holds for this person, the calling token too
    if it is the app's own."""
    if not do_revoke_authorized_app(ctx.rt, ctx.account_id, ctx.path_id()):
        raise ApiError(404, "Record not found")
    return json_response({})


routes = [
    Route("/api/roost/v1/authorized_apps", index, methods=["GET"]),
    Route("/api/roost/v1/authorized_apps/{id}/revoke", revoke, methods=["POST"]),
]
