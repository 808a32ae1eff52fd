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

    def subscribe(self, channels: Sequence[str]) -> AbstractAsyncContextManager[Subscription]: ...

    def close(self) -> None: ...


class _MemorySubscription:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue(maxsize=1000)

    def deliver(self, channel: str, message: str) -> None:
        def put() -> None:
            if not self.queue.full():
                self.queue.put_nowait((channel, message))

        self.loop.call_soon_threadsafe(put)

    async def get(self) -> tuple[str, str]:
        return await self.queue.get()


class MemoryPubSub:
    """In-process pub/sub; safe to publish from worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[_MemorySubscription]] = defaultdict(set)

    def publish(self, channel: str, message: str) -> None:
        with self._lock:
            targets = list(self._subscribers.get(channel, ()))
        for sub in targets:
            try:
                sub.deliver(channel, message)
            except RuntimeError:  # the listener's event loop has closed
                pass

    @asynccontextmanager
    async def subscribe(self, channels: Sequence[str]) -> AsyncIterator[_MemorySubscription]:
        sub = _MemorySubscription(asyncio.get_running_loop())
        with self._lock:
            for channel in channels:
                self._subscribers[channel].add(sub)
        try:
            yield sub
        finally:
            with self._lock:
                for channel in channels:
                    self._subscribers[channel].discard(sub)
                    if not self._subscribers[channel]:
                        del self._subscribers[channel]

    def has_listeners(self, channel: str) -> bool:
        with self._lock:
            return channel in self._subscribers

    def close(self) -> None:
        pass
