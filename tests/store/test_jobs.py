"""The durable job queue: exactly one claimant per job, leases, backoff, parking,
and the doorbell that starts an idle worker at once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.jobs import MAX_ATTEMPTS, JobQueue, jobs
from roost.store.schema import utcnow
from roost.timelines.actions import SOLO_JOBS
from roost.timelines.feeds import home_key
from roost.worker import HANDLERS, Worker
from tests.conftest import People


def enqueue(rt: Runtime, count: int, kind: str = "test.noop") -> None:
    with rt.db.write() as tx:
        rt.jobs.enqueue_many(tx, kind, [{"n": i} for i in range(count)])


def make_due(rt: Runtime) -> None:
    """Moves every retry's time to now, as if its backoff had passed."""
    with rt.db.write() as tx:
        tx.conn.execute(update(jobs).values(run_at=utcnow() - timedelta(seconds=1)))


def test_concurrent_workers_claim_each_job_exactly_once(rt: Runtime) -> None:
    # given
    enqueue(rt, 120)
    claims: Counter[int] = Counter()
    lock = threading.Lock()

    def claim_until_empty(name: str) -> None:
        while batch := rt.jobs.claim(name, limit=3):
            with lock:
                claims.update(job.id for job in batch)

    # when four workers race for them
    threads = [threading.Thread(target=claim_until_empty, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert len(claims) == 120
    assert set(claims.values()) == {1}


def test_a_failing_job_backs_off_then_is_parked_and_can_be_retried(rt: Runtime) -> None:
    enqueue(rt, 1, kind="test.no-handler")
    worker = Worker(rt, name="w", listen=False)
    # the first failure schedules a retry in the future
    assert worker.run_once() == 1
    assert rt.jobs.claim("w") == []
    with rt.db.read() as conn:
        row = conn.execute(select(jobs)).one()
    assert row.run_at > utcnow()
    assert "no handler" in row.last_error
    # every further failure too, until it is parked
    for _ in range(MAX_ATTEMPTS - 1):
        make_due(rt)
        assert worker.run_once() == 1
    make_due(rt)
    assert rt.jobs.claim("w") == []
    parked = rt.jobs.parked()
    assert [p["attempts"] for p in parked] == [MAX_ATTEMPTS]
    assert rt.jobs.pending_count() == 0
    # an administrator retries it
    assert rt.jobs.retry_parked() == 1
    assert [j.attempts for j in rt.jobs.claim("w")] == [1]


def test_a_dead_workers_job_is_claimed_again_when_its_lease_expires(rt: Runtime) -> None:
    queue = JobQueue(rt.db, lease_seconds=0.5)
    enqueue(rt, 1)
    [first] = queue.claim("dies")
    assert queue.claim("survivor") == []
    time.sleep(0.6)
    [again] = queue.claim("survivor")
    assert again.id == first.id
    assert again.attempts == 2


def test_a_late_failure_from_an_expired_lease_leaves_the_new_holder_alone(rt: Runtime) -> None:
    queue = JobQueue(rt.db, lease_seconds=0.3)
    enqueue(rt, 1)
    [stale] = queue.claim("slow")
    time.sleep(0.4)
    [current] = queue.claim("fast")
    queue.fail(stale, "timed out")
    with rt.db.read() as conn:
        row = conn.execute(select(jobs)).one()
    assert row.locked_by == "fast"
    assert row.last_error is None
    queue.complete(current.id)
    assert queue.pending_count() == 0


def test_an_idle_worker_starts_a_new_job_without_waiting_for_its_poll(
    rt: Runtime, people: People
) -> None:
    # given a worker that would poll only every 30 s
    bob = people.bob
    worker = Worker(rt, name="idle")
    thread = threading.Thread(target=worker.run_forever, kwargs={"poll_seconds": 30})
    thread.start()
    try:
        time.sleep(0.3)  # it has found nothing and sleeps; scale mode: the bell subscribed
        # when
        post = do_create_post(rt, bob, "ring ring")
        # then the fan-out job runs at once
        deadline = time.monotonic() + 2
        while rt.timelines.page(home_key(bob)) != [post]:
            assert time.monotonic() < deadline, "the worker was not woken"
            time.sleep(0.01)
    finally:
        worker.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_a_job_that_kills_its_worker_is_parked_after_the_attempt_limit(rt: Runtime) -> None:
    # given a job whose every worker dies holding it: each lease expires, nobody fails it
    queue = JobQueue(rt.db, lease_seconds=0.05)
    enqueue(rt, 1)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        [job] = queue.claim(f"dies-{attempt}")
        assert job.attempts == attempt
        time.sleep(0.06)
    # when the next worker claims, it is not run again
    assert queue.claim("next") == []
    # then it is parked, for an administrator to look at
    [parked] = queue.parked()
    assert parked["attempts"] == MAX_ATTEMPTS
    assert "lease" in parked["last_error"]
    assert parked["locked_by"] is None
    assert queue.pending_count() == 0
    assert queue.retry_parked() == 1
    assert [j.attempts for j in queue.claim("w")] == [1]


def test_a_long_job_keeps_its_lease_while_it_runs(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a job that runs three times as long as the lease
    monkeypatch.setattr(rt.jobs, "lease", timedelta(seconds=0.3))
    started, taken = threading.Event(), []

    def slow(_rt: Runtime, _payload: dict[str, Any]) -> None:
        started.set()
        time.sleep(0.9)

    monkeypatch.setitem(HANDLERS, "test.slow", slow)
    enqueue(rt, 1, kind="test.slow")
    worker = Worker(rt, name="slow", listen=False)
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    # when other workers look for work all along
    assert started.wait(5)
    while thread.is_alive():
        taken += rt.jobs.claim("other")
        time.sleep(0.05)
    # then none took it over, and it completed
    assert taken == []
    assert rt.jobs.pending_count() == 0


def test_a_worker_killed_holding_a_batch_leaves_it_to_be_claimed_after_the_lease(
    rt: Runtime, people: People
) -> None:
    # given a worker that claimed a batch of fan-outs, then died before running any
    queue = JobQueue(rt.db, lease_seconds=0.5)
    bob = people.bob
    rt.timelines.replace(home_key(bob), [])
    posts = [do_create_post(rt, bob, f"batch {n}") for n in range(5)]
    batch = queue.claim("dies", limit=10)
    assert len(batch) == 5
    # when another worker looks before the lease ends, it finds nothing
    assert queue.claim("survivor") == []
    time.sleep(0.6)
    # then after it, each job is claimed again (alone: it was claimed once already)
    # and every post reaches its timeline
    rt.jobs.lease = queue.lease
    worker = Worker(rt, name="survivor", listen=False)
    ran = 0
    while step := worker.run_once():
        assert step == 1
        ran += step
    assert ran == 5
    assert rt.timelines.page(home_key(bob)) == posts[::-1]
    assert rt.jobs.pending_count() == 0


def test_a_batch_holds_one_delivery_to_many_timelines(rt: Runtime) -> None:
    # given plenty of small jobs and several large deliveries, all ready
    enqueue(rt, 4, kind="timelines.deliver")
    enqueue(rt, 6)
    # when two workers claim
    first = rt.jobs.claim("a", limit=20, solo=SOLO_JOBS)
    second = rt.jobs.claim("b", limit=20, solo=SOLO_JOBS)
    # then each holds one delivery: the others are left for idle workers
    assert [j.kind for j in first].count("timelines.deliver") == 1
    assert [j.kind for j in second].count("timelines.deliver") == 1
    assert len(first) + len(second) == 8
