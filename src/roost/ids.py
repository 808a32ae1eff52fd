"""Time-sortable 64-bit IDs, the layout Mastodon uses.

Bits 63..16 hold milliseconds since the Unix epoch, bits 15..0 a per-process
sequence that starts at a random value. Sorting by ID sorts by creation time,
so timelines page by ID alone, and IDs from many processes rarely collide (a
collision would need the same millisecond and the same 16-bit sequence; the
primary key rejects it and the caller retries). The API sends IDs as strings
because JavaScript numbers cannot hold 64 bits.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from datetime import UTC, datetime

_lock = threading.Lock()
_sequence = itertools.count(random.randrange(1 << 16))
_last_ms = 0


def new_id(at: datetime | None = None) -> int:
    global _last_ms
    ms = int((at.timestamp() if at else time.time()) * 1000)
    with _lock:
        if at is None:
            ms = max(ms, _last_ms)
            _last_ms = ms
        return (ms << 16) | (next(_sequence) & 0xFFFF)


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
