"""Live updates for open pages: server-sent events carry post IDs only, and the
page fetches the posts it wants as HTML (``/live/posts``), so each viewer gets
exactly the posts the visibility rules let them see.

The streams listen to the channels fan-out publishes (``roost.timelines.actions``).
A stream ends after ``STREAM_SECONDS``; the browser's EventSource reconnects by
itself, so a long-lived tab never pins a connection for ever.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from roost.posts.queries import hydrate
from roost.runtime import Runtime
from roost.text import HASHTAG_RE
from roost.timelines.actions import live_channel
from roost.web.auth import session_of
from roost.web.page import Web, page

KEEPALIVE_SECONDS = 20.0
STREAM_SECONDS = 30 * 60.0
MAX_IDS = 40


def tag_channel(tag: str) -> str:
    return f"timeline:hashtag:{tag.lower()}"


async def _events(rt: Runtime, channels: Sequence[str]) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_SECONDS
    async with rt.pubsub.subscribe(channels) as sub:
        yield "retry: 3000\n: connected\n\n"
        while loop.time() < deadline:
            try:
                _channel, message = await asyncio.wait_for(sub.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            kind, _, post_id = message.partition(":")
            if kind in ("update", "delete") and post_id.isdigit():
                yield f"event: {kind}\ndata: {post_id}\n\n"


def _stream(rt: Runtime, channels: Sequence[str]) -> Response:
    return StreamingResponse(
        _events(rt, channels),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def home_stream(request: Request) -> Response:
    account_id = session_of(request.scope).account_id
    if account_id is None:
        return Response("Log in first.", status_code=403, media_type="text/plain")
    return _stream(request.app.state.rt, [live_channel(account_id)])


async def tag_stream(request: Request) -> Response:
    tag = request.path_params["tag"]
    if not HASHTAG_RE.fullmatch(f"#{tag}"):
        return Response("Not a hashtag.", status_code=404, media_type="text/plain")
    return _stream(request.app.state.rt, [tag_channel(tag)])


@page()
def posts_fragment(web: Web) -> Response:
    """The posts a live page was told about, newest first, as the viewer may see them."""
    ids = sorted(
        {int(v) for v in web.request.query_params.getlist("id") if v.isdigit() and len(v) < 20},
        reverse=True,
    )[:MAX_IDS]
    if not ids:
        return HTMLResponse("")
    return web.render("_posts.html", posts=hydrate(web.rt, web.viewer_id, ids))


routes = [
    Route("/live/home", home_stream, methods=["GET"]),
    Route("/live/tags/{tag}", tag_stream, methods=["GET"]),
    Route("/live/posts", posts_fragment, methods=["GET"]),
]
