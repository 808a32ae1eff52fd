"""Per-process caches of answers every request would otherwise ask the database
for (who a bearer token is, which very large accounts a person follows, their
filters), with the writes that make an answer stale telling every process to
forget it.

Each entry carries tags (``account:42``); an action that changes what was cached
calls ``CacheBus.forget(name, tag)`` after its commit. That drops the entries in
this process at once and publishes the tag on the pub/sub (``caches:forget``), so
the other web processes drop theirs as soon as the message arrives: at once in
the embedded default (the in-process bus calls listeners on the publishing
thread), within a Redis round trip in scale mode. Every entry also expires after
its cache's ``ttl``, a backstop for a message lost while Redis restarted.

A read that started before a forget must not store what it read afterwards: each
cache counts its forgets (``generation``), a reader notes the count before it
reads the database and ``put`` refuses the value when the count moved meanwhile.

None of this is the only copy of anything: a cache miss costs one query.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from roost.store.pubsub import PubSub

V = TypeVar("V")

CHANNEL = "caches:forget"
# A forget for every cache of the process (``CacheBus.forget_everywhere``).
EVERY_CACHE = "*"


def account_tag(account_id: int) -> str:
    """The tag of what a cache holds for (or about) one account."""
    return f"account:{account_id}"


class LocalCache(Generic[V]):
    """At most ``size`` entries, each for at most ``ttl`` seconds; the oldest entry
    goes first when full (an entry expires before recency would matter). ``None`` is
    never stored: ``get`` returns it for a miss."""

    def __init__(self, size: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, V, tuple[str, ...]]] = {}
        self._tagged: dict[str, set[Hashable]] = {}
        self.generation = 0

    def get(self, key: Hashable) -> V | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        if self._clock() >= hit[0]:
            with self._lock:
                self._drop(key)
            return None
        return hit[1]

    def put(self, key: Hashable, value: V, tags: Iterable[str], *, generation: int) -> None:
        """Stores ``value`` unless something was forgotten since the reader noted
        ``generation`` (its value may predate that change)."""
        names = tuple(tags)
        with self._lock:
            if generation != self.generation:
                return
            self._drop(key)
            while len(self._entries) >= self.size:
                self._drop(next(iter(self._entries)))
            self._entries[key] = (self._clock() + self.ttl, value, names)
            for tag in names:
                self._tagged.setdefault(tag, set()).add(key)

    def forget(self, tag: str) -> None:
        with self._lock:
            self.generation += 1
            for key in self._tagged.pop(tag, ()):
                self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()
            self._tagged.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for tag in entry[2]:
            keys = self._tagged.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tagged[tag]


class CacheBus:
    """The named caches of one process, and the channel that tells every process
    what to forget. Caches are made on first use; the first one subscribes this
    process to the channel (a process that caches nothing never listens)."""

    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub
        self._lock = threading.Lock()
        self._caches: dict[str, LocalCache[Any]] = {}
        self._listening = False

    def cache(self, name: str, kind: type[V], *, size: int, ttl: float) -> LocalCache[V]:
        """The cache called ``name`` (``kind`` is the type of its values, for mypy)."""
        found = self._caches.get(name)
        if found is not None:
            return found
        with self._lock:
            if not self._listening:
                self._listening = True
                self._pubsub.listen_in_thread(self, [CHANNEL])
            return self._caches.setdefault(name, LocalCache(size, ttl))

    def forget(self, name: str, tag: str) -> None:
        """Drops ``name``'s entries tagged ``tag`` here and in every process. Call it
        after the change committed (``tx.on_commit``), never before."""
        self._forget_here(name, tag)
        self._pubsub.publish(CHANNEL, f"{name} {tag}")

    def forget_everywhere(self, tag: str) -> None:
        """Drops every cache's entries tagged ``tag`` (an account's tokens, memos and
        all, when its sessions end), here and in every process."""
        self.forget(EVERY_CACHE, tag)

    def deliver(self, channel: str, message: str) -> None:
        """A forget published by some process (this one too): the pub/sub's listener."""
        name, _, tag = message.partition(" ")
        if tag:
            self._forget_here(name, tag)

    def _forget_here(self, name: str, tag: str) -> None:
        if name == EVERY_CACHE:
            for cache in list(self._caches.values()):
                cache.forget(tag)
            return
        named = self._caches.get(name)
        if named is not None:
            named.forget(tag)

    def clear(self) -> None:
        for cache in list(self._caches.values()):
            cache.clear()
