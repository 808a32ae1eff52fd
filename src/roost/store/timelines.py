"""Timeline stores: capped, ordered lists of post IDs per timeline key.

A timeline store is a cache, never the only copy: every timeline can be rebuilt
from the database (``timelines.feeds.rebuild_home``). The contract, which the
conformance tests in ``tests/store/test_timeline_stores.py`` check for every
implementation:

- a timeline is either *materialised* or *missing*; ``page`` returns ``None``
  for a missing one so the caller rebuilds it;
- ``add_to_many`` only adds to materialised timelines (a fan-out that lands on a
  flushed cache must not create a timeline holding one post);
- adding is idempotent and keeps the newest ``cap`` entries; a store may let a
  timeline grow up to ``slack`` entries past the cap before trimming it back, so
  that a delivery does not pay a trim on every insert (a page never needs more
  than the newest entries, and the cap only bounds the storage).

Keys are ``home:<account id>`` and ``list:<list id>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    delete,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from roost.store.db import Database
from roost.store.schema import metadata

timeline_entries = Table(
    "timeline_entries",
    metadata,
    Column("key", String(64), nullable=False),
    Column("post_id", BigInteger, nullable=False),
    PrimaryKeyConstraint("key", "post_id"),
)

# ``length``: an upper bound of the entries the timeline holds (every add counts, even
# one that was there already; removals do not count down), so that a delivery learns
# which timelines to trim from the update that finds which exist, without counting.
timeline_heads = Table(
    "timeline_heads",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("length", Integer, nullable=False, server_default="0"),
)


def default_slack(cap: int) -> int:
    """Entries past the cap before a trim: an eighth (100 at the default 800)."""
    return cap // 8


class TimelineStore(Protocol):
    cap: int
    slack: int

    def page(
        self,
        key: str,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> list[int] | None:
        """Newest first; with ``min_id`` the entries just above it (still newest first)."""
        ...

    def add_to_many(self, keys: Sequence[str], post_id: int) -> None: ...

    def add_many(self, key: str, post_ids: Iterable[int]) -> None: ...

    def remove_from_many(self, keys: Sequence[str], post_id: int) -> None: ...

    def remove_many(self, key: str, post_ids: Iterable[int]) -> None: ...

    def replace(self, key: str, post_ids: Iterable[int]) -> None:
        """Materialise ``key`` holding exactly ``post_ids`` (trimmed to the cap)."""
        ...

    def drop(self, key: str) -> None: ...

    def rebuilding(self, key: str) -> AbstractContextManager[bool]:
        """Whether this caller should rebuild ``key`` now: ``False`` while another process
        rebuilds it (the caller reads the database directly instead of stampeding)."""
        ...

    def exists(self, key: str) -> bool: ...


class SqlTimelineStore:
    """Timelines as rows in the main database: the embedded default."""

    def __init__(self, db: Database, cap: int = 800, slack: int | None = None) -> None:
        self.db = db
        self.cap = cap
        self.slack = default_slack(cap) if slack is None else slack
        self._insert = (sqlite.insert if db.is_sqlite else postgresql.insert)(timeline_entries)
        self._head_insert = (sqlite.insert if db.is_sqlite else postgresql.insert)(timeline_heads)

    def page(
        self,
        key: str,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> list[int] | None:
        query = select(timeline_entries.c.post_id).where(timeline_entries.c.key == key)
        if max_id is not None:
            query = query.where(timeline_entries.c.post_id < max_id)
        if since_id is not None:
            query = query.where(timeline_entries.c.post_id > since_id)
        if min_id is not None:
            query = query.where(timeline_entries.c.post_id > min_id)
            query = query.order_by(timeline_entries.c.post_id.asc()).limit(limit)
        else:
            query = query.order_by(timeline_entries.c.post_id.desc()).limit(limit)
        with self.db.read() as conn:
            ids = list(conn.scalars(query))
            if not ids and not self._exists(conn, key):
                return None
        return sorted(ids, reverse=True)

    def _exists(self, conn: Connection, key: str) -> bool:
        return (
            conn.scalar(select(timeline_heads.c.key).where(timeline_heads.c.key == key)) is not None
        )

    def exists(self, key: str) -> bool:
        with self.db.read() as conn:
            return self._exists(conn, key)

    def add_to_many(self, keys: Sequence[str], post_id: int) -> None:
        if not keys:
            return
        with self.db.write() as tx:
            grown = self._grow(tx.conn, keys, 1)
            if not grown:
                return
            tx.conn.execute(
                self._insert.on_conflict_do_nothing(),
                [{"key": k, "post_id": post_id} for k in grown],
            )
            self._trim(tx.conn, [k for k, length in grown.items() if length > self._limit])

    def add_many(self, key: str, post_ids: Iterable[int]) -> None:
        rows = [{"key": key, "post_id": p} for p in post_ids]
        if not rows:
            return
        with self.db.write() as tx:
            grown = self._grow(tx.conn, [key], len(rows))
            if not grown:
                return
            tx.conn.execute(self._insert.on_conflict_do_nothing(), rows)
            if grown[key] > self._limit:
                self._trim(tx.conn, [key])

    @property
    def _limit(self) -> int:
        return self.cap + self.slack

    def _grow(self, conn: Connection, keys: Sequence[str], added: int) -> dict[str, int]:
        """The materialised timelines among ``keys``, with their new length bounds: one
        statement both finds them and counts what is being added."""
        grown = conn.execute(
            update(timeline_heads)
            .where(timeline_heads.c.key.in_(list(keys)))
            .values(length=timeline_heads.c.length + added)
            .returning(timeline_heads.c.key, timeline_heads.c.length)
        )
        return {r.key: r.length for r in grown}

    def remove_from_many(self, keys: Sequence[str], post_id: int) -> None:
        if not keys:
            return
        with self.db.write() as tx:
            tx.conn.execute(
                delete(timeline_entries).where(
                    timeline_entries.c.key.in_(keys), timeline_entries.c.post_id == post_id
                )
            )

    def remove_many(self, key: str, post_ids: Iterable[int]) -> None:
        ids = list(post_ids)
        if not ids:
            return
        with self.db.write() as tx:
            tx.conn.execute(
                delete(timeline_entries).where(
                    timeline_entries.c.key == key, timeline_entries.c.post_id.in_(ids)
                )
            )

    def replace(self, key: str, post_ids: Iterable[int]) -> None:
        ids = sorted(set(post_ids), reverse=True)[: self.cap]
        with self.db.write() as tx:
            # Concurrent rebuilds of one timeline (two readers found it missing) take turns
            # on its head row: each deletes what the one before committed, so the last one
            # wins whole instead of colliding on an entry both insert (SQLite's writes are
            # serialised already).
            tx.conn.execute(
                self._head_insert.on_conflict_do_update(
                    index_elements=[timeline_heads.c.key], set_={"length": len(ids)}
                ),
                [{"key": key, "length": len(ids)}],
            )
            if not self.db.is_sqlite:
                tx.conn.execute(
                    select(timeline_heads.c.key)
                    .where(timeline_heads.c.key == key)
                    .with_for_update()
                )
            tx.conn.execute(delete(timeline_entries).where(timeline_entries.c.key == key))
            if ids:
                tx.conn.execute(
                    self._insert.on_conflict_do_nothing(), [{"key": key, "post_id": p} for p in ids]
                )

    @contextmanager
    def rebuilding(self, key: str) -> Iterator[bool]:
        """Always: the database serialises concurrent replaces (see ``replace``)."""
        yield True

    def drop(self, key: str) -> None:
        with self.db.write() as tx:
            tx.conn.execute(delete(timeline_entries).where(timeline_entries.c.key == key))
            tx.conn.execute(delete(timeline_heads).where(timeline_heads.c.key == key))

    def _trim(self, conn: Connection, keys: Sequence[str]) -> None:
        """Keep the newest ``cap`` entries of each key. One query finds, per key, the
        first entry past the cap (an index walk of at most ``cap`` steps); a delete
        per over-full key removes it and everything older. (A single correlated
        DELETE re-ran that walk for every row: 0.7 s for 40 timelines of 800.) The
        walk is why it runs only once a timeline's length bound passes the slack."""
        if not keys:
            return
        cutoffs = conn.execute(
            text(
                "SELECT h.key, (SELECT t.post_id FROM timeline_entries t WHERE t.key = h.key"
                " ORDER BY t.post_id DESC LIMIT 1 OFFSET :cap) FROM timeline_heads h"
                " WHERE h.key IN :keys"
            ).bindparams(bindparam("keys", expanding=True)),
            {"keys": list(keys), "cap": self.cap},
        ).all()
        over = [{"k": key, "cutoff": cutoff} for key, cutoff in cutoffs if cutoff is not None]
        if over:
            conn.execute(
                delete(timeline_entries).where(
                    timeline_entries.c.key == bindparam("k"),
                    timeline_entries.c.post_id <= bindparam("cutoff"),
                ),
                over,
            )
        # Each now holds ``cap`` entries at most (fewer if repeated adds inflated its bound).
        conn.execute(
            update(timeline_heads)
            .where(timeline_heads.c.key.in_(list(keys)))
            .values(length=self.cap)
        )
