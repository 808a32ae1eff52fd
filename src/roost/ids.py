"""Time-sortable 64-bit IDs, the layout Mastodon uses.

Bits 63..16 hold milliseconds since the Unix epoch, bits 15..0 a per-process
sequence that starts at a random value (drawn again in a forked child, so two
processes forked from one parent do not count in step). Within a process IDs
only increase: when the sequence wraps around within a millisecond, the next
IDs borrow the following millisecond. Across processes two IDs collide only when
they fall in the same millisecond with the same sequence value; that is rare but
possible, so the database's primary key rejects the second one and the action
retries with a fresh ID (``roost.store.db.retry_on_id_collision``); a collision is
never mistaken for "already done". Sorting by ID sorts by creation time, so
timelines page by ID alone. The API sends IDs as strings because JavaScript
numbers cannot hold 64 bits.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

_SEQUENCE = 1 << 16


class IdGenerator:
    """One process's ID source; ``clock`` (seconds) and ``start`` (the first sequence
    value) are fixed only by tests that force two generators into one millisecond."""

    def __init__(self, *, start: int | None = None, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._sequence = 0
        self._last_ms = 0
        self._last_id = 0
        self.reseed(start)

    def reseed(self, start: int | None = None) -> None:
        with self._lock:
            self._sequence = random.randrange(_SEQUENCE) if start is None else start % _SEQUENCE
            self._last_ms = 0
            self._last_id = 0

    def forked(self) -> None:
        """In a forked child: the parent's lock may have been held by a thread that
        does not exist here, and the parent's sequence must not be shared."""
        self._lock = threading.Lock()
        self.reseed()

    def new_id(self, at: datetime | None = None) -> int:
        with self._lock:
            sequence = self._sequence
            self._sequence = (sequence + 1) % _SEQUENCE
            if at is not None:
                return (int(at.timestamp() * 1000) << 16) | sequence
            self._last_ms = max(int(self._clock() * 1000), self._last_ms)
            made = (self._last_ms << 16) | sequence
            if made <= self._last_id:  # the sequence wrapped within a millisecond: borrow the next
                self._last_ms += 1
                made = (self._last_ms << 16) | sequence
            self._last_id = made
            return made


_generator = IdGenerator()
os.register_at_fork(after_in_child=lambda: _generator.forked())


def new_id(at: datetime | None = None) -> int:
    return _generator.new_id(at)


def min_id_for(at: datetime) -> int:
    """The smallest ID created at ``at``: lets a query page by time through IDs."""
    return int(at.timestamp() * 1000) << 16


def id_time(value: int) -> datetime:
    return datetime.fromtimestamp((value >> 16) / 1000, tz=UTC)


MAX_ID = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """An ID from a URL or a form, or None when the text cannot be one: larger than
    a BIGINT (the database would fail), negative, or not decimal digits."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
