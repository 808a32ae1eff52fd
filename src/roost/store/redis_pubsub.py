"""Redis pub/sub for scale mode: live updates across web processes, and the
doorbell that wakes job workers on other processes or machines.

Publishing is called from job handlers, which deliver to up to 1,000 home
timelines per batch; one ``PUBLISH`` round trip each would cost more than the
delivery itself. So ``publish`` only queues the message and a background thread
sends whatever has accumulated as one Lua script call that publishes them all
(a pipeline of 1,000 ``PUBLISH`` spends ten times longer in the client). That
keeps the fire-and-forget promise of ``PubSub``: a message lost with a crashing
process costs a live update, never a timeline entry.

Subscribing shares one Redis connection per process (``_Multiplexer``): a
subscribed connection can do nothing else, and one per listener would let a few
thousand open streams exhaust Redis's clients. The first local listener of a
channel subscribes it, the last one to leave unsubscribes it, and one reader thread
hands each message to the listeners of its channel on their own event loops (the
same ``Listeners`` the in-process bus uses, so both behave alike). Every channel
carries the key prefix, so instances and test runs sharing a Redis do not hear
each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import redis

from roost.store.pubsub import Listener, Listeners, LocalSubscription

log = logging.getLogger("roost.pubsub")

_BATCH = 1000
# ARGV: channel, message, channel, message, ...
_PUBLISH_ALL = """
for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
return 0
"""
_SUBSCRIBE_TIMEOUT = 5.0


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
        self._multiplexer = _Multiplexer(url, self.prefix, client_name=f"{prefix}pubsub")

    def publish(self, channel: str, message: str) -> None:
        if self._sender is None:
            with self._lock:
                if self._sender is None:
                    self._sender = threading.Thread(
                        target=self._send_forever, name="roost-publisher", daemon=True
                    )
                    self._sender.start()
        self._outbox.put((self.prefix + channel, message))

    def publish_many(self, channels: Sequence[str], message: str) -> None:
        """Every channel: which ones have listeners is known only to the web processes
        (each subscribes its own), and ``PUBLISH`` to a channel nobody hears costs Redis
        a dictionary lookup."""
        for channel in channels:
            self.publish(channel, message)

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
    async def subscribe(self, channels: Sequence[str]) -> AsyncIterator[LocalSubscription]:
        """Returns once Redis has confirmed every channel, so a message published
        after entering is heard."""
        sub = LocalSubscription(asyncio.get_running_loop())
        names = list(dict.fromkeys(channels))
        try:
            await self._multiplexer.listen(sub, names)
            yield sub
        finally:
            await asyncio.to_thread(self._multiplexer.leave, sub, names)

    def listen_in_thread(self, listener: Listener, channels: Sequence[str]) -> None:
        """``listener`` hears ``channels`` for the life of the bus, called on the reader
        thread (the job doorbell shares the one connection this way)."""
        self._multiplexer.listen_in_thread(listener, list(dict.fromkeys(channels)))

    def close(self) -> None:
        """Sends what is queued, then stops the sender."""
        if self._sender is not None:
            self._outbox.put(None)
            self._sender.join(timeout=5)
            self._sender = None
        self._multiplexer.close()
        self._client.close()


class _Multiplexer:
    """One subscribed Redis connection for every listener in the process.

    Listeners subscribe from their event loops (the blocking send runs in a thread);
    the reader thread owns reading. Redis answers SUBSCRIBEs in order, so per channel
    ``_sent`` counts the SUBSCRIBEs sent and ``_acked`` the confirmations read: a
    listener waits until the confirmations reach the count its own SUBSCRIBE (or the
    one in flight that it joined) made. A lost connection is reopened and every
    channel subscribed again; messages published meanwhile are lost, as any live
    update may be."""

    def __init__(self, url: str, prefix: str, *, client_name: str) -> None:
        self.prefix = prefix
        self._client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=5,
            socket_connect_timeout=5,
            client_name=client_name,
        )
        self._listeners = Listeners()
        self._lock = threading.Lock()  # guards the connection and the counters below
        self._pubsub: redis.client.PubSub | None = None
        self._sent: dict[str, int] = {}
        self._acked: dict[str, int] = {}
        self._waiters: dict[str, list[tuple[int, asyncio.Future[None]]]] = {}
        self._reader: threading.Thread | None = None
        self._broken = False
        self._stopping = threading.Event()

    async def listen(self, sub: LocalSubscription, names: list[str]) -> None:
        loop = asyncio.get_running_loop()
        pending = await asyncio.to_thread(self._join, sub, names, loop)
        if pending:
            await asyncio.wait_for(asyncio.gather(*pending), _SUBSCRIBE_TIMEOUT)

    def listen_in_thread(self, listener: Listener, names: list[str]) -> None:
        """For a listener called on the reader thread (the job doorbell), that does not
        wait for Redis to confirm."""
        self._join(listener, names, None)

    def _join(
        self, sub: Listener, names: list[str], loop: asyncio.AbstractEventLoop | None
    ) -> list[asyncio.Future[None]]:
        first = self._listeners.add(sub, names)
        pending = []
        with self._lock:
            if self._reader is None:
                self._reader = threading.Thread(
                    target=self._read_forever, name="roost-pubsub-reader", daemon=True
                )
                self._reader.start()
            if first:
                try:
                    self._connection().subscribe(*(self.prefix + name for name in first))
                except (redis.RedisError, OSError):
                    self._broken = True  # the reader reconnects with every listened channel
                    if loop is not None:
                        raise
                else:
                    for name in first:
                        self._sent[name] = self._sent.get(name, 0) + 1
            for name in names:
                target = self._sent.get(name, 0)
                if loop is not None and self._acked.get(name, 0) < target:
                    future: asyncio.Future[None] = loop.create_future()
                    self._waiters.setdefault(name, []).append((target, future))
                    pending.append(future)
        return pending

    def leave(self, sub: Listener, names: list[str]) -> None:
        emptied = self._listeners.remove(sub, names)
        if not emptied:
            return
        with self._lock:
            for name in emptied:
                if self._sent.get(name) == self._acked.get(name):  # nothing in flight
                    self._sent.pop(name, None)
                    self._acked.pop(name, None)
            try:
                self._connection().unsubscribe(*(self.prefix + name for name in emptied))  # type: ignore[no-untyped-call]
            except (redis.RedisError, OSError):  # reconnect with what is still listened
                self._broken = True

    def _connection(self) -> redis.client.PubSub:
        if self._pubsub is None:
            self._pubsub = self._client.pubsub()  # type: ignore[no-untyped-call]
        return self._pubsub

    def _read_forever(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                pubsub, broken = self._connection(), self._broken
            try:
                if broken:
                    raise redis.ConnectionError("a subscribe could not be sent")
                message = pubsub.get_message(timeout=1.0)
            except (redis.RedisError, OSError, ValueError):
                log.warning("live updates lost Redis; subscribing again")
                self._reconnect()
                continue
            if message is not None:
                self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        kind, name = message["type"], str(message["channel"]).removeprefix(self.prefix)
        if kind == "message":
            self._listeners.deliver(name, str(message["data"]))
        elif kind == "subscribe":
            with self._lock:
                acked = self._acked[name] = self._acked.get(name, 0) + 1
                waiting = self._waiters.pop(name, [])
                still = [(target, f) for target, f in waiting if target > acked]
                if still:
                    self._waiters[name] = still
            for target, future in waiting:
                if target <= acked:
                    _resolve(future)

    def _reconnect(self) -> None:
        """A new connection subscribed to every listened channel; whoever was waiting
        for a confirmation goes ahead (the resubscription covers them)."""
        self._stopping.wait(1.0)
        with self._lock:
            self._broken = False
            if self._pubsub is not None:
                with contextlib.suppress(redis.RedisError, OSError):
                    self._pubsub.close()
            self._pubsub = None
            waiting = [f for pending in self._waiters.values() for _, f in pending]
            self._waiters.clear()
            self._sent.clear()
            self._acked.clear()
            wanted = self._listeners.channels()
            if wanted:
                try:
                    self._connection().subscribe(*(self.prefix + name for name in wanted))
                    for name in wanted:
                        self._sent[name] = 1
                except (redis.RedisError, OSError):
                    self._broken = True  # the reader tries again
        for future in waiting:
            _resolve(future)

    def close(self) -> None:
        self._stopping.set()
        if self._reader is not None:
            self._reader.join(timeout=3)
        with self._lock:
            if self._pubsub is not None:
                with contextlib.suppress(redis.RedisError, OSError):
                    self._pubsub.close()
                self._pubsub = None
        self._client.close()


def _resolve(future: asyncio.Future[None]) -> None:
    def settle() -> None:
        if not future.done():
            future.set_result(None)

    with contextlib.suppress(RuntimeError):  # the listener's loop has closed
        future.get_loop().call_soon_threadsafe(settle)


DOORBELL_CHANNEL = "jobs:ring"


class _Ring:
    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake

    def deliver(self, channel: str, message: str) -> None:
        self.wake()


class RedisDoorbell:
    """Wakes idle workers wherever they run: ``ring`` after a job commits publishes on
    one channel; each process that listens hears it on the connection its live
    updates use (``bus``), or on a thread of its own without one. Workers also poll,
    so a lost ring (Redis restarting) delays a job by a poll interval."""

    def __init__(self, url: str, *, prefix: str = "roost:", bus: RedisPubSub | None = None) -> None:
        self.url = url
        self.channel = f"{prefix}ch:{DOORBELL_CHANNEL}"  # a live-update channel name
        self._bus = bus
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
            first = len(self._callbacks) == 1
        if self._bus is not None:
            if first:
                self._bus.listen_in_thread(_Ring(self._wake_local), [DOORBELL_CHANNEL])
            return
        with self._lock:
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
