"""The unread counts in the navigation, and the one stream that keeps them live.

The navigation is on every page, so the counts are read lazily (only a template
that shows them pays for them) and capped: ``unread_count`` stops at ``CAP + 1``
rows of an index, so a long-unread account costs no more than a busy one.

With the script on, each open page holds one event stream (``/live/unread``) on
the viewer's notifications and direct channels. It sends the counts when it
connects (read after subscribing, so nothing falls between page and stream) and
again after each notification or message; a ``conversation`` event names the
inbox row that changed, so the inbox and an open conversation can refresh.
``/live/unread/counts`` answers the counts once, for a page that just read
something.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from functools import cached_property

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from roost.channels import direct_channel, notifications_channel
from roost.conversations.queries import unread_conversations
from roost.notifications.queries import unread_count
from roost.runtime import Runtime
from roost.web.auth import session_of

CAP = 99
KEEPALIVE_SECONDS = 20.0
STREAM_SECONDS = 30 * 60.0


def shown(count: int) -> str:
    """What a badge says: the number, "99+" beyond the cap, nothing for none."""
    if count <= 0:
        return ""
    return f"{CAP}+" if count > CAP else str(count)


class Unread:
    """One viewer's badges, read on first use and at most once per page."""

    def __init__(self, rt: Runtime, viewer_id: int) -> None:
        self.rt = rt
        self.viewer_id = viewer_id

    @cached_property
    def notifications(self) -> str:
        return shown(unread_count(self.rt, self.viewer_id, limit=CAP + 1))

    @cached_property
    def messages(self) -> str:
        return shown(unread_conversations(self.rt, self.viewer_id))

    def as_json(self) -> str:
        counts = {"notifications": self.notifications, "messages": self.messages}
        return msgspec.json.encode(counts).decode()


def _counts_event(rt: Runtime, viewer_id: int) -> str:
    return f"event: unread\ndata: {Unread(rt, viewer_id).as_json()}\n\n"


async def events(rt: Runtime, viewer_id: int) -> AsyncGenerator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_SECONDS
    channels = [notifications_channel(viewer_id), direct_channel(viewer_id)]
    async with rt.pubsub.subscribe(channels) as sub:
        yield "retry: 3000\n: connected\n\n"
        yield await run_in_threadpool(_counts_event, rt, viewer_id)
        while loop.time() < deadline:
            try:
                _channel, message = await asyncio.wait_for(sub.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            kind, _, item_id = message.partition(":")
            if not item_id.isdigit():
                continue
            if kind == "conversation":
                yield f"event: conversation\ndata: {item_id}\n\n"
            if kind in ("conversation", "notification"):
                yield await run_in_threadpool(_counts_event, rt, viewer_id)


async def unread_stream(request: Request) -> Response:
    account_id = session_of(request.scope).account_id
    if account_id is None:
        return Response("Log in first.", status_code=403, media_type="text/plain")
    rt: Runtime = request.app.state.rt
    return StreamingResponse(
        events(rt, account_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def unread_counts(request: Request) -> Response:
    """The counts once: the script asks after reading a conversation on an open page."""
    account_id = session_of(request.scope).account_id
    if account_id is None:
        return Response("Log in first.", status_code=403, media_type="text/plain")
    rt: Runtime = request.app.state.rt
    body = await run_in_threadpool(Unread(rt, account_id).as_json)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


routes = [
    Route("/live/unread", unread_stream, methods=["GET"]),
    Route("/live/unread/counts", unread_counts, methods=["GET"]),
]
