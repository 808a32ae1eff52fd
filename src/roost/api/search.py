"""``/api/v2/search`` (accounts, hashtags and posts in one answer) and
``/api/v1/directory`` (the server's discoverable accounts). Both call
``roost.search.queries``; the search language is described in
``roost.search.syntax``."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.addresses import client_address
from roost.api.accounts import SEARCH_RULE
from roost.api.entities.accounts import Account, account_entity
from roost.api.entities.statuses import status_entities
from roost.api.entities.tags import Search, tag_info_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.ids import parse_id
from roost.search.queries import directory, search
from roost.store.ratelimit import RateRule

# Signed-out searches count per client address (signed-in ones per account: SEARCH_RULE):
# anyone may search, and a search costs more than most reads.
ANONYMOUS_SEARCH_RULE = RateRule("search-anonymous", 300, 5 * 60, per="address")


class SearchParams(msgspec.Struct, kw_only=True):
    """Mastodon's, plus ``order``: ``newest`` (the default) or ``relevance``.
    ``resolve`` is accepted: this server's URLs are always resolved, others never
    (Roost does not federate)."""

    q: str = ""
    type: str | None = None
    resolve: bool = False
    following: bool = False
    account_id: str | None = None
    max_id: str | None = None
    min_id: str | None = None
    exclude_unreviewed: bool = False
    offset: int = 0
    limit: int = 20
    order: str = "newest"


@endpoint(scope="read:search", response=Search, request=SearchParams, limit=SEARCH_RULE)
def search_v2(ctx: Ctx) -> Response:
    p: SearchParams = ctx.input
    if ctx.viewer_id is not None:
        ctx.rt.limiter.enforce(SEARCH_RULE, ctx.viewer_id)
    else:
        ctx.rt.limiter.enforce(ANONYMOUS_SEARCH_RULE, client_address(ctx.request))
    if p.offset < 0:
        raise ApiError(422, "Validation failed: offset must not be negative")
    account_id = None
    if p.account_id:
        account_id = parse_id(p.account_id)
        if account_id is None:
            raise ApiError(404, "Record not found")
    max_id = parse_id(p.max_id) if p.max_id else None
    found = search(
        ctx.rt,
        ctx.viewer_id,
        p.q,
        kind=p.type or None,
        following=p.following,
        account_id=account_id,
        order=p.order,
        offset=p.offset,
        limit=min(max(p.limit, 1), 40),
        max_id=max_id,
    )
    return json_response(
        Search(
            accounts=[account_entity(ctx.rt, row) for row in found.accounts],
            statuses=status_entities(ctx.rt, found.statuses),
            hashtags=[tag_info_entity(ctx.rt, info) for info in found.hashtags],
        )
    )


class DirectoryParams(msgspec.Struct, kw_only=True):
    offset: int = 0
    limit: int = 40
    order: str = "active"
    local: bool = False


@endpoint(scope="read:accounts", response=list[Account], request=DirectoryParams)
def show_directory(ctx: Ctx) -> Response:
    p: DirectoryParams = ctx.input
    if p.offset < 0:
        raise ApiError(422, "Validation failed: offset must not be negative")
    rows = directory(
        ctx.rt, ctx.viewer_id, order=p.order, offset=p.offset, limit=min(max(p.limit, 1), 80)
    )
    return json_response([account_entity(ctx.rt, row) for row in rows])


routes = [
    Route("/api/v2/search", search_v2, methods=["GET"]),
    Route("/api/v1/directory", show_directory, methods=["GET"]),
]
