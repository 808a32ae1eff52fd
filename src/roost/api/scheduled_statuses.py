"""``/api/v1/scheduled_statuses``: one's own posts waiting to be published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.media import media_entity
from roost.api.entities.scheduled import ScheduledStatus, scheduled_status_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.polls import poll_spec
from roost.api.responses import json_response
from roost.ids import parse_id
from roost.scheduled.actions import (
    do_cancel_scheduled_post,
    do_reschedule_post,
    do_schedule_post,
)
from roost.scheduled.queries import get_scheduled_post, list_scheduled_posts, scheduled_media

READ = "read:statuses"
WRITE = "write:statuses"


def parse_time(value: str | None, field: str = "scheduled_at") -> datetime:
    """An ISO 8601 time with its zone (``Z`` or an offset), as Mastodon clients send."""
    try:
        parsed = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ApiError(
            422,
            f"Validation failed: {field} must be an ISO 8601 time with a time zone",
            {field: [{"error": "ERR_INVALID", "description": "not a time"}]},
        )
    return parsed


def _id_param(ctx: Ctx, *names: str) -> int | None:
    for name in names:
        raw = ctx.params.get_str(name)
        if raw:
            value = parse_id(raw)
            if value is None:
                raise ApiError(404, "Record not found")
            return value
    return None


def _media_ids(ctx: Ctx) -> list[int]:
    raw = [m for m in ctx.params.get_list("media_ids") if m]
    found = [parse_id(m) for m in raw]
    if None in found:
        raise ApiError(
            422,
            "Validation failed: Media not found",
            {"media_ids": [{"error": "ERR_INVALID", "description": "Media not found"}]},
        )
    return [i for i in found if i is not None]


def schedule_status(ctx: Ctx) -> Response:
    """``POST /api/v1/statuses`` with ``scheduled_at``: checked now, posted then."""
    p = ctx.params
    when = parse_time(p.get_str("scheduled_at"))
    poll = poll_spec(p)
    params = {
        "text": p.get_str("status") or "",
        "visibility": p.get_str("visibility") or None,
        "in_reply_to_id": _id_param(ctx, "in_reply_to_id"),
        "quote_id": _id_param(ctx, "quoted_status_id", "quote_id"),
        "spoiler_text": p.get_str("spoiler_text") or "",
        "sensitive": bool(p.get_bool("sensitive", False)),
        "language": p.get_str("language") or None,
        "circle_id": _id_param(ctx, "circle_id"),
        "poll": poll.as_params() if poll else None,
        # Stored for the media merge: publishing passes them on (see scheduled.actions).
        "media_ids": _media_ids(ctx),
        "application_id": ctx.token.application_id if ctx.token else None,
    }
    scheduled_id = do_schedule_post(ctx.rt, ctx.account_id, when, params)
    row = get_scheduled_post(ctx.rt, ctx.account_id, scheduled_id)
    return json_response(_entity(ctx, row))


def _entities(ctx: Ctx, rows: list[Any]) -> list[ScheduledStatus]:
    media = scheduled_media(ctx.rt, [r.id for r in rows])
    return [
        scheduled_status_entity(r, [media_entity(ctx.rt, m) for m in media[r.id]]) for r in rows
    ]


def _entity(ctx: Ctx, row: Any) -> ScheduledStatus:
    return _entities(ctx, [row])[0]


class Reschedule(msgspec.Struct, kw_only=True):
    scheduled_at: str | None = None


class CancelScheduled(msgspec.Struct, kw_only=True):
    """No parameters (the ID is in the path)."""


@endpoint(scope=READ, user=True, response=list[ScheduledStatus], request=PageParams)
def list_scheduled(ctx: Ctx) -> Response:
    page = read_page(ctx.input, default=20, maximum=40)
    rows = list_scheduled_posts(ctx.rt, ctx.account_id, page)
    return json_response(
        _entities(ctx, rows),
        headers=link_header(ctx.request, [r.id for r in rows], page),
    )


@endpoint(scope=READ, user=True, response=ScheduledStatus)
def show_scheduled(ctx: Ctx) -> Response:
    row = get_scheduled_post(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response(_entity(ctx, row))


@endpoint(scope=WRITE, user=True, response=ScheduledStatus, request=Reschedule)
def reschedule(ctx: Ctx) -> Response:
    scheduled_id = ctx.path_id()
    get_scheduled_post(ctx.rt, ctx.account_id, scheduled_id)  # 404 before a 422
    if ctx.input.scheduled_at:
        do_reschedule_post(ctx.rt, ctx.account_id, scheduled_id, parse_time(ctx.input.scheduled_at))
    return json_response(_entity(ctx, get_scheduled_post(ctx.rt, ctx.account_id, scheduled_id)))


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=CancelScheduled)
def cancel_scheduled(ctx: Ctx) -> Response:
    do_cancel_scheduled_post(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


routes = [
    Route("/api/v1/scheduled_statuses", list_scheduled, methods=["GET"]),
    Route("/api/v1/scheduled_statuses/{id}", show_scheduled, methods=["GET"]),
    Route("/api/v1/scheduled_statuses/{id}", reschedule, methods=["PUT"]),
    Route("/api/v1/scheduled_statuses/{id}", cancel_scheduled, methods=["DELETE"]),
]
