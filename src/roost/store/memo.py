"""A small per-process cache of values that may be a few seconds stale.

Hot reads ask questions whose answers change rarely (the instance's counts,
which accounts are too large for fan-out); each process answers them from here
and recomputes after ``ttl`` seconds. Nothing here is shared between processes,
so nothing here may be the only copy of anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, ttl: float, compute: Callable[[], T]) -> T:
        """The cached value for ``key``, computed again once older than ``ttl`` seconds.
        (Two threads may compute at once; both answers are right, one is kept.)"""
        now = self._clock()
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and now - hit[0] < ttl:
            value: T = hit[1]
            return value
        value = compute()
        with self._lock:
            self._values[key] = (now, value)
        return value
