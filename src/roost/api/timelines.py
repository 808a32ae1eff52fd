"""``/api/v1/timelines``: home, list, public and hashtag, one paginated response shape.

Roost has no remote posts, so ``remote=true`` gives an empty page rather than an
error: a client asking for them sees the truth.
"""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.pieces import status_page
from roost.api.entities.statuses import Status
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.filters.queries import get_matcher
from roost.paging import Page
from roost.posts.queries import StatusView, hydrate, public_statuses, tag_statuses
from roost.timelines.feeds import home_page_ids, list_page_ids

READ = "read:statuses"


def _page_response(
    ctx: Ctx,
    views: list[StatusView],
    page: Page,
    cursors: list[int] | None = None,
    context: str = "public",
) -> Response:
    """The page with the viewer's ``context`` filters applied: ``hide`` ones drop a
    status, ``warn`` ones fill its ``filtered``; the links still page past the dropped.
    Assembled from cached pieces (``entities.pieces``): the same Statuses, sooner."""
    matcher = get_matcher(ctx.rt, ctx.viewer_id, context)
    return json_response(
        status_page(ctx.rt, matcher.shown(views), matcher),
        headers=link_header(
            ctx.request, [v.post.id for v in views] if cursors is None else cursors, page
        ),
    )


class PublicQuery(msgspec.Struct, kw_only=True):
    """``local`` is accepted and changes nothing: every post is local."""

    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int | None = None
    local: bool = False
    remote: bool = False
    only_media: bool = False


class TagQuery(PublicQuery, kw_only=True):
    """``any``/``all``/``none``: more hashtags the posts have, all have, or lack."""

    any: list[str] = []
    all: list[str] = []
    none: list[str] = []


@endpoint(scope=READ, user=True, response=list[Status], request=PageParams)
def home(ctx: Ctx) -> Response:
    page = read_page(ctx.input)
    ids = home_page_ids(ctx.rt, ctx.account_id, page)
    return _page_response(
        ctx, hydrate(ctx.rt, ctx.account_id, ids, timeline=True, lean=True), page, ids, "home"
    )


@endpoint(scope="read:lists", user=True, response=list[Status], request=PageParams)
def list_timeline(ctx: Ctx) -> Response:
    """Mastodon's ``home`` filter context covers lists too."""
    page = read_page(ctx.input)
    ids = list_page_ids(ctx.rt, ctx.account_id, ctx.path_id(), page)
    return _page_response(
        ctx, hydrate(ctx.rt, ctx.account_id, ids, timeline=True, lean=True), page, ids, "home"
    )


@endpoint(scope=READ, response=list[Status], request=PublicQuery)
def public(ctx: Ctx) -> Response:
    page = read_page(ctx.input)
    if ctx.input.remote:
        return _page_response(ctx, [], page)
    views = public_statuses(ctx.rt, ctx.viewer_id, page, only_media=ctx.input.only_media, lean=True)
    return _page_response(ctx, views, page)


@endpoint(scope=READ, response=list[Status], request=TagQuery)
def tag(ctx: Ctx) -> Response:
    query: TagQuery = ctx.input
    page = read_page(query)
    if query.remote:
        return _page_response(ctx, [], page)
    views = tag_statuses(
        ctx.rt,
        ctx.viewer_id,
        ctx.request.path_params["hashtag"].lstrip("#"),
        page,
        any_of=query.any,
        all_of=query.all,
        none_of=query.none,
        only_media=query.only_media,
        lean=True,
    )
    return _page_response(ctx, views, page)


routes = [
    Route("/api/v1/timelines/home", home, methods=["GET"]),
    Route("/api/v1/timelines/public", public, methods=["GET"]),
    Route("/api/v1/timelines/tag/{hashtag}", tag, methods=["GET"]),
    Route("/api/v1/timelines/list/{id}", list_timeline, methods=["GET"]),
]
