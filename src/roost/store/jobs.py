"""The durable job queue: a table in the main database.

Why a table and not Redis streams: an action inserts its jobs in the *same
transaction* as the change that needs them (a post and its fan-out commit
together or not at all), so a process killed at any point loses nothing. Many
workers claim from it at once: PostgreSQL hands each job to exactly one of them
with ``FOR UPDATE SKIP LOCKED``; SQLite serialises writers with ``BEGIN
IMMEDIATE``, which gives the same guarantee. A claim is a lease: a worker that
dies lets its lease expire and the job is claimed again, so handlers must be
idempotent (timeline inserts are). A job that keeps failing is *parked* with its
last error, for ``roost jobs`` to show and retry.

Idle workers wait on a ``Doorbell`` that is rung after a commit that enqueued
jobs: in-process in the embedded default, a Redis channel in scale mode (so a
worker on another machine starts within milliseconds); they also poll, so a
lost ring only delays a job.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from roost.ids import new_id
from roost.store.db import Database, Tx
from roost.store.schema import Id, UTCDateTime, metadata, utcnow

jobs = Table(
    "jobs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("kind", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("run_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("locked_by", String(64), nullable=True),
    Column("parked", Boolean, nullable=False, default=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_jobs_ready", jobs.c.parked, jobs.c.run_at)

# "This was done once": a job that splits its work marks the split in the transaction
# that enqueues the parts, so a retry (its worker died before reporting) neither
# enqueues them again nor announces the work twice. A mark outlives its job (the job
# row is deleted on completion) and is forgotten after ``MARK_DAYS``.
job_marks = Table(
    "job_marks",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_job_marks_created_at", job_marks.c.created_at)
MARK_DAYS = 2
MARK_SWEEP_CHANCE = 0.02  # one mark in fifty sweeps a few old ones: no timer needed

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    worker: str = ""  # who holds the lease: a late report from an expired lease is ignored


class Doorbell(Protocol):
    def ring(self) -> None: ...

    def listen(self, callback: Callable[[], None]) -> None: ...

    def close(self) -> None: ...


class LocalDoorbell:
    """Wakes the workers of this process only: the embedded default."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def ring(self) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def listen(self, callback: Callable[[], None]) -> None:
        with self._lock:
            self._callbacks.append(callback)

    def close(self) -> None:
        pass


