"""Rendered JSON pieces (a post's or an account's viewer-independent part), cached.

Rendering a timeline page was most of its Python time, and almost all of it is
the same for every viewer: so each post and each account is rendered once per
*stamp* (a tuple, compared with ``==``; its ``repr`` in Redis) and kept here, as
encoded JSON. The caller derives the stamp from the
rows it has just read (the post's ``edited_at``, the account's profile columns,
...), so a change to any of them is a miss by construction, in every process,
without anyone having to say so; what the rows do not show (a change the stamp
cannot see) is dropped with ``forget``. Counters and the viewer's own flags are
never in a piece: the caller adds them to each response.

Two tiers. The first is per process: an LRU bounded by count and by bytes,
entries older than ``ttl`` count as missing (a backstop for a lost ``forget``
message). The second, in scale mode only, is Redis (``{prefix}piece:…`` keys
with the same ``ttl``), so a new or another web process starts warm: one
``MGET`` per page for what the first tier missed, one pipelined ``SET`` for what
was rendered. A Redis value carries its stamp, and a stamp that differs is a miss.

``forget`` drops a piece here and in Redis, and tells every other web process to
drop its own copy through the pub/sub (``PIECES_CHANNEL``); the embedded default
has one process and needs no message. Nothing here is the only copy of anything.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Protocol

import redis

log = logging.getLogger("roost.pieces")

# Kinds of piece: a status (one post row) and an account.
STATUS = "s"
ACCOUNT = "a"
# Pub/sub channel on which ``forget`` reaches the other processes: "<kind>:<id>".
PIECES_CHANNEL = "pieces:forget"
# Bumped when the shape of a piece changes, so processes of two releases sharing a
# Redis never read each other's pieces.
_FORMAT = "1"
# Between a Redis value's stamp and its piece: a repr and JSON never hold it raw.
_SEPARATOR = "\x1f"
# What an entry costs beyond its piece (key, stamp, bookkeeping), counted in ``max_bytes``.
_OVERHEAD = 256


class Publisher(Protocol):
    def publish(self, channel: str, message: str) -> None: ...


class PieceCache:
    def __init__(
        self,
        *,
        max_bytes: int = 16 * 1024 * 1024,
        max_items: int = 50_000,
        ttl: float = 600.0,
        client: redis.Redis | None = None,
        prefix: str = "roost:",
        bus: Publisher | None = None,
        listen: Callable[[PieceCache], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_items = max_items
        self.ttl = ttl
        self._client = client
        self._prefix = f"{prefix}piece:{_FORMAT}:"
        self._bus = bus
        # Subscribes this cache to other processes' ``forget``; called before the first
        # piece is kept (a process that never caches anything never listens).
        self._listen = listen
        self._clock = clock
        self._lock = threading.Lock()
        # (kind, id) -> (stamp, piece, stored at); oldest use first.
        self._local: OrderedDict[tuple[str, int], tuple[object, bytes, float]] = OrderedDict()
        self._bytes = 0

    def get_many(self, kind: str, wanted: Sequence[tuple[int, object]]) -> dict[int, bytes]:
        """The pieces held for ``(id, stamp)`` pairs whose stamp matches."""
        found: dict[int, bytes] = {}
        missing: list[tuple[int, object]] = []
        oldest = self._clock() - self.ttl
        with self._lock:
            for key_id, stamp in wanted:
                hit = self._local.get((kind, key_id))
                if hit is not None and hit[0] == stamp and hit[2] > oldest:
                    self._local.move_to_end((kind, key_id))
                    found[key_id] = hit[1]
                else:
                    missing.append((key_id, stamp))
        if missing and self._client is not None:
            shared = self._shared_get(kind, missing)
            if shared:
                self._keep(kind, [(i, s, shared[i]) for i, s in missing if i in shared])
                found.update(shared)
        return found

    def put_many(self, kind: str, pieces: Sequence[tuple[int, object, bytes]]) -> None:
        """Keeps freshly rendered pieces (``(id, stamp, piece)``) in both tiers."""
        if not pieces:
            return
        self._keep(kind, pieces)
        if self._client is not None:
            try:
                with self._client.pipeline(transaction=False) as pipe:
                    for key_id, stamp, piece in pieces:
                        value = repr(stamp) + _SEPARATOR + piece.decode()
                        pipe.set(self._key(kind, key_id), value, ex=max(int(self.ttl), 1))
                    pipe.execute()
            except redis.RedisError:  # a cache that cannot be written is only slower
                log.warning("could not store %d piece(s) in Redis", len(pieces))

    def forget(self, kind: str, key_id: int) -> None:
        """Drops a piece everywhere: here, in Redis, and in the other processes."""
        self.drop_local(kind, key_id)
        if self._client is not None:
            try:
                self._client.delete(self._key(kind, key_id))
            except redis.RedisError:
                log.warning("could not drop piece %s:%s from Redis", kind, key_id)
        if self._bus is not None:
            self._bus.publish(PIECES_CHANNEL, f"{kind}:{key_id}")

    def drop_local(self, kind: str, key_id: int) -> None:
        with self._lock:
            gone = self._local.pop((kind, key_id), None)
            if gone is not None:
                self._bytes -= len(gone[1]) + _OVERHEAD

    def deliver(self, channel: str, message: str) -> None:
        """A ``forget`` from another process (called on the pub/sub reader thread)."""
        kind, _, key_id = message.partition(":")
        if key_id.isdigit():
            self.drop_local(kind, int(key_id))

    def clear(self) -> None:
        with self._lock:
            self._local.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._local)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def _keep(self, kind: str, pieces: Sequence[tuple[int, object, bytes]]) -> None:
        if self._listen is not None:
            listen, self._listen = self._listen, None
            listen(self)
        now = self._clock()
        with self._lock:
            for key_id, stamp, piece in pieces:
                if len(piece) > self.max_bytes:
                    continue
                old = self._local.pop((kind, key_id), None)
                if old is not None:
                    self._bytes -= len(old[1]) + _OVERHEAD
                self._local[(kind, key_id)] = (stamp, piece, now)
                self._bytes += len(piece) + _OVERHEAD
            while self._local and (
                self._bytes > self.max_bytes or len(self._local) > self.max_items
            ):
                _, (_, evicted, _) = self._local.popitem(last=False)
                self._bytes -= len(evicted) + _OVERHEAD

    def _key(self, kind: str, key_id: int) -> str:
        return f"{self._prefix}{kind}:{key_id}"

    def _shared_get(self, kind: str, wanted: list[tuple[int, object]]) -> dict[int, bytes]:
        assert self._client is not None
        try:
            values = self._client.mget([self._key(kind, i) for i, _ in wanted])
        except redis.RedisError:
            log.warning("could not read pieces from Redis")
            return {}
        found: dict[int, bytes] = {}
        for (key_id, stamp), value in zip(wanted, values, strict=True):
            if value is None:
                continue
            held, _, piece = str(value).partition(_SEPARATOR)
            if held == repr(stamp):
                found[key_id] = piece.encode()
        return found


def row_stamper(
    names: Sequence[str], excluded: frozenset[str]
) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """A row's stamp: its values but those ``excluded``, for rows of the columns
    ``names`` (one ``itemgetter``: attribute access per column would cost more than
    the rendering saved). A row of other columns is stamped whole: never stale, at
    worst rendered more often."""
    kept = [i for i, name in enumerate(names) if name not in excluded]
    pick = itemgetter(*kept)
    width = len(names)

    def stamp(row: Sequence[object]) -> tuple[object, ...]:
        if len(row) != width:
            return tuple(row)
        picked: tuple[object, ...] = pick(row)
        return picked

    return stamp
