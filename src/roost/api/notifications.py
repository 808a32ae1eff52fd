"""``/api/v1/notifications`` and Mastodon 4.3's grouped ``/api/v2/notifications``, the
notification policy and the requests it files, as Mastodon apps call them."""

from __future__ import annotations

from typing import Literal

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.notifications import (
    GroupedNotificationsResults,
    Notification,
    NotificationPolicy,
    NotificationRequest,
    UnreadCount,
    grouped_entity,
    notification_entities,
    notification_entity,
    policy_entity,
    request_entity,
)
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.filters.queries import get_matcher
from roost.ids import parse_id
from roost.notifications.actions import (
    do_accept_requests,
    do_clear_notifications,
    do_dismiss_group,
    do_dismiss_notification,
    do_dismiss_requests,
    do_update_policy,
)
from roost.notifications.models import TYPES
from roost.notifications.queries import (
    Filter,
    filtered_notifications,
    get_group,
    get_notification,
    get_policy,
    get_request,
    grouped_notifications,
    list_notifications,
    list_requests,
    unread_count,
)

READ = "read:notifications"
WRITE = "write:notifications"


class Filters(msgspec.Struct, kw_only=True):
    types: list[str] = []
    exclude_types: list[str] = []
    account_id: str | None = None


class NotificationsQuery(Filters, kw_only=True):
    """Msgspec Structs take one base: the paging fields are spelled out again."""

    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int | None = None
    include_filtered: bool = False


class GroupedQuery(NotificationsQuery, kw_only=True):
    grouped_types: list[str] | None = None


class UnreadCountQuery(Filters, kw_only=True):
    limit: int = 100


Decision = Literal["accept", "filter", "drop"]


class PolicyInput(msgspec.Struct, kw_only=True):
    for_not_following: Decision | None = None
    for_not_followers: Decision | None = None
    for_new_accounts: Decision | None = None
    for_private_mentions: Decision | None = None
    for_limited_accounts: Decision | None = None


class RequestIds(msgspec.Struct, kw_only=True):
    id: list[str] = []


def _filter(query: Filters) -> Filter:
    account_id = None
    if query.account_id:
        account_id = parse_id(query.account_id)
        if account_id is None:
            raise ApiError(404, "Record not found")
    types = [t for t in query.types if t in TYPES]
    if query.types and not types:
        # Only unknown types asked for: nothing can match (Mastodon answers []).
        return Filter(types=["-"], account_id=account_id)
    return Filter(types=types, exclude_types=query.exclude_types, account_id=account_id)


@endpoint(scope=READ, user=True, response=list[Notification], request=NotificationsQuery)
def index(ctx: Ctx) -> Response:
    page = read_page(ctx.input, default=40, maximum=80)
    which = _filter(ctx.input)
    if ctx.input.include_filtered and which.account_id is not None:
        views, ids = filtered_notifications(ctx.rt, ctx.account_id, which.account_id, page)
    else:
        views, ids = list_notifications(ctx.rt, ctx.account_id, page, which)
    # A notification whose post a ``hide`` filter catches is left out; links page past it.
    matcher = get_matcher(ctx.rt, ctx.account_id, "notifications")
    shown = [v for v in views if v.status is None or not matcher.hides(v.status)]
    return json_response(
        notification_entities(ctx.rt, shown, matcher), headers=link_header(ctx.request, ids, page)
    )


