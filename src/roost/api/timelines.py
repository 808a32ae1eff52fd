"""``/api/v1/timelines``: home, list, public and hashtag, one paginated response shape.

Roost has no remote posts and no media attachments yet, so ``remote=true`` and
``only_media=true`` give an empty page rather than an error: a client asking
for them sees the truth.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.statuses import Status, status_entities
from roost.api.http import Ctx, endpoint, json_response
from roost.api.pagination import link_header, read_page
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
    status, ``warn`` ones fill its ``filtered``; the links still page past the dropped."""
    matcher = get_matcher(ctx.rt, ctx.viewer_id, context)
    return json_response(
        status_entities(ctx.rt, matcher.shown(views), matcher),
        headers=link_header(
            ctx.request, [v.post.id for v in views] if cursors is None else cursors, page
        ),
    )


def _nothing_remote_or_media(ctx: Ctx) -> bool:
    return bool(ctx.params.get_bool("remote", False) or ctx.params.get_bool("only_media", False))


@endpoint(scope=READ, user=True, response=list[Status])
def home(ctx: Ctx) -> Response:
    page = read_page(ctx.params)
    ids = home_page_ids(ctx.rt, ctx.account_id, page)
    return _page_response(
        ctx, hydrate(ctx.rt, ctx.account_id, ids, timeline=True), page, ids, "home"
    )


@endpoint(scope="read:lists", user=True, response=list[Status])
def list_timeline(ctx: Ctx) -> Response:
    """Mastodon's ``home`` filter context covers lists too."""
    page = read_page(ctx.params)
    ids = list_page_ids(ctx.rt, ctx.account_id, ctx.path_id(), page)
    return _page_response(
        ctx, hydrate(ctx.rt, ctx.account_id, ids, timeline=True), page, ids, "home"
    )


@endpoint(scope=READ, response=list[Status])
def public(ctx: Ctx) -> Response:
    page = read_page(ctx.params)
    ctx.params.get_bool("local")  # every post is local: accepted, validated, changes nothing
    if _nothing_remote_or_media(ctx):
        return _page_response(ctx, [], page)
    return _page_response(ctx, public_statuses(ctx.rt, ctx.viewer_id, page), page)


@endpoint(scope=READ, response=list[Status])
def tag(ctx: Ctx) -> Response:
    page = read_page(ctx.params)
    ctx.params.get_bool("local")
    if _nothing_remote_or_media(ctx):
        return _page_response(ctx, [], page)
    p = ctx.params
    views = tag_statuses(
        ctx.rt,
        ctx.viewer_id,
        ctx.request.path_params["hashtag"].lstrip("#"),
        page,
        any_of=p.get_list("any"),
        all_of=p.get_list("all"),
        none_of=p.get_list("none"),
    )
    return _page_response(ctx, views, page)


routes = [
    Route("/api/v1/timelines/home", home, methods=["GET"]),
    Route("/api/v1/timelines/public", public, methods=["GET"]),
    Route("/api/v1/timelines/tag/{hashtag}", tag, methods=["GET"]),
    Route("/api/v1/timelines/list/{id}", list_timeline, methods=["GET"]),
]
