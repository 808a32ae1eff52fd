"""``/api/roost/v1/circles``: one's circles and their members (Roost's own API).

A post is addressed to a circle with ``circle_id`` on ``POST /api/v1/statuses``.
Circles use the lists scopes (``read:lists``, ``write:lists``): they are the
closest Mastodon scopes, and a client granted ``read``/``write`` has them too.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.accounts import Account, account_entity
from roost.api.entities.circles import Circle, circle_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import link_header, read_page
from roost.api.responses import json_response
from roost.circles.actions import (
    do_add_circle_members,
    do_create_circle,
    do_delete_circle,
    do_remove_circle_members,
    do_rename_circle,
)
from roost.circles.queries import access_circle, circle_members_page, get_circles
from roost.ids import parse_id

READ = "read:lists"
WRITE = "write:lists"


class NewCircle(msgspec.Struct, kw_only=True):
    name: str


class CircleAccountIds(msgspec.Struct, kw_only=True):
    account_ids: list[str] = []


class CircleMembersPage(msgspec.Struct, kw_only=True):
    """``limit=0`` lists every member, as Mastodon's list members do."""

    limit: int = 40
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None


@endpoint(scope=READ, user=True, response=list[Circle])
def index(ctx: Ctx) -> Response:
    return json_response([circle_entity(c) for c in get_circles(ctx.rt, ctx.account_id)])


@endpoint(scope=WRITE, user=True, response=Circle, request=NewCircle)
def create(ctx: Ctx) -> Response:
    circle_id = do_create_circle(ctx.rt, ctx.account_id, ctx.input.name)
    return json_response(circle_entity(access_circle(ctx.rt, ctx.account_id, circle_id)))


@endpoint(scope=READ, user=True, response=Circle)
def show(ctx: Ctx) -> Response:
    return json_response(circle_entity(access_circle(ctx.rt, ctx.account_id, ctx.path_id())))


@endpoint(scope=WRITE, user=True, response=Circle, request=NewCircle)
def rename(ctx: Ctx) -> Response:
    circle_id = ctx.path_id()
    do_rename_circle(ctx.rt, ctx.account_id, circle_id, ctx.input.name)
    return json_response(circle_entity(access_circle(ctx.rt, ctx.account_id, circle_id)))


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def destroy(ctx: Ctx) -> Response:
    do_delete_circle(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


@endpoint(scope=READ, user=True, response=list[Account], request=CircleMembersPage)
def members(ctx: Ctx) -> Response:
    info = access_circle(ctx.rt, ctx.account_id, ctx.path_id())
    page = None if ctx.input.limit == 0 else read_page(ctx.input, default=40, maximum=80)
    rows = circle_members_page(ctx.rt, info.id, page)
    headers = {} if page is None else link_header(ctx.request, [c for c, _ in rows], page)
    return json_response([account_entity(ctx.rt, row) for _, row in rows], headers=headers)


def _account_ids(raw: Sequence[str]) -> list[int]:
    ids = [parse_id(a) for a in raw]
    if not ids:
        raise ApiError(422, "Validation failed: account_ids is missing")
    if any(i is None for i in ids):
        raise ApiError(404, "Record not found")
    return [i for i in ids if i is not None]


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=CircleAccountIds)
def add_members(ctx: Ctx) -> Response:
    ids = _account_ids(ctx.input.account_ids)
    do_add_circle_members(ctx.rt, ctx.account_id, ctx.path_id(), ids)
    return json_response({})


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=CircleAccountIds)
def remove_members(ctx: Ctx) -> Response:
    ids = _account_ids(ctx.input.account_ids)
    do_remove_circle_members(ctx.rt, ctx.account_id, ctx.path_id(), ids)
    return json_response({})


routes = [
    Route("/api/roost/v1/circles", index, methods=["GET"]),
    Route("/api/roost/v1/circles", create, methods=["POST"]),
    Route("/api/roost/v1/circles/{id}", show, methods=["GET"]),
    Route("/api/roost/v1/circles/{id}", rename, methods=["PUT"]),
    Route("/api/roost/v1/circles/{id}", destroy, methods=["DELETE"]),
    Route("/api/roost/v1/circles/{id}/accounts", members, methods=["GET"]),
    Route("/api/roost/v1/circles/{id}/accounts", add_members, methods=["POST"]),
    Route("/api/roost/v1/circles/{id}/accounts", remove_members, methods=["DELETE"]),
]
