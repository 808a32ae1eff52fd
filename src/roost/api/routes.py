"""Every API route, collected from the resource modules."""

from __future__ import annotations

from starlette.routing import BaseRoute

from roost.api import (
    accounts,
    apps,
    audience,
    authorized_apps,
    chats,
    circles,
    conversations,
    filters,
    follow_requests,
    instance,
    lists,
    markers,
    marks,
    media,
    notifications,
    oauth,
    openapi,
    phone,
    search,
    statuses,
    streaming,
    suggestions,
    tags,
    timelines,
    trends,
)


def api_routes() -> list[BaseRoute]:
    return [
        *statuses.routes,
        *media.routes,
        *timelines.routes,
        *marks.routes,
        *notifications.routes,
        *conversations.routes,
        *markers.routes,
        *lists.routes,
        *circles.routes,
        *phone.routes,
        *filters.routes,
        *tags.routes,
        *search.routes,
        *trends.routes,
        *suggestions.routes,
        *chats.routes,
        *instance.routes,
        *apps.routes,
        *authorized_apps.routes,
        *accounts.routes,
        *follow_requests.routes,
        *audience.routes,
        *oauth.routes,
        *openapi.routes,
        *streaming.routes,
    ]
