"""Mastodon's streaming API: server-sent events at ``/api/v1/streaming/<stream>``
and one WebSocket at ``/api/v1/streaming`` that multiplexes streams.

Fan-out publishes post IDs on pub/sub channels (``roost.timelines.actions``);
each listener gets the ID as a Status *for its own viewer* (so visibility is
decided by the same ``hydrate`` every read uses), rendered once per audience
(``roost.api.stream_render``), or nothing when hidden. Connections per account and
per address, and streams per WebSocket, are capped (``roost.api.stream_limits``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from roost.addresses import client_address
from roost.api.auth import authenticate
from roost.api.errors import ApiError
from roost.api.responses import error_response
from roost.api.stream_limits import (
    TOO_MANY_CONNECTIONS,
    TOO_MANY_SUBSCRIPTIONS,
    StreamSlots,
    slots_of,
)
from roost.api.stream_render import filter_context, render
from roost.channels import (
    direct_channel,
    home_channel,
    list_channel,
    notifications_channel,
    public_channel,
    tag_channel,
)
from roost.errors import NotFound
from roost.ids import parse_id
from roost.lists.queries import access_list
from roost.oauth.queries import TokenInfo, scope_allows
from roost.runtime import Runtime
from roost.text import HASHTAG_RE

HEARTBEAT_SECONDS = 15.0
_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True)
class Stream:
    """One named stream: what a client asked for and the channels that carry it."""

    name: list[str]
    channels: list[str]


def resolve_stream(
    token: TokenInfo | None,
    stream: str,
    tag: str | None,
    *,
    list_id: str | None = None,
    rt: Runtime | None = None,
) -> Stream:
    """The stream's channels, once the token (if any) has the scope it needs:
    ``read:notifications`` for notifications alone, ``read:lists`` for a list (one of
    the viewer's own: it reads the database, so callers run it off the event loop),
    ``read:statuses`` for the rest."""
    needed = {"user:notification": "read:notifications", "list": "read:lists"}.get(
        stream, "read:statuses"
    )
    if token is not None and not scope_allows(token.scopes, needed):
        raise ApiError(403, "This action is outside the authorized scopes")
    if stream == "list":
        return _list_stream(token, list_id, rt)
    if stream in ("public", "public:local", "public:remote"):
        return Stream([stream], [public_channel()])
    if stream in ("hashtag", "hashtag:local"):
        if not tag or not HASHTAG_RE.fullmatch(f"#{tag}"):
            raise ApiError(400, "Missing or invalid tag")
        return Stream([stream, tag], [tag_channel(tag)])
    if stream in ("user", "user:notification", "direct"):
        if token is None or token.account_id is None:
            raise ApiError(401, "Error: Missing access token")
        me = token.account_id
        if stream == "user:notification":
            return Stream([stream], [notifications_channel(me)])
        if stream == "direct":
            return Stream([stream], [direct_channel(me)])
        return Stream([stream], [home_channel(me), notifications_channel(me), direct_channel(me)])
    raise ApiError(400, "Unknown stream type")


def _list_stream(token: TokenInfo | None, list_id: str | None, rt: Runtime | None) -> Stream:
    if token is None or token.account_id is None:
        raise ApiError(401, "Error: Missing access token")
    parsed = parse_id(list_id or "")
    try:
        if parsed is None or rt is None:
            raise NotFound("Record not found")
        access_list(rt, token.account_id, parsed)
    except NotFound:
        raise ApiError(404, "Record not found") from None
    return Stream(["list", str(parsed)], [list_channel(parsed)])


def _token(rt: Runtime, conn: HTTPConnection) -> TokenInfo | None:
    """The token, if any: each stream checks the scope it needs (``read:statuses``,
    or ``read:notifications`` for notifications alone, as Mastodon asks)."""
    token = authenticate(rt, conn)
    if token is not None and not (
        scope_allows(token.scopes, "read:statuses")
        or scope_allows(token.scopes, "read:notifications")
        or scope_allows(token.scopes, "read:lists")
    ):
        raise ApiError(403, "This action is outside the authorized scopes")
    return token


async def _events(rt: Runtime, viewer: int | None, channels: Sequence[str]) -> AsyncIterator[str]:
    async with rt.pubsub.subscribe(channels) as sub:
        yield ":)\n"
        while True:
            try:
                channel, message = await asyncio.wait_for(sub.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ":thump\n"
                continue
            rendered = await render(rt, viewer, message, filter_context(channel))
            if rendered:
                yield f"event: {rendered[0]}\ndata: {rendered[1]}\n\n"


async def sse(request: Request, name: str) -> Response:
    rt: Runtime = request.app.state.rt
    try:
        token = await run_in_threadpool(_token, rt, request)
        stream = await run_in_threadpool(
            lambda: resolve_stream(
                token,
                name,
                request.query_params.get("tag"),
                list_id=request.query_params.get("list"),
                rt=rt,
            )
        )
    except ApiError as exc:
        return error_response(exc.status, exc.message)
    viewer = token.account_id if token else None
    give_back = _slots(rt, request).take(viewer, client_address(request))
    if give_back is None:
        return error_response(429, TOO_MANY_CONNECTIONS)
    return _HeldStream(
        _events(rt, viewer, stream.channels),
        give_back,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


class _HeldStream(StreamingResponse):
    """An event stream that gives its connection slot back however it ends."""

    def __init__(
        self, content: AsyncIterator[str], give_back: Callable[[], None], **kwargs: Any
    ) -> None:
        super().__init__(content, **kwargs)
        self.give_back = give_back

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.give_back()


def _slots(rt: Runtime, conn: HTTPConnection) -> StreamSlots:
    settings = rt.settings
    return slots_of(
        conn.app.state, settings.streaming_max_per_account, settings.streaming_max_per_address
    )


async def websocket(ws: WebSocket) -> None:
    """One socket, many streams: ``{"type": "subscribe", "stream": "hashtag", "tag": "x"}``."""
    rt: Runtime = ws.app.state.rt
    try:
        token = await run_in_threadpool(_token, rt, ws)
    except ApiError:
        await ws.close(code=4001)
        return
    viewer = token.account_id if token else None
    give_back = _slots(rt, ws).take(viewer, client_address(ws))
    if give_back is None:
        try:  # refused before the upgrade, as a 429 with Mastodon's error body
            await ws.send_denial_response(error_response(429, TOO_MANY_CONNECTIONS))
        except RuntimeError:  # a server without the denial extension: a plain refusal
            await ws.close(code=1013)
        return
    try:
        await _serve(ws, rt, token)
    finally:
        give_back()


async def _serve(ws: WebSocket, rt: Runtime, token: TokenInfo | None) -> None:
    viewer = token.account_id if token else None
    tasks: dict[tuple[str, ...], asyncio.Task[None]] = {}
    most = rt.settings.streaming_max_subscriptions
    accepted = asyncio.Event()

    async def pump(stream: Stream, ready: asyncio.Event) -> None:
        async with rt.pubsub.subscribe(stream.channels) as sub:
            ready.set()
            await accepted.wait()  # messages wait in the subscription until then
            while True:
                channel, message = await sub.get()
                rendered = await render(rt, viewer, message, filter_context(channel))
                if rendered:
                    event = {"stream": stream.name, "event": rendered[0], "payload": rendered[1]}
                    await ws.send_text(_encode(event).decode())

    async def start(name: str, tag: str | None, list_id: str | None = None) -> str | None:
        """Subscribes before returning, so nothing published afterwards is missed."""
        try:
            stream = await run_in_threadpool(
                lambda: resolve_stream(token, name, tag, list_id=list_id, rt=rt)
            )
        except ApiError as exc:
            return exc.message
        key = tuple(stream.name)
        if key not in tasks and len(tasks) >= most:
            return TOO_MANY_SUBSCRIPTIONS
        if key not in tasks:
            ready = asyncio.Event()
            tasks[key] = asyncio.create_task(pump(stream, ready))
            waiter = asyncio.create_task(ready.wait())
            await asyncio.wait({tasks[key], waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        return None

    initial_error = None
    if ws.query_params.get("stream"):
        initial_error = await start(
            ws.query_params["stream"], ws.query_params.get("tag"), ws.query_params.get("list")
        )
    protocol = ws.headers.get("sec-websocket-protocol")
    await ws.accept(subprotocol=protocol.split(",")[0].strip() if protocol else None)
    accepted.set()
    if initial_error:
        await ws.send_text(_encode({"error": initial_error}).decode())
    try:
        while True:
            try:
                command = msgspec.json.decode(await ws.receive_text())
            except msgspec.DecodeError:
                continue
            if not isinstance(command, dict):
                continue
            name, tag = str(command.get("stream", "")), command.get("tag")
            listed = command.get("list")
            if command.get("type") == "subscribe":
                error = await start(
                    name, str(tag) if tag else None, str(listed) if listed else None
                )
                if error:
                    await ws.send_text(_encode({"error": error}).decode())
            elif command.get("type") == "unsubscribe":
                task = tasks.pop(tuple(resolve_key(name, tag, listed)), None)
                if task:
                    task.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks.values():
            task.cancel()
        for task in tasks.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def resolve_key(name: str, tag: object, listed: object = None) -> list[str]:
    if name == "list" and listed:
        return [name, str(listed)]
    return [name, str(tag)] if name.startswith("hashtag") and tag else [name]


async def health(_request: Request) -> Response:
    return PlainTextResponse("OK")


def _sse_route(path: str) -> Route:
    name = path.replace("/", ":")

    async def stream(request: Request) -> Response:
        return await sse(request, name)

    stream.__name__ = f"stream_{path.replace('/', '_')}"
    stream.__doc__ = f"Server-sent events of the {name} stream."
    stream.__roost_media_type__ = "text/event-stream"  # type: ignore[attr-defined]
    return Route(f"/api/v1/streaming/{path}", stream, methods=["GET"])


health.__roost_media_type__ = "text/plain"  # type: ignore[attr-defined]

SSE_STREAMS = (
    "user",
    "user/notification",
    "public",
    "public/local",
    "public/remote",
    "hashtag",
    "hashtag/local",
    "direct",
    "list",
)

routes: list[BaseRoute] = [
    Route("/api/v1/streaming/health", health, methods=["GET", "HEAD"]),
    *(_sse_route(path) for path in SSE_STREAMS),
    WebSocketRoute("/api/v1/streaming", websocket),
    WebSocketRoute("/api/v1/streaming/", websocket),
]
