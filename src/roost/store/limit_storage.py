"""Rate-limit counters shared by the processes of one embedded instance.

The embedded default serves with one web process per core; counters kept in each
process's memory would give a log-in guesser one budget per process. The ``limits``
library keeps them in memory or Redis; this storage keeps its moving windows in a
small SQLite file of their own in the data folder (``limits.sqlite3``), so every
process counts the same attempts without taking the main database's one writer
lock. Writes are not synced to disk: a counter lost in a power cut only forgets a
few attempts.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import MovingWindowSupport, Storage

KEEP_SECONDS = 2 * 86_400  # beyond the longest window (a day)
SWEEP_CHANCE = 0.001


class SqliteLimitStorage(Storage, MovingWindowSupport):
    """The moving-window strategy only (the one ``RateLimiter`` uses)."""

    STORAGE_SCHEME = ["roost-sqlite"]

    def __init__(self, path: Path) -> None:
        super().__init__(None)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            path, timeout=10, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("PRAGMA synchronous=OFF")
        for attempt in range(50):
            try:  # the processes of a first start race to create the file: one wins
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL)"
                )
                self._conn.execute("CREATE INDEX IF NOT EXISTS ix_hits_key_at ON hits (key, at)")
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")  # one process at a time counts and adds
            try:
                (count,) = self._conn.execute(
                    "SELECT count(*) FROM hits WHERE key = ? AND at >= ?", (key, now - expiry)
                ).fetchone()
                allowed: bool = count + amount <= limit
                if allowed:
                    self._conn.executemany(
                        "INSERT INTO hits (key, at) VALUES (?, ?)", [(key, now)] * amount
                    )
                    self._conn.execute(
                        "DELETE FROM hits WHERE key = ? AND at < ?", (key, now - expiry)
                    )
                    if random.random() < SWEEP_CHANCE:  # keys nobody hits any more
                        self._conn.execute("DELETE FROM hits WHERE at < ?", (now - KEEP_SECONDS,))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return allowed

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        with self._lock:
            oldest, count = self._conn.execute(
                "SELECT min(at), count(*) FROM hits WHERE key = ? AND at >= ?",
                (key, now - expiry),
            ).fetchone()
        return (oldest if oldest is not None else now), int(count)

    # The fixed-window operations ``Storage`` declares; the moving window needs only these.
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("moving window only")

    def get(self, key: str) -> int:
        with self._lock:
            (count,) = self._conn.execute(
                "SELECT count(*) FROM hits WHERE key = ?", (key,)
            ).fetchone()
        return int(count)

    def get_expiry(self, key: str) -> float:
        return time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            return self._conn.execute("DELETE FROM hits").rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM hits WHERE key = ?", (key,))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