@endpoint(scope=READ, user=True, response=Notification)
def show(ctx: Ctx) -> Response:
    return json_response(
        notification_entity(ctx.rt, get_notification(ctx.rt, ctx.account_id, ctx.path_id()))
    )


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def dismiss(ctx: Ctx) -> Response:
    do_dismiss_notification(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def clear(ctx: Ctx) -> Response:
    do_clear_notifications(ctx.rt, ctx.account_id)
    return json_response({})


def _unread(ctx: Ctx) -> Response:
    query: UnreadCountQuery = ctx.input
    limit = min(max(query.limit, 1), 1000)
    return json_response(
        UnreadCount(unread_count(ctx.rt, ctx.account_id, limit=limit, which=_filter(query)))
    )


@endpoint(scope=READ, user=True, response=UnreadCount, request=UnreadCountQuery)
def show_unread_count(ctx: Ctx) -> Response:
    """Counted from the ``notifications`` marker, up to ``limit`` (default 100, at most 1000)."""
    return _unread(ctx)


# -- v2: grouped ---------------------------------------------------------------


@endpoint(scope=READ, user=True, response=GroupedNotificationsResults, request=GroupedQuery)
def grouped(ctx: Ctx) -> Response:
    page = read_page(ctx.input, default=40, maximum=80)
    query: GroupedQuery = ctx.input
    groups = grouped_notifications(
        ctx.rt, ctx.account_id, page, _filter(query), query.grouped_types
    )
    cursors = [g.most_recent_notification_id for g in groups]
    if groups:
        cursors[-1] = min(g.page_min_id for g in groups)
    matcher = get_matcher(ctx.rt, ctx.account_id, "notifications")
    shown = [g for g in groups if g.status is None or not matcher.hides(g.status)]
    return json_response(
        grouped_entity(ctx.rt, shown, matcher), headers=link_header(ctx.request, cursors, page)
    )


@endpoint(scope=READ, user=True, response=GroupedNotificationsResults)
def show_group(ctx: Ctx) -> Response:
    group = get_group(ctx.rt, ctx.account_id, ctx.request.path_params["group_key"])
    return json_response(grouped_entity(ctx.rt, [group]))


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def dismiss_group(ctx: Ctx) -> Response:
    do_dismiss_group(ctx.rt, ctx.account_id, ctx.request.path_params["group_key"])
    return json_response({})


@endpoint(scope=READ, user=True, response=UnreadCount, request=UnreadCountQuery)
def grouped_unread_count(ctx: Ctx) -> Response:
    return _unread(ctx)


# -- policy and requests ---------------------------------------------------------


@endpoint(scope=READ, user=True, response=NotificationPolicy)
def show_policy(ctx: Ctx) -> Response:
    return json_response(policy_entity(get_policy(ctx.rt, ctx.account_id)))


@endpoint(scope=WRITE, user=True, response=NotificationPolicy, request=PolicyInput)
def update_policy(ctx: Ctx) -> Response:
    given = msgspec.structs.asdict(ctx.input).items()
    changes = {name: value for name, value in given if value is not None}
    do_update_policy(ctx.rt, ctx.account_id, changes)
    return json_response(policy_entity(get_policy(ctx.rt, ctx.account_id)))


@endpoint(scope=READ, user=True, response=list[NotificationRequest], request=PageParams)
def requests_index(ctx: Ctx) -> Response:
    page = read_page(ctx.input, default=40, maximum=80)
    views = list_requests(ctx.rt, ctx.account_id, page)
    return json_response(
        [request_entity(ctx.rt, v) for v in views],
        headers=link_header(ctx.request, [v.id for v in views], page),
    )


@endpoint(scope=READ, user=True, response=NotificationRequest)
def show_request(ctx: Ctx) -> Response:
    return json_response(request_entity(ctx.rt, get_request(ctx.rt, ctx.account_id, ctx.path_id())))


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def accept_request(ctx: Ctx) -> Response:
    do_accept_requests(ctx.rt, ctx.account_id, [ctx.path_id()])
    return json_response({})


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def dismiss_request(ctx: Ctx) -> Response:
    do_dismiss_requests(ctx.rt, ctx.account_id, [ctx.path_id()])
    return json_response({})


def _request_ids(ctx: Ctx) -> list[int]:
    return [i for i in map(parse_id, ctx.input.id) if i is not None]


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=RequestIds)
def accept_requests(ctx: Ctx) -> Response:
    do_accept_requests(ctx.rt, ctx.account_id, _request_ids(ctx))
    return json_response({})


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=RequestIds)
def dismiss_requests(ctx: Ctx) -> Response:
    do_dismiss_requests(ctx.rt, ctx.account_id, _request_ids(ctx))
    return json_response({})


@endpoint(scope=READ, user=True, response=dict[str, bool])
def requests_merged(ctx: Ctx) -> Response:
    """Accepting merges at once in Roost, so the merge is always done."""
    return json_response({"merged": True})


routes = [
    Route("/api/v1/notifications", index, methods=["GET"]),
    Route("/api/v1/notifications/clear", clear, methods=["POST"]),
    Route("/api/v1/notifications/unread_count", show_unread_count, methods=["GET"]),
    Route("/api/v1/notifications/requests", requests_index, methods=["GET"]),
    Route("/api/v1/notifications/requests/accept", accept_requests, methods=["POST"]),
    Route("/api/v1/notifications/requests/dismiss", dismiss_requests, methods=["POST"]),
    Route("/api/v1/notifications/requests/merged", requests_merged, methods=["GET"]),
    Route("/api/v1/notifications/requests/{id}", show_request, methods=["GET"]),
    Route("/api/v1/notifications/requests/{id}/accept", accept_request, methods=["POST"]),
    Route("/api/v1/notifications/requests/{id}/dismiss", dismiss_request, methods=["POST"]),
    Route("/api/v1/notifications/{id}", show, methods=["GET"]),
    Route("/api/v1/notifications/{id}/dismiss", dismiss, methods=["POST"]),
    Route("/api/v2/notifications", grouped, methods=["GET"]),
    Route("/api/v2/notifications/policy", show_policy, methods=["GET"]),
    Route("/api/v2/notifications/policy", update_policy, methods=["PATCH", "PUT"]),
    Route("/api/v2/notifications/unread_count", grouped_unread_count, methods=["GET"]),
    Route("/api/v2/notifications/{group_key}", show_group, methods=["GET"]),
    Route("/api/v2/notifications/{group_key}/dismiss", dismiss_group, methods=["POST"]),
]
