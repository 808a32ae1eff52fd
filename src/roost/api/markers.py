"""``/api/v1/markers``: where the person stopped reading home and notifications, shared
by their apps and the web app."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.notifications import Marker, marker_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.ids import parse_id
from roost.markers.actions import do_save_markers
from roost.markers.models import TIMELINES
from roost.markers.queries import get_markers


class MarkersQuery(msgspec.Struct, kw_only=True):
    timeline: list[str] = []


class Position(msgspec.Struct, kw_only=True):
    last_read_id: str


class MarkersInput(msgspec.Struct, kw_only=True):
    """``home[last_read_id]=…`` as a form, or ``{"home": {"last_read_id": …}}``."""

    home: Position | None = None
    notifications: Position | None = None


@endpoint(scope="read:statuses", user=True, response=dict[str, Marker], request=MarkersQuery)
def show(ctx: Ctx) -> Response:
    wanted = [t for t in ctx.input.timeline if t in TIMELINES]
    rows = get_markers(ctx.rt, ctx.account_id, wanted)
    return json_response({name: marker_entity(row) for name, row in rows.items()})


@endpoint(scope="write:statuses", user=True, response=dict[str, Marker], request=MarkersInput)
def save(ctx: Ctx) -> Response:
    positions: dict[str, int] = {}
    for timeline in TIMELINES:
        given: Position | None = getattr(ctx.input, timeline)
        if given is None:
            continue
        value = parse_id(given.last_read_id)
        if value is None:
            raise ApiError(
                422,
                f"Validation failed: {timeline} last_read_id is not an ID",
                {timeline: [{"error": "ERR_INVALID", "description": "last_read_id is not an ID"}]},
            )
        positions[timeline] = value
    if not positions:
        raise ApiError(422, "Validation failed: name home or notifications with a last_read_id")
    do_save_markers(ctx.rt, ctx.account_id, positions)
    rows = get_markers(ctx.rt, ctx.account_id, list(positions))
    return json_response({name: marker_entity(row) for name, row in rows.items()})


routes = [
    Route("/api/v1/markers", show, methods=["GET"]),
    Route("/api/v1/markers", save, methods=["POST"]),
]
