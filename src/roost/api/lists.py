"""``/api/v1/lists``: one's lists, their members, and which of them hold an account.

The list timeline is in ``roost.api.timelines`` and its stream in
``roost.api.streaming``; all three call the same ``roost.lists`` domain code.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.api.entities.accounts import Account, account_entity
from roost.api.entities.lists import List, list_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import link_header, read_page
from roost.api.responses import json_response
from roost.ids import parse_id
from roost.lists.actions import (
    do_add_list_accounts,
    do_create_list,
    do_delete_list,
    do_remove_list_accounts,
    do_update_list,
)
from roost.lists.queries import access_list, get_lists, list_members, lists_with_account

READ = "read:lists"
WRITE = "write:lists"


class NewList(msgspec.Struct, kw_only=True):
    title: str
    replies_policy: str = "list"
    exclusive: bool = False


class ListChanges(msgspec.Struct, kw_only=True):
    title: str | None = None
    replies_policy: str | None = None
    exclusive: bool | None = None


class AccountIds(msgspec.Struct, kw_only=True):
    account_ids: list[str] = []


class MembersPage(msgspec.Struct, kw_only=True):
    """``limit=0`` lists every member, as Mastodon does."""

    limit: int = 40
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None


@endpoint(scope=READ, user=True, response=list[List])
def index(ctx: Ctx) -> Response:
    return json_response([list_entity(i) for i in get_lists(ctx.rt, ctx.account_id)])


@endpoint(scope=WRITE, user=True, response=List, request=NewList)
def create(ctx: Ctx) -> Response:
    body: NewList = ctx.input
    list_id = do_create_list(
        ctx.rt,
        ctx.account_id,
        body.title,
        replies_policy=body.replies_policy,
        exclusive=body.exclusive,
    )
    return json_response(list_entity(access_list(ctx.rt, ctx.account_id, list_id)))


@endpoint(scope=READ, user=True, response=List)
def show(ctx: Ctx) -> Response:
    return json_response(list_entity(access_list(ctx.rt, ctx.account_id, ctx.path_id())))


@endpoint(scope=WRITE, user=True, response=List, request=ListChanges)
def change(ctx: Ctx) -> Response:
    body: ListChanges = ctx.input
    list_id = ctx.path_id()
    do_update_list(
        ctx.rt,
        ctx.account_id,
        list_id,
        title=body.title,
        replies_policy=body.replies_policy,
        exclusive=body.exclusive,
    )
    return json_response(list_entity(access_list(ctx.rt, ctx.account_id, list_id)))


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def destroy(ctx: Ctx) -> Response:
    do_delete_list(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


@endpoint(scope=READ, user=True, response=list[Account], request=MembersPage)
def members(ctx: Ctx) -> Response:
    info = access_list(ctx.rt, ctx.account_id, ctx.path_id())
    everyone = ctx.input.limit == 0
    page = None if everyone else read_page(ctx.input, default=40, maximum=80)
    rows = list_members(ctx.rt, info.id, page)
    headers = {} if page is None else link_header(ctx.request, [c for c, _ in rows], page)
    return json_response([account_entity(ctx.rt, row) for _, row in rows], headers=headers)


def _account_ids(raw: Sequence[str]) -> list[int]:
    ids = [parse_id(a) for a in raw]
    if not ids:
        raise ApiError(422, "Validation failed: account_ids is missing")
    if any(i is None for i in ids):
        raise ApiError(404, "Record not found")
    return [i for i in ids if i is not None]


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=AccountIds)
def add_members(ctx: Ctx) -> Response:
    do_add_list_accounts(ctx.rt, ctx.account_id, ctx.path_id(), _account_ids(ctx.input.account_ids))
    return json_response({})


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=AccountIds)
def remove_members(ctx: Ctx) -> Response:
    do_remove_list_accounts(
        ctx.rt, ctx.account_id, ctx.path_id(), _account_ids(ctx.input.account_ids)
    )
    return json_response({})


@endpoint(scope=READ, user=True, response=list[List])
def holding_account(ctx: Ctx) -> Response:
    """``/api/v1/accounts/:id/lists``: the viewer's lists that hold this account."""
    account = get_account(ctx.rt, ctx.path_id())
    return json_response(
        [list_entity(i) for i in lists_with_account(ctx.rt, ctx.account_id, account.id)]
    )


routes = [
    Route("/api/v1/lists", index, methods=["GET"]),
    Route("/api/v1/lists", create, methods=["POST"]),
    Route("/api/v1/lists/{id}", show, methods=["GET"]),
    Route("/api/v1/lists/{id}", change, methods=["PUT"]),
    Route("/api/v1/lists/{id}", destroy, methods=["DELETE"]),
    Route("/api/v1/lists/{id}/accounts", members, methods=["GET"]),
    Route("/api/v1/lists/{id}/accounts", add_members, methods=["POST"]),
    Route("/api/v1/lists/{id}/accounts", remove_members, methods=["DELETE"]),
    Route("/api/v1/accounts/{id}/lists", holding_account, methods=["GET"]),
]
