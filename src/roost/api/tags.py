"""``/api/v1/tags/:name`` (the Tag entity, with its week of use and whether the viewer
follows it), following hashtags (``/follow``, ``/unfollow``, ``/api/v1/followed_tags``)
and featured tags (``/api/v1/featured_tags``, ``/api/v1/accounts/:id/featured_tags``).
A valid name nobody has used is still a tag (as in Mastodon), an invalid one is not
found."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.api.entities.statuses import Tag
from roost.api.entities.tags import FeaturedTag, featured_tag_entity, tag_info_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.tags.actions import do_feature_tag, do_follow_tag, do_unfeature_tag, do_unfollow_tag
from roost.tags.queries import featured_tag_suggestions, featured_tags_of, followed_tags, get_tag


def _tag_response(ctx: Ctx) -> Response:
    info = get_tag(ctx.rt, ctx.viewer_id, ctx.request.path_params["name"])
    if info is None:
        raise ApiError(404, "Record not found")
    return json_response(tag_info_entity(ctx.rt, info))


@endpoint(response=Tag)
def show_tag(ctx: Ctx) -> Response:
    return _tag_response(ctx)


@endpoint(scope="write:follows", user=True, response=Tag)
def follow_tag(ctx: Ctx) -> Response:
    do_follow_tag(ctx.rt, ctx.account_id, ctx.request.path_params["name"])
    return _tag_response(ctx)


@endpoint(scope="write:follows", user=True, response=Tag)
def unfollow_tag(ctx: Ctx) -> Response:
    do_unfollow_tag(ctx.rt, ctx.account_id, ctx.request.path_params["name"])
    return _tag_response(ctx)


@endpoint(scope="read:follows", user=True, response=list[Tag], request=PageParams)
def list_followed_tags(ctx: Ctx) -> Response:
    """Most recently followed first, paged by the follow (the ``Link`` header)."""
    page = read_page(ctx.input, default=100, maximum=200)
    found = followed_tags(ctx.rt, ctx.account_id, page)
    return json_response(
        [tag_info_entity(ctx.rt, info) for _, info in found],
        headers=link_header(ctx.request, [cursor for cursor, _ in found], page),
    )


def _featured(ctx: Ctx, account_id: int) -> list[FeaturedTag]:
    get_account(ctx.rt, account_id)  # a missing account is a 404, not an empty list
    return [featured_tag_entity(ctx.rt, t) for t in featured_tags_of(ctx.rt, account_id)]


@endpoint(scope="read:accounts", user=True, response=list[FeaturedTag])
def list_featured_tags(ctx: Ctx) -> Response:
    return json_response(_featured(ctx, ctx.account_id))


class NewFeaturedTag(msgspec.Struct, kw_only=True):
    name: str


@endpoint(scope="write:accounts", user=True, response=FeaturedTag, request=NewFeaturedTag)
def feature_tag(ctx: Ctx) -> Response:
    featured_id = do_feature_tag(ctx.rt, ctx.account_id, ctx.input.name)
    (found,) = [t for t in _featured(ctx, ctx.account_id) if t.id == str(featured_id)]
    return json_response(found)


@endpoint(scope="write:accounts", user=True, response=dict[str, str])
def unfeature_tag(ctx: Ctx) -> Response:
    do_unfeature_tag(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


@endpoint(scope="read:accounts", user=True, response=list[Tag])
def featured_suggestions(ctx: Ctx) -> Response:
    """The tags one used most lately and has not featured (Mastodon suggests these)."""
    infos = [
        get_tag(ctx.rt, ctx.account_id, n) for n in featured_tag_suggestions(ctx.rt, ctx.account_id)
    ]
    return json_response([tag_info_entity(ctx.rt, i) for i in infos if i is not None])


@endpoint(scope="read:accounts", response=list[FeaturedTag])
def account_featured_tags(ctx: Ctx) -> Response:
    return json_response(_featured(ctx, ctx.path_id()))


routes = [
    Route("/api/v1/tags/{name}", show_tag, methods=["GET"]),
    Route("/api/v1/tags/{name}/follow", follow_tag, methods=["POST"]),
    Route("/api/v1/tags/{name}/unfollow", unfollow_tag, methods=["POST"]),
    Route("/api/v1/followed_tags", list_followed_tags, methods=["GET"]),
    Route("/api/v1/featured_tags", list_featured_tags, methods=["GET"]),
    Route("/api/v1/featured_tags", feature_tag, methods=["POST"]),
    Route("/api/v1/featured_tags/suggestions", featured_suggestions, methods=["GET"]),
    Route("/api/v1/featured_tags/{id}", unfeature_tag, methods=["DELETE"]),
    Route("/api/v1/accounts/{id}/featured_tags", account_featured_tags, methods=["GET"]),
]
