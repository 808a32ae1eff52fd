"""Scheduled posts in the web app: the composer's "schedule" field, and the list of
one's waiting posts (move one, cancel one), through the API's actions.

The time field is a ``datetime-local`` in UTC, said so next to it: without
JavaScript the server cannot know the browser's time zone (the small script fills
``tz_offset`` when it runs, so people see their own time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.errors import ValidationFailed
from roost.paging import Page
from roost.scheduled.actions import (
    do_cancel_scheduled_post,
    do_reschedule_post,
    do_schedule_post,
)
from roost.scheduled.queries import list_scheduled_posts
from roost.web.page import Web, page


def form_time(form: dict[str, str], name: str = "scheduled_at") -> datetime:
    """A ``datetime-local`` value, in UTC unless the script gave the browser's offset
    (``tz_offset``: minutes, as JavaScript's ``getTimezoneOffset``)."""
    raw = form.get(name, "").strip()
    try:
        naive = datetime.fromisoformat(raw)
        offset = int(form.get("tz_offset", "0") or "0")
    except ValueError:
        raise ValidationFailed("Give a date and time", field=name) from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=UTC) + timedelta(minutes=offset)


def schedule_from_form(web: Web, params: dict[str, Any]) -> Response:
    """The composer with a time: the post waits (see ``roost.scheduled``)."""
    do_schedule_post(web.rt, web.me, form_time(web.form), params)
    return web.redirect("/scheduled?saved=1")


def _index(web: Web, status: int = 200, **context: Any) -> Response:
    rows = list_scheduled_posts(web.rt, web.me, Page(limit=40))
    return web.render(
        "scheduled.html",
        status,
        scheduled=sorted(rows, key=lambda r: r.scheduled_at),
        saved=web.request.query_params.get("saved", ""),
        **context,
    )


@page(login=True)
def index(web: Web) -> Response:
    return _index(web)


@page(login=True)
def reschedule(web: Web) -> Response:
    scheduled_id = web.path_id()
    try:
        do_reschedule_post(web.rt, web.me, scheduled_id, form_time(web.form))
    except ValidationFailed as exc:
        return _index(web, 422, errors={f"when-{scheduled_id}": exc.message})
    return web.redirect("/scheduled?saved=1")


@page(login=True)
def cancel(web: Web) -> Response:
    do_cancel_scheduled_post(web.rt, web.me, web.path_id())
    return web.redirect("/scheduled")


routes = [
    Route("/scheduled", index, methods=["GET"]),
    Route("/scheduled/{id:int}/move", reschedule, methods=["POST"]),
    Route("/scheduled/{id:int}/cancel", cancel, methods=["POST"]),
]
