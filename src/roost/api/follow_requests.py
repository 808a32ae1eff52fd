"""``/api/v1/follow_requests``: the people asking to follow a locked account, and
approving or turning them down. As in Mastodon, ``{id}`` is the requesting
account's ID, and both actions answer the relationship with that account."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.api.entities.accounts import Account, Relationship, account_entity, relationship_entity
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.graph.actions import do_authorize_follow_request, do_reject_follow_request
from roost.graph.queries import follow_requesters, relationships


@endpoint(scope="read:follows", user=True, response=list[Account], request=PageParams)
def list_follow_requests(ctx: Ctx) -> Response:
    """Newest request first, paged by request ID (the ``Link`` header carries it)."""
    page = read_page(ctx.input, default=40, maximum=80)
    rows = follow_requesters(ctx.rt, ctx.account_id, page)
    return json_response(
        [account_entity(ctx.rt, row) for _, row in rows],
        headers=link_header(ctx.request, [cursor for cursor, _ in rows], page),
    )


def _relationship(ctx: Ctx, account_id: int) -> Response:
    (rel,) = relationships(ctx.rt, ctx.account_id, [account_id])
    return json_response(relationship_entity(rel))


@endpoint(scope="write:follows", user=True, response=Relationship)
def authorize(ctx: Ctx) -> Response:
    requester = get_account(ctx.rt, ctx.path_id())
    do_authorize_follow_request(ctx.rt, ctx.account_id, requester.id)
    return _relationship(ctx, requester.id)


@endpoint(scope="write:follows", user=True, response=Relationship)
def reject(ctx: Ctx) -> Response:
    requester = get_account(ctx.rt, ctx.path_id())
    do_reject_follow_request(ctx.rt, ctx.account_id, requester.id)
    return _relationship(ctx, requester.id)


routes = [
    Route("/api/v1/follow_requests", list_follow_requests, methods=["GET"]),
    Route("/api/v1/follow_requests/{id}/authorize", authorize, methods=["POST"]),
    Route("/api/v1/follow_requests/{id}/reject", reject, methods=["POST"]),
]
