"""Turning a pub/sub message into a streaming event, once per audience.

Fan-out publishes IDs; a listener needs the entity *as its viewer may see it*
(``hydrate`` decides visibility, the viewer's flags and filters). Many listeners
hear the same message at once (every open public stream, or one person's phone and
browser), and rendering is the costly part, so listeners share renderings: the
audience of a rendering is the viewer it was made for (their rights, flags,
filters) and the filter context, and every signed-out listener is one audience.
Concurrent listeners of one audience wait for one rendering; a finished one is kept
for ``SHARE_SECONDS`` for listeners that read their queue a little later, then
forgotten (an edit republished later is rendered afresh).
"""

from __future__ import annotations

import asyncio
import weakref

import msgspec
from starlette.concurrency import run_in_threadpool

from roost.api.entities.notifications import conversation_entity, notification_entity
from roost.api.entities.statuses import status_entity
from roost.conversations.queries import get_conversation
from roost.errors import NotFound
from roost.filters.queries import get_matcher
from roost.notifications.queries import get_notification
from roost.posts.queries import hydrate
from roost.runtime import Runtime

SHARE_SECONDS = 5.0
_encode = msgspec.json.Encoder().encode

Rendered = tuple[str, str] | None
# (runtime, message, viewer, context) -> the rendering, per event loop (futures belong
# to one loop; a web process has one).
_Key = tuple[int, str, int | None, str]
_shared: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[_Key, tuple[float, asyncio.Future[Rendered]]]
] = weakref.WeakKeyDictionary()


def filter_context(channel: str) -> str:
    """The filter context of a channel: the user stream is home, hashtags are public."""
    kind = channel.split(":")[1] if channel.count(":") >= 1 else ""
    return {"home": "home", "notifications": "notifications"}.get(kind, "public")


async def render(
    rt: Runtime, viewer: int | None, message: str, context: str = "public"
) -> Rendered:
    """(event, payload) for a pub/sub message, or None when the viewer may not see it
    (or a ``hide`` filter of theirs for ``context`` catches it). Deletes are published
    only on channels whose listeners could see the post. Shared by every listener of
    the same audience (see the module's docstring)."""
    kind, _, raw_id = message.partition(":")
    if not raw_id.isdigit():
        return None
    if kind == "delete":
        return "delete", raw_id
    loop = asyncio.get_running_loop()
    shared = _shared.setdefault(loop, {})
    now = loop.time()
    while shared:  # forget renderings past their time (oldest first)
        oldest = next(iter(shared))
        made, future = shared[oldest]
        if now - made < SHARE_SECONDS or not future.done():
            break
        del shared[oldest]
    key = (id(rt), message, viewer, context)
    if key not in shared:
        shared[key] = (now, asyncio.ensure_future(_render(rt, viewer, kind, int(raw_id), context)))
    return await asyncio.shield(shared[key][1])


async def _render(
    rt: Runtime, viewer: int | None, kind: str, item_id: int, context: str
) -> Rendered:
    entity = await run_in_threadpool(_entity, rt, viewer, kind, item_id, context)
    return None if entity is None else (kind, _encode(entity).decode())


def _entity(
    rt: Runtime, viewer: int | None, kind: str, item_id: int, context: str
) -> object | None:
    """The entity a message names, as this viewer may see it (their own notification
    or conversation only), with their filters for ``context`` applied."""
    if kind == "update":
        views = hydrate(rt, viewer, [item_id], timeline=True)
        matcher = get_matcher(rt, viewer, context)
        shown = matcher.shown(views)
        return status_entity(rt, shown[0], matcher) if shown else None
    if viewer is None:
        return None
    try:
        if kind == "notification":
            found = get_notification(rt, viewer, item_id)
            matcher = get_matcher(rt, viewer, "notifications")
            if found.status is not None and matcher.hides(found.status):
                return None
            return notification_entity(rt, found, matcher)
        if kind == "conversation":
            return conversation_entity(rt, get_conversation(rt, viewer, item_id))
    except NotFound:
        return None
    return None
