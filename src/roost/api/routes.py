"""Every API route, collected from the resource modules."""

from __future__ import annotations

from starlette.routing import BaseRoute

from roost.api import apps, instance, oauth


def api_routes() -> list[BaseRoute]:
    return [
        *instance.routes,
        *apps.routes,
        *oauth.routes,
    ]
