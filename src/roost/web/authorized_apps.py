"""The "Authorised apps" settings page: every app that holds a live token for the
viewer, what it may do, and a button that revokes all of that app's tokens (the
same action as ``POST /api/roost/v1/authorized_apps/{id}/revoke``)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.ids import parse_id
from roost.oauth.actions import do_revoke_authorized_app
from roost.oauth.queries import format_scopes, get_authorized_apps
from roost.web.page import Web, page


@page(login=True)
def apps_page(web: Web) -> Response:
    apps = get_authorized_apps(web.rt, web.me)
    return web.render(
        "authorized_apps.html",
        apps=[(app, format_scopes(app.scopes).split()) for app in apps],
        revoked=web.request.query_params.get("revoked", ""),
    )


@page(login=True)
def revoke_app(web: Web) -> Response:
    """CSRF is checked by ``page()``; an unknown or foreign app revokes nothing."""
    app_id = parse_id(web.request.path_params["id"])
    if app_id is not None:
        do_revoke_authorized_app(web.rt, web.me, app_id)
    return web.redirect("/settings/apps?revoked=1")


routes = [
    Route("/settings/apps", apps_page, methods=["GET"]),
    Route("/settings/apps/{id}/revoke", revoke_app, methods=["POST"]),
]
