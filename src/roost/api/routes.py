"""Every API route, collected from the resource modules."""

from __future__ import annotations

from starlette.routing import BaseRoute

from roost.api import (
    accounts,
    apps,
    instance,
    marks,
    oauth,
    openapi,
    statuses,
    streaming,
    tags,
    timelines,
)


def api_routes() -> list[BaseRoute]:
    return [
        *statuses.routes,
        *timelines.routes,
        *marks.routes,
        *tags.routes,
        *instance.routes,
        *apps.routes,
        *accounts.routes,
        *oauth.routes,
        *openapi.routes,
        *streaming.routes,
    ]
