"""Publish/subscribe for live updates (streaming API, the web app's "new posts" bar).

Events are published after commit by actions and job handlers; a web process
subscribes only while a browser or client is listening. The embedded default
delivers within the process; scale mode (``roost.store.redis_pubsub``) goes
through Redis so a post made through one web process reaches listeners on
another. Publishing is fire-and-forget: live updates are a convenience on top
of timelines that are always complete on reload.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol


class Subscription(Protocol):
    async def get(self) -> tuple[str, str]:
        """The next (channel, message); waits until one arrives."""
        ...


class PubSub(Protocol):
    def publish(self, channel: str, message: str) -> None: ...

    def publish_many(self, channels: Sequence[str], message: str) -> None:
        """One message on many channels (a delivery's home timelines): a bus that knows
        who listens sends it only where someone does."""
        ...

    def subscribe(self, channels: Sequence[str]) -> AbstractAsyncContextManager[Subscription]: ...

    def close(self) -> None: ...


BACKLOG = 5000


class LocalSubscription:
    """One listener's queue on its own event loop; delivery may come from any thread.
    A listener that falls ``BACKLOG`` messages behind loses the newest (live updates
    are a convenience: a reload shows everything). Messages are short (an event and an
    ID), so the bound is a few hundred kilobytes per listener at most."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue(maxsize=BACKLOG)

    def deliver(self, channel: str, message: str) -> None:
        def put() -> None:
            if not self.queue.full():
                self.queue.put_nowait((channel, message))

        self.loop.call_soon_threadsafe(put)

    async def get(self) -> tuple[str, str]:
        return await self.queue.get()


class Listener(Protocol):
    def deliver(self, channel: str, message: str) -> None:
        """Called on the publishing (or reading) thread: must not block."""
        ...


class Listeners:
    """Who listens to which channel in this process: the in-process bus uses it alone;
    the Redis bus puts it behind its one subscribed connection, so Redis hears each
    channel once per process, however many listeners share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_channel: dict[str, set[Listener]] = defaultdict(set)

    def add(self, sub: Listener, channels: Sequence[str]) -> list[str]:
        """Returns the channels that had no listener before (to subscribe upstream)."""
        with self._lock:
            first = [c for c in dict.fromkeys(channels) if c not in self._by_channel]
            for channel in channels:
                self._by_channel[channel].add(sub)
            return first

    def remove(self, sub: Listener, channels: Sequence[str]) -> list[str]:
        """Returns the channels nobody listens to any more (to unsubscribe upstream)."""
        emptied = []
        with self._lock:
            for channel in dict.fromkeys(channels):
                listeners = self._by_channel.get(channel)
                if listeners is None:
                    continue
                listeners.discard(sub)
                if not listeners:
                    del self._by_channel[channel]
                    emptied.append(channel)
        return emptied

    def channels(self) -> list[str]:
        with self._lock:
            return list(self._by_channel)

    def has(self, channel: str) -> bool:
        with self._lock:
            return channel in self._by_channel

    def listened(self, channels: Sequence[str]) -> list[str]:
        """Those of ``channels`` someone listens to, under one lock: most of a delivery's
        thousands of home channels have nobody on them."""
        with self._lock:
            return [c for c in channels if c in self._by_channel]

    def deliver(self, channel: str, message: str) -> None:
        with self._lock:
            targets = list(self._by_channel.get(channel, ()))
        for sub in targets:
            try:
                sub.deliver(channel, message)
            except RuntimeError:  # the listener's event loop has closed
                pass


class MemoryPubSub:
    """In-process pub/sub; safe to publish from worker threads."""

    def __init__(self) -> None:
        self._listeners = Listeners()

    def publish(self, channel: str, message: str) -> None:
        self._listeners.deliver(channel, message)

    def publish_many(self, channels: Sequence[str], message: str) -> None:
        for channel in self._listeners.listened(channels):
            self._listeners.deliver(channel, message)

    @asynccontextmanager
    async def subscribe(self, channels: Sequence[str]) -> AsyncIterator[LocalSubscription]:
        sub = LocalSubscription(asyncio.get_running_loop())
        self._listeners.add(sub, channels)
        try:
            yield sub
        finally:
            self._listeners.remove(sub, channels)

    def has_listeners(self, channel: str) -> bool:
        return self._listeners.has(channel)

    def close(self) -> None:
        pass
