"""Redis pub/sub for scale mode: live updates across web processes, and the
doorbell that wakes job workers on other processes or machines.

Publishing is called from job handlers, which deliver to up to 1,000 home
timelines per batch; one ``PUBLISH`` round trip each would cost more than the
delivery itself. So ``publish`` only queues the message and a background thread
sends whatever has accumulated as one Lua script call that publishes them all
(a pipeline of 1,000 ``PUBLISH`` spends ten times longer in the client). That
keeps the fire-and-forget promise of ``PubSub``: a message lost with a crashing
process costs a live update, never a timeline entry.

Subscribing uses ``redis.asyncio`` on the listener's own event loop, with one
Redis connection per subscription (a subscribed connection can do nothing else).
Every channel carries the key prefix, so instances and test runs sharing a Redis
do not hear each other.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import redis
import redis.asyncio as aioredis

log = logging.getLogger("roost.pubsub")

_BATCH = 1000
# ARGV: channel, message, channel, message, ...
_PUBLISH_ALL = """
for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
return 0
"""
_SUBSCRIBE_TIMEOUT = 5.0


class RedisSubscription:
    def __init__(self, pubsub: aioredis.client.PubSub, prefix: str) -> None:
        self._pubsub = pubsub
        self._prefix = prefix

    async def get(self) -> tuple[str, str]:
        while True:
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if message is not None and message["type"] == "message":
                return str(message["channel"]).removeprefix(self._prefix), str(message["data"])


class RedisPubSub:
    def __init__(self, url: str, *, prefix: str = "roost:") -> None:
        self.url = url
        self.prefix = f"{prefix}ch:"
        # Publishing gives up on a Redis that stops answering; subscribers, below, wait
        # without a timeout, since a quiet channel is not a failure.
        self._client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
        )
        self._publish_all = self._client.register_script(_PUBLISH_ALL)
        self._outbox: queue.SimpleQueue[tuple[str, str] | None] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None
        self._lock = threading.Lock()

    def publish(self, channel: str, message: str) -> None:
        if self._sender is None:
            with self._lock:
                if self._sender is None:
                    self._sender = threading.Thread(
                        target=self._send_forever, name="roost-publisher", daemon=True
                    )
                    self._sender.start()
        self._outbox.put((self.prefix + channel, message))

    def _send_forever(self) -> None:
        stopping = False
        while not stopping:
            first = self._outbox.get()
            batch = []
            item = first
            while True:
                if item is None:
                    stopping = True
                else:
                    batch.append(item)
                if len(batch) >= _BATCH:
                    break
                try:
                    item = self._outbox.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._send(batch)

    def _send(self, batch: list[tuple[str, str]]) -> None:
        try:
            self._publish_all(keys=[], args=[part for pair in batch for part in pair])
        except redis.RedisError:  # live updates are best effort; timelines are complete
            log.warning("dropped %d live update(s): Redis unavailable", len(batch))

    @asynccontextmanager
    async def subscribe(self, channels: Sequence[str]) -> AsyncIterator[RedisSubscription]:
        client = aioredis.Redis.from_url(self.url, decode_responses=True)
        pubsub = client.pubsub()
        try:
            names = [self.prefix + c for c in channels]
            await pubsub.subscribe(*names)
            # Wait for Redis to confirm, so a message published after entering is heard.
            confirmed = 0
            while confirmed < len(set(names)):
                reply = await pubsub.get_message(timeout=_SUBSCRIBE_TIMEOUT)
                if reply is None:
                    raise TimeoutError("Redis did not confirm the subscription")
                if reply["type"] == "subscribe":
                    confirmed += 1
            yield RedisSubscription(pubsub, self.prefix)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # unannotated upstream
            await client.aclose()

    def close(self) -> None:
        """Sends what is queued, then stops the sender."""
        if self._sender is not None:
            self._outbox.put(None)
            self._sender.join(timeout=5)
            self._sender = None
        self._client.close()


class RedisDoorbell:
    """Wakes idle workers wherever they run: ``ring`` after a job commits publishes on
    one channel; each process that listens has one thread subscribed to it. Workers
    also poll, so a lost ring (Redis restarting) delays a job by a poll interval."""

    def __init__(self, url: str, *, prefix: str = "roost:") -> None:
        self.url = url
        self.channel = f"{prefix}jobs:ring"
        self._client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
        )
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._stopping = threading.Event()

    def ring(self) -> None:
        self._wake_local()
        try:
            self._client.publish(self.channel, "1")
        except redis.RedisError:
            log.warning("could not ring the job doorbell: Redis unavailable")

    def listen(self, callback: Callable[[], None]) -> None:
        with self._lock:
            self._callbacks.append(callback)
            if self._listener is None:
                self._listener = threading.Thread(
                    target=self._listen_forever, name="roost-doorbell", daemon=True
                )
                self._listener.start()

    def _wake_local(self) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def _listen_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                pubsub = self._client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
                pubsub.subscribe(self.channel)
                try:
                    while not self._stopping.is_set():
                        if pubsub.get_message(timeout=1.0) is not None:
                            self._wake_local()
                finally:
                    pubsub.close()
            except redis.RedisError:
                log.warning("job doorbell lost Redis; workers poll until it is back")
                self._stopping.wait(1.0)

    def close(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.join(timeout=3)
        self._client.close()
