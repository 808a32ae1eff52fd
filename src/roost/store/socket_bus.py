"""Pub/sub and the job doorbell between the processes of one embedded instance.

The embedded default serves with one web process per core, all on one SQLite file;
a post made through one process must reach a live stream held by another, and its
fan-out jobs should wake an idle worker wherever it runs. Without Redis, the
processes talk over Unix datagram sockets:

- each process binds one socket in Linux's abstract namespace (no file, so no path
  length limit and nothing left behind by a killed process) and registers itself
  with an empty file named after it in ``<data dir>/bus/``;
- a publish delivers to this process's listeners at once, as ``MemoryPubSub`` does,
  and queues the message for the others; a sender thread packs queued messages into
  datagrams (a fan-out's thousands of publishes cost a few system calls) and sends
  each to every registered peer; a reader thread delivers what arrives.

Why datagrams and not an events table polled in SQLite: the kernel delivers in
microseconds with no writer lock taken (the one SQLite writer is the embedded
default's scarcest resource) and no poll interval. Why not a hub process: every
process is a peer, so nothing has to be started, supervised or restarted first.
Like the Redis bus, it is fire-and-forget: a peer too slow to read loses messages
(live updates are a convenience; a reload shows everything; workers also poll).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec

from roost.store.pubsub import Listener, Listeners, LocalSubscription

log = logging.getLogger(__name__)

DATAGRAM_BYTES = 60_000  # well under the socket buffer: one datagram never blocks alone
SEND_TIMEOUT = 0.2  # a peer that stopped reading costs its messages, not the sender
# Messages waiting for the sender thread: past this (a peer stopped, the sender waits on
# it) new ones are dropped, so a stuck peer cannot grow this process's memory.
QUEUE_LIMIT = 50_000
HELLO = b""  # an empty datagram: "a peer joined, list the folder again"
JOBS_CHANNEL = "\x00jobs"  # the doorbell's channel; no real channel starts with NUL


class SocketBus:
    """One process's end of the bus; also its job doorbell (``ring``/``listen``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        resolved = str(folder.resolve()).encode()
        self._prefix = b"\x00roost-bus-" + hashlib.sha256(resolved).hexdigest()[:16].encode()
        self.name = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._listeners = Listeners()
        self._encode = msgspec.json.Encoder().encode
        self._decode = msgspec.json.Decoder(list[tuple[str, str]]).decode
        self._queue: deque[tuple[str, str]] = deque()
        self._pending = threading.Event()
        self._stopping = threading.Event()
        self._peers: list[bytes] = []
        self._listing_stamp = -1
        self._relist = threading.Event()
        self._inbox = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._inbox.bind(self._address(self.name))
        self._outbox = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._outbox.settimeout(SEND_TIMEOUT)
        # Registered only once bound: a peer that lists this file can reach it.
        (folder / self.name).touch()
        self._refresh_peers()
        for peer in self._peers:
            self._send(peer, HELLO)
        self._reader = threading.Thread(target=self._read, name="roost-bus-read", daemon=True)
        self._sender = threading.Thread(target=self._send_queued, name="roost-bus", daemon=True)
        self._reader.start()
        self._sender.start()

    def _address(self, name: str) -> bytes:
        return self._prefix + b"-" + name.encode()

    # -- pub/sub ---------------------------------------------------------------
    def publish(self, channel: str, message: str) -> None:
        self._listeners.deliver(channel, message)
        # Queued even with no peer known yet: the sender lists the folder again before
        # sending, so a process that started a moment ago is not missed.
        if len(self._queue) < QUEUE_LIMIT:
            self._queue.append((channel, message))
            if not self._pending.is_set():  # set() takes a lock; a fan-out calls this often
                self._pending.set()

    def publish_many(self, channels: Sequence[str], message: str) -> None:
        """Every channel goes to the peers: each knows only its own listeners."""
        for channel in channels:
            self.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channels: Sequence[str]) -> AsyncIterator[LocalSubscription]:
        sub = LocalSubscription(asyncio.get_running_loop())
        self._listeners.add(sub, channels)
        try:
            yield sub
        finally:
            self._listeners.remove(sub, channels)

    def listen_in_thread(self, listener: Listener, channels: Sequence[str]) -> None:
        """Called on the publishing thread for this process's messages, on the reader
        thread for the other processes' (the per-process caches forget this way)."""
        self._listeners.add(listener, channels)

    def has_listeners(self, channel: str) -> bool:
        """Listeners in this process only: others' are not known here."""
        return self._listeners.has(channel)

    # -- doorbell --------------------------------------------------------------
    def ring(self) -> None:
        self.publish(JOBS_CHANNEL, "")

    def listen(self, callback: Callable[[], None]) -> None:
        self._listeners.add(_Waker(callback), [JOBS_CHANNEL])

    # -- the threads -----------------------------------------------------------
    def _refresh_peers(self) -> None:
        try:
            stamp = self.folder.stat().st_mtime_ns
            if stamp == self._listing_stamp and not self._relist.is_set():
                return
            self._relist.clear()
            names = [p.name for p in self.folder.iterdir() if p.name != self.name]
        except OSError:
            return
        self._listing_stamp = stamp
        self._peers = [self._address(name) for name in names]

    def _send(self, peer: bytes, datagram: bytes) -> None:
        try:
            self._outbox.sendto(datagram, peer)
        except (ConnectionRefusedError, FileNotFoundError):  # that process is gone
            name = peer.removeprefix(self._prefix + b"-").decode()
            with contextlib.suppress(OSError):
                (self.folder / name).unlink()
            self._relist.set()
        except OSError as exc:  # full or stalled: drop, as documented
            log.debug("bus: a datagram to a peer was dropped (%s)", exc)

    def _send_queued(self) -> None:
        while not self._stopping.is_set():
            self._pending.wait(0.5)
            self._pending.clear()
            self._refresh_peers()
            while self._queue:
                batch: list[tuple[str, str]] = []
                size = 2
                while self._queue and size < DATAGRAM_BYTES:
                    channel, message = self._queue.popleft()
                    batch.append((channel, message))
                    size += len(channel) + len(message) + 8
                datagram = self._encode(batch)
                for peer in self._peers:
                    self._send(peer, datagram)

    def _read(self) -> None:
        while not self._stopping.is_set():
            try:
                datagram = self._inbox.recv(1 << 17)
            except OSError:
                return
            if not datagram:
                self._relist.set()  # a hello (or our own wake-up at close)
                self._pending.set()
                continue
            try:
                batch = self._decode(datagram)
            except msgspec.DecodeError:
                continue
            for channel, message in batch:
                self._listeners.deliver(channel, message)

    def close(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        with contextlib.suppress(OSError):
            (self.folder / self.name).unlink()
        with contextlib.suppress(OSError):  # wakes the reader out of recv
            self._outbox.sendto(HELLO, self._address(self.name))
        self._pending.set()
        self._reader.join(timeout=2)
        self._sender.join(timeout=2)
        self._inbox.close()
        self._outbox.close()


class _Waker:
    """A doorbell callback as a listener of the jobs channel."""

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback

    def deliver(self, channel: str, message: str) -> None:
        self.callback()


class BusDoorbell:
    """The job doorbell over the bus; closing is the bus's (``Runtime.close``)."""

    def __init__(self, bus: SocketBus) -> None:
        self.bus = bus

    def ring(self) -> None:
        self.bus.ring()

    def listen(self, callback: Callable[[], None]) -> None:
        self.bus.listen(callback)

    def close(self) -> None:
        pass
