"""Live updates for open pages: server-sent events carry post IDs only, and the
page fetches the posts it wants as HTML (``/live/posts``), so each viewer gets
exactly the posts the visibility rules let them see.

The streams listen to the channels fan-out publishes (``roost.timelines.actions``).
A stream ends after ``STREAM_SECONDS``; the browser's EventSource reconnects by
itself, so a long-lived tab never pins a connection for ever.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Sequence

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from roost.channels import home_channel, public_channel, tag_channel
from roost.ids import parse_id
from roost.paging import Page
from roost.posts.queries import hydrate, public_statuses, tag_statuses
from roost.runtime import Runtime
from roost.text import HASHTAG_RE
from roost.timelines.feeds import home_timeline
from roost.web.auth import session_of
from roost.web.filters import filtered
from roost.web.page import Web, page

KEEPALIVE_SECONDS = 20.0
STREAM_SECONDS = 30 * 60.0
MAX_IDS = 40


Backlog = Callable[[], list[int]] | None


async def events(
    rt: Runtime, channels: Sequence[str], backlog: Backlog, since: int | None = None
) -> AsyncGenerator[str]:
    """``since``: the newest post the page has, not to be sent again."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_SECONDS
    async with rt.pubsub.subscribe(channels) as sub:
        yield "retry: 3000\n: connected\n\n"
        sent: set[str] = {str(since)} if since is not None else set()
        if backlog is not None:
            # Posts that arrived while the page loaded or the connection was down;
            # read after subscribing, so nothing falls between the two. One published
            # around the subscription comes both ways: it is sent once.
            for missed in sorted(await run_in_threadpool(backlog)):
                sent.add(str(missed))
                yield f"id: {missed}\nevent: update\ndata: {missed}\n\n"
        while loop.time() < deadline:
            try:
                _channel, message = await asyncio.wait_for(sub.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            kind, _, post_id = message.partition(":")
            if kind == "update" and post_id.isdigit() and post_id not in sent:
                yield f"id: {post_id}\nevent: update\ndata: {post_id}\n\n"
            elif kind == "delete" and post_id.isdigit():
                yield f"event: delete\ndata: {post_id}\n\n"
            elif kind == "status.update" and post_id.isdigit():  # an edit: redraw if shown
                yield f"event: edit\ndata: {post_id}\n\n"


def home_backlog(rt: Runtime, account_id: int, since: int | None) -> Backlog:
    if since is None:
        return None
    page = Page(min_id=since, limit=MAX_IDS)
    return lambda: [v.post.id for v in home_timeline(rt, account_id, page)]


def tag_backlog(rt: Runtime, tag: str, since: int | None) -> Backlog:
    if since is None:
        return None
    page = Page(min_id=since, limit=MAX_IDS)
    return lambda: [v.post.id for v in tag_statuses(rt, None, tag, page)]


def public_backlog(rt: Runtime, since: int | None) -> Backlog:
    if since is None:
        return None
    page = Page(min_id=since, limit=MAX_IDS)
    return lambda: [v.post.id for v in public_statuses(rt, None, page)]


def _since(request: Request) -> int | None:
    """The newest post the page has: EventSource sends the last event's ID when it
    reconnects; the first connection names it in the query string."""
    value = request.headers.get("last-event-id") or request.query_params.get("since", "")
    return parse_id(value)


def _stream(
    rt: Runtime, channels: Sequence[str], backlog: Backlog = None, since: int | None = None
) -> Response:
    return StreamingResponse(
        events(rt, channels, backlog, since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def home_stream(request: Request) -> Response:
    account_id = session_of(request.scope).account_id
    if account_id is None:
        return Response("Log in first.", status_code=403, media_type="text/plain")
    rt: Runtime = request.app.state.rt
    since = _since(request)
    return _stream(rt, [home_channel(account_id)], home_backlog(rt, account_id, since), since)


async def tag_stream(request: Request) -> Response:
    tag = request.path_params["tag"]
    if not HASHTAG_RE.fullmatch(f"#{tag}"):
        return Response("Not a hashtag.", status_code=404, media_type="text/plain")
    rt: Runtime = request.app.state.rt
    since = _since(request)
    return _stream(rt, [tag_channel(tag)], tag_backlog(rt, tag, since), since)


async def public_stream(request: Request) -> Response:
    rt: Runtime = request.app.state.rt
    since = _since(request)
    return _stream(rt, [public_channel()], public_backlog(rt, since), since)


@page()
def posts_fragment(web: Web) -> Response:
    """The posts a live page was told about, newest first, as the viewer may see them."""
    ids = sorted(
        {i for i in map(parse_id, web.request.query_params.getlist("id")) if i is not None},
        reverse=True,
    )[:MAX_IDS]
    if not ids:
        return HTMLResponse("")
    views = hydrate(web.rt, web.viewer_id, ids, timeline=True)
    context = web.request.query_params.get("context")
    if context not in ("home", "public"):  # the page's filters apply to what it adds
        return web.render("_posts.html", posts=views)
    shown = filtered(web, views, context)
    return web.render("_posts.html", posts=shown["timeline"], matcher=shown["matcher"])


routes = [
    Route("/live/home", home_stream, methods=["GET"]),
    Route("/live/tags/{tag}", tag_stream, methods=["GET"]),
    Route("/live/public", public_stream, methods=["GET"]),
    Route("/live/posts", posts_fragment, methods=["GET"]),
]
