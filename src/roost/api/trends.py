"""``/api/v1/trends``: tags, statuses and links whose use stands out right now
(``roost.trends.queries`` says how). Anyone may read them, as on Mastodon; statuses
are those the reader may see, without people they mute."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.statuses import Status, Tag, status_entities, tag_entity
from roost.api.entities.trends import TrendsLink, history_entities, link_entity
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.store.schema import utcnow
from roost.trends.queries import current_trends, trending_statuses


class TrendsPage(msgspec.Struct, kw_only=True):
    """Mastodon's defaults: 10 tags or links, 20 statuses; at most twice that."""

    limit: int | None = None
    offset: int = 0


def _bounds(ctx: Ctx, default: int) -> tuple[int, int]:
    page: TrendsPage = ctx.input
    limit = default if page.limit is None else page.limit
    return min(max(limit, 1), default * 2), max(page.offset, 0)


def _tags(ctx: Ctx) -> Response:
    limit, offset = _bounds(ctx, 10)
    found = current_trends(ctx.rt, "tag")[offset : offset + limit]
    result = []
    for trend in found:
        tag = tag_entity(ctx.rt, trend.name)
        tag.history = history_entities(trend.history)
        if ctx.viewer_id is not None:
            tag.following = False
        result.append(tag)
    return json_response(result)


@endpoint(response=list[Tag], request=TrendsPage)
def tags(ctx: Ctx) -> Response:
    return _tags(ctx)


@endpoint(response=list[Tag], request=TrendsPage)
def tags_alias(ctx: Ctx) -> Response:
    """``/api/v1/trends``: Mastodon's older name of ``/api/v1/trends/tags``."""
    return _tags(ctx)


@endpoint(response=list[Status], request=TrendsPage)
def statuses(ctx: Ctx) -> Response:
    limit, offset = _bounds(ctx, 20)
    views = trending_statuses(ctx.rt, ctx.viewer_id, utcnow(), limit=limit, offset=offset)
    return json_response(status_entities(ctx.rt, views))


@endpoint(response=list[TrendsLink], request=TrendsPage)
def links(ctx: Ctx) -> Response:
    limit, offset = _bounds(ctx, 10)
    found = current_trends(ctx.rt, "link")[offset : offset + limit]
    return json_response([link_entity(t) for t in found])


routes = [
    Route("/api/v1/trends", tags_alias, methods=["GET"]),
    Route("/api/v1/trends/tags", tags, methods=["GET"]),
    Route("/api/v1/trends/statuses", statuses, methods=["GET"]),
    Route("/api/v1/trends/links", links, methods=["GET"]),
]
