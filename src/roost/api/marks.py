"""``/api/v1/bookmarks`` and ``/api/v1/favourites``: the viewer's marked posts, newest
mark first. The page cursor is the mark's ID, not the post's (as in Mastodon), so
the Link header is the only way to page: clients must not build ``max_id`` from a
status ID here."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.statuses import Status, status_entities
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.posts.queries import marked_statuses


def _marked(ctx: Ctx, kind: str) -> Response:
    page = read_page(ctx.input)
    marked = marked_statuses(ctx.rt, ctx.account_id, kind, page)
    return json_response(
        status_entities(ctx.rt, [view for _, view in marked]),
        headers=link_header(ctx.request, [cursor for cursor, _ in marked], page),
    )


@endpoint(scope="read:bookmarks", user=True, response=list[Status], request=PageParams)
def bookmarks(ctx: Ctx) -> Response:
    return _marked(ctx, "bookmarks")


@endpoint(scope="read:favourites", user=True, response=list[Status], request=PageParams)
def favourites(ctx: Ctx) -> Response:
    return _marked(ctx, "favourites")


routes = [
    Route("/api/v1/bookmarks", bookmarks, methods=["GET"]),
    Route("/api/v1/favourites", favourites, methods=["GET"]),
]
