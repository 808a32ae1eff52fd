"""Blocking and muting people: ``/api/v1/accounts/:id/block`` and friends, and the
viewer's lists ``/api/v1/blocks`` and ``/api/v1/mutes``. The lists page by the block's
or mute's ID (the Link header), not by the account's, as in Mastodon."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.api.entities.accounts import Account, Relationship, account_entity, relationship_entity
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.graph.blocks import do_block, do_mute, do_unblock, do_unmute
from roost.graph.queries import blocked_accounts, muted_accounts, relationships


def _relationship(ctx: Ctx, target_id: int) -> Response:
    (rel,) = relationships(ctx.rt, ctx.account_id, [target_id])
    return json_response(relationship_entity(rel))


@endpoint(scope="write:blocks", user=True, response=Relationship)
def block(ctx: Ctx) -> Response:
    target_id = ctx.path_id()
    do_block(ctx.rt, ctx.account_id, target_id)
    return _relationship(ctx, target_id)


@endpoint(scope="write:blocks", user=True, response=Relationship)
def unblock(ctx: Ctx) -> Response:
    target = get_account(ctx.rt, ctx.path_id())
    do_unblock(ctx.rt, ctx.account_id, target.id)
    return _relationship(ctx, target.id)


class MuteInput(msgspec.Struct, kw_only=True):
    """``notifications``: mute their notifications too; ``duration``: seconds, 0 for ever."""

    notifications: bool = True
    duration: int = msgspec.field(default=0)


@endpoint(scope="write:mutes", user=True, response=Relationship, request=MuteInput)
def mute(ctx: Ctx) -> Response:
    target_id = ctx.path_id()
    body: MuteInput = ctx.input
    do_mute(
        ctx.rt,
        ctx.account_id,
        target_id,
        notifications=body.notifications,
        duration=body.duration,
    )
    return _relationship(ctx, target_id)


@endpoint(scope="write:mutes", user=True, response=Relationship)
def unmute(ctx: Ctx) -> Response:
    target = get_account(ctx.rt, ctx.path_id())
    do_unmute(ctx.rt, ctx.account_id, target.id)
    return _relationship(ctx, target.id)


def _list(ctx: Ctx, read: Any) -> Response:
    page = read_page(ctx.input, default=40, maximum=80)
    rows = read(ctx.rt, ctx.account_id, page)
    return json_response(
        [account_entity(ctx.rt, row) for _, row in rows],
        headers=link_header(ctx.request, [cursor for cursor, _ in rows], page),
    )


@endpoint(scope="read:blocks", user=True, response=list[Account], request=PageParams)
def show_blocks(ctx: Ctx) -> Response:
    return _list(ctx, blocked_accounts)


@endpoint(scope="read:mutes", user=True, response=list[Account], request=PageParams)
def show_mutes(ctx: Ctx) -> Response:
    return _list(ctx, muted_accounts)


routes = [
    Route("/api/v1/blocks", show_blocks, methods=["GET"]),
    Route("/api/v1/mutes", show_mutes, methods=["GET"]),
    Route("/api/v1/accounts/{id}/block", block, methods=["POST"]),
    Route("/api/v1/accounts/{id}/unblock", unblock, methods=["POST"]),
    Route("/api/v1/accounts/{id}/mute", mute, methods=["POST"]),
    Route("/api/v1/accounts/{id}/unmute", unmute, methods=["POST"]),
]
