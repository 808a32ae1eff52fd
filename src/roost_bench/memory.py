"""Memory of the stack: peak RSS per process, Redis bytes per timeline entry.

Peak RSS is the kernel's high-water mark (``VmHWM`` in ``/proc/<pid>/status``):
read once before a process stops, it covers the whole run without sampling, so
a short spike between samples cannot be missed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from roost.store.redis_timelines import RedisTimelineStore
from roost.store.timelines import TimelineStore


def peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def peaks(pids: list[int]) -> list[float]:
    return [mb for mb in (peak_rss_mb(p) for p in pids) if mb is not None]


class PeakWatcher:
    """Reads the high-water marks every second, so a web process that is replaced
    mid-run (see ``Stack.replaced_web_processes``) still counts with its peak."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self._pids = pids
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read()

    def _read(self) -> None:
        for pid in self._pids():
            mb = peak_rss_mb(pid)
            if mb is not None:
                self.seen[pid] = max(mb, self.seen.get(pid, 0.0))

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            self._read()

    def peaks(self) -> list[float]:
        return [self.seen[p] for p in sorted(self.seen)]


def redis_used_memory(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        info: dict[str, Any] = client.info("memory")
        return int(info["used_memory"])
    finally:
        client.close()


def redis_timeline_entries(store: TimelineStore) -> int:
    """Real entries in every timeline of the store (the per-key sentinel not counted)."""
    if not isinstance(store, RedisTimelineStore):
        return 0
    client = store.client
    keys = list(client.scan_iter(match=store.prefix + "*", count=10_000))
    total = 0
    for start in range(0, len(keys), 10_000):
        pipe = client.pipeline(transaction=False)
        for key in keys[start : start + 10_000]:
            pipe.zcard(key)
        total += sum(int(n) - 1 for n in pipe.execute())
    return total