class JobQueue:
    def __init__(
        self, db: Database, *, lease_seconds: float = 30.0, doorbell: Doorbell | None = None
    ) -> None:
        self.db = db
        self.lease = timedelta(seconds=lease_seconds)
        self.doorbell: Doorbell = doorbell or LocalDoorbell()

    # -- producing ------------------------------------------------------------
    def enqueue(self, tx: Tx, kind: str, payload: dict[str, Any], *, delay: float = 0) -> None:
        self.enqueue_many(tx, kind, [payload], delay=delay)

    def enqueue_many(
        self, tx: Tx, kind: str, payloads: list[dict[str, Any]], *, delay: float = 0
    ) -> None:
        if not payloads:
            return
        now = utcnow()
        run_at = now + timedelta(seconds=delay)
        tx.conn.execute(
            insert(jobs),
            [
                {
                    "id": new_id(),
                    "kind": kind,
                    "payload": payload,
                    "run_at": run_at,
                    "attempts": 0,
                    "parked": False,
                    "created_at": now,
                }
                for payload in payloads
            ],
        )
        tx.on_commit(self.wake)

    def mark_once(self, tx: Tx, key: str) -> bool:
        """True the first time ``key`` is marked (and the mark commits with ``tx``),
        False on every later attempt: the work it guards is already done or enqueued."""
        now = utcnow()
        table_insert = pg_insert if not self.db.is_sqlite else sqlite_insert
        added = tx.conn.execute(
            table_insert(job_marks)
            .values(key=key, created_at=now)
            .on_conflict_do_nothing(index_elements=[job_marks.c.key])
            .returning(job_marks.c.key)  # rowcount is not reliable here across drivers
        ).first()
        if random.random() < MARK_SWEEP_CHANCE:
            old = (
                select(job_marks.c.key)
                .where(job_marks.c.created_at < now - timedelta(days=MARK_DAYS))
                .limit(100)
            )
            if not self.db.is_sqlite:  # concurrent sweeps skip each other's rows
                old = old.with_for_update(skip_locked=True)
            tx.conn.execute(delete(job_marks).where(job_marks.c.key.in_(old.scalar_subquery())))
        return added is not None

    def add_waker(self, waker: Callable[[], None]) -> None:
        """Lets an idle worker start at once instead of at its next poll."""
        self.doorbell.listen(waker)

    def wake(self) -> None:
        self.doorbell.ring()

    # -- consuming ------------------------------------------------------------
    @contextmanager
    def _bookkeeping(self) -> Iterator[Tx]:
        """A transaction that records a claim, a completion or a failure. PostgreSQL
        may acknowledge its commit before the disk flush: if the server crashes and
        forgets it, the job is merely claimable or run again, which at-least-once
        handlers allow. This halves the cost of a small delivery job."""
        with self.db.write() as tx:
            if not self.db.is_sqlite:
                tx.conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield tx

    def claim(self, worker: str, limit: int = 10, *, solo: Set[str] = frozenset()) -> list[Job]:
        """Up to ``limit`` ready jobs in one transaction, oldest first. Two kinds of job
        do not share a batch, so that one worker's batch neither hoards work that idle
        workers could share nor takes innocent jobs down with it:

        - at most one job of a ``solo`` kind (a delivery to thousands of timelines),
          the others being left to other workers;
        - a job claimed before that never completed (its worker died, or it failed)
          is claimed alone: a job that kills its worker burns only its own attempts.
        """
        now = utcnow()
        ready = (
            select(jobs.c.id, jobs.c.kind, jobs.c.attempts)
            .where(
                jobs.c.parked.is_(False),
                jobs.c.run_at <= now,
                or_(jobs.c.locked_until.is_(None), jobs.c.locked_until < now),
            )
            .order_by(jobs.c.run_at)
            .limit(limit)
        )
        if not self.db.is_sqlite:
            ready = ready.with_for_update(skip_locked=True)
        with self._bookkeeping() as tx:
            chosen = _batch(tx.conn.execute(ready).all(), solo)
            if not chosen:
                return []
            rows = tx.conn.execute(
                update(jobs)
                .where(jobs.c.id.in_(chosen))
                .values(
                    locked_until=now + self.lease,
                    locked_by=worker,
                    attempts=jobs.c.attempts + 1,
                )
                .returning(jobs.c.id, jobs.c.kind, jobs.c.payload, jobs.c.attempts)
            ).all()
            # Attempts count claims: past the limit, every earlier holder's lease expired
            # without a report (the job kills or hangs its worker). Park it, not run it.
            spent = [r.id for r in rows if r.attempts > MAX_ATTEMPTS]
            if spent:
                tx.conn.execute(
                    update(jobs)
                    .where(jobs.c.id.in_(spent))
                    .values(
                        parked=True,
                        attempts=MAX_ATTEMPTS,
                        locked_until=None,
                        locked_by=None,
                        last_error=f"its lease expired on each of {MAX_ATTEMPTS} attempts:"
                        " the job may crash or hang its worker",
                    )
                )
        order = {job_id: n for n, job_id in enumerate(chosen)}
        return [
            Job(r.id, r.kind, _as_dict(r.payload), r.attempts, worker)
            for r in sorted(rows, key=lambda r: order[r.id])
            if r.attempts <= MAX_ATTEMPTS
        ]

    def renew(self, held: Job | Sequence[Job]) -> bool:
        """The heartbeat of long work: extends the leases of jobs still held by this
        worker, so no other claims them mid-run. False if every lease was lost."""
        batch = [held] if isinstance(held, Job) else list(held)
        if not batch:
            return False
        with self._bookkeeping() as tx:
            renewed = tx.conn.execute(
                update(jobs)
                .where(jobs.c.id.in_([j.id for j in batch]), jobs.c.locked_by == batch[0].worker)
                .values(locked_until=utcnow() + self.lease)
            ).rowcount
        return bool(renewed)

    def complete(self, job_id: int) -> None:
        self.complete_many([job_id])

    def complete_many(self, job_ids: Sequence[int]) -> None:
        """One transaction for a batch's completions. Unconditional: if a lease had
        expired and another worker runs the job too, the work is done either way
        (handlers are idempotent)."""
        if not job_ids:
            return
        with self._bookkeeping() as tx:
            tx.conn.execute(delete(jobs).where(jobs.c.id.in_(list(job_ids))))

    def fail(self, job: Job, error: str) -> None:
        """Retry with exponential backoff (jittered, so jobs that failed together do not
        return together); park after MAX_ATTEMPTS. A worker whose lease expired and was
        taken over leaves the job to its new holder."""
        values: dict[str, Any] = {
            "locked_until": None,
            "locked_by": None,
            "last_error": error[:4000],
        }
        if job.attempts >= MAX_ATTEMPTS:
            values["parked"] = True
        else:
            backoff = min(2**job.attempts, 600) * random.uniform(0.75, 1.25)
            values["run_at"] = utcnow() + timedelta(seconds=backoff)
        held = jobs.c.id == job.id
        if job.worker:
            held = and_(held, jobs.c.locked_by == job.worker)
        with self._bookkeeping() as tx:
            tx.conn.execute(update(jobs).where(held).values(**values))

    # -- administration -------------------------------------------------------
    def pending_count(self) -> int:
        with self.db.read() as conn:
            return int(
                conn.scalar(select(func.count()).select_from(jobs).where(jobs.c.parked.is_(False)))
                or 0
            )

    def parked(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(jobs).where(jobs.c.parked.is_(True)).order_by(jobs.c.id)
            ).all()
        return [dict(r._mapping) for r in rows]

    def retry_parked(self, job_id: int | None = None) -> int:
        cond: ColumnElement[bool] = jobs.c.parked.is_(True)
        if job_id is not None:
            cond = and_(cond, jobs.c.id == job_id)
        with self.db.write() as tx:
            result = tx.conn.execute(
                update(jobs)
                .where(cond)
                .values(parked=False, attempts=0, run_at=utcnow(), locked_until=None)
            )
            tx.on_commit(self.wake)
            return int(result.rowcount)


def _batch(ready: Sequence[Any], solo: Set[str]) -> list[int]:
    """Which of the ready rows (oldest first) one claim takes: see ``JobQueue.claim``."""
    chosen: list[int] = []
    took_solo = False
    for row in ready:
        if row.attempts > 0:  # tried before without completing: alone, or later
            if not chosen:
                return [row.id]
            continue
        if row.kind in solo:
            if took_solo:
                continue
            took_solo = True
        chosen.append(row.id)
    return chosen


def _as_dict(payload: Any) -> dict[str, Any]:
    if isinstance(payload, str):
        payload = json.loads(payload)
    assert isinstance(payload, dict)
    return payload
