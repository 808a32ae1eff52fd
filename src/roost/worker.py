"""The job runner: ``roost worker`` in scale mode, a thread of the web process in
the embedded default, and ``drain`` for tests and the CLI.

Any number of workers may run against one database; the queue hands each job to
one of them (see ``roost.store.jobs``). A worker claims a batch of jobs in one
transaction and reports their completions in one more: a post's jobs are small,
and two bookkeeping transactions per job cost more than the jobs themselves (on
SQLite they queue for the one writer's lock with every request that writes). A
batch holds at most one delivery to thousands of timelines (``SOLO_JOBS``): a
large fan-out is split into delivery jobs so that idle workers share it, and a
worker holding ten of them would do them one after another.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import socket
import threading
import traceback
from collections.abc import Callable
from typing import Any

from roost.archive.export import JOB_HANDLERS as EXPORT_JOBS
from roost.archive.imports import JOB_HANDLERS as IMPORT_JOBS
from roost.archive.overwrite import JOB_HANDLERS as OVERWRITE_JOBS
from roost.chats.actions import JOB_HANDLERS as CHAT_JOBS
from roost.graph.actions import JOB_HANDLERS as GRAPH_JOBS
from roost.mail.actions import JOB_HANDLERS as MAIL_JOBS
from roost.media.actions import JOB_HANDLERS as MEDIA_JOBS
from roost.moderation.removal import JOB_HANDLERS as MODERATION_JOBS
from roost.notifications.delivery import JOB_HANDLERS as NOTIFICATION_JOBS
from roost.notifications.digest import JOB_HANDLERS as DIGEST_JOBS
from roost.notifications.polls import JOB_HANDLERS as POLL_JOBS
from roost.phones.outbound import JOB_HANDLERS as PHONE_JOBS
from roost.registrations.actions import JOB_HANDLERS as REGISTRATION_JOBS
from roost.removal.actions import JOB_HANDLERS as REMOVAL_JOBS
from roost.runtime import Runtime
from roost.scheduled.actions import JOB_HANDLERS as SCHEDULED_JOBS
from roost.store.jobs import Job
from roost.timelines.actions import JOB_HANDLERS as TIMELINE_JOBS
from roost.timelines.actions import SOLO_JOBS
from roost.timelines.edits import JOB_HANDLERS as EDIT_JOBS
from roost.trends.actions import JOB_HANDLERS as TREND_JOBS

log = logging.getLogger("roost.worker")

Handler = Callable[[Runtime, dict[str, Any]], None]

HANDLERS: dict[str, Handler] = {
    **TIMELINE_JOBS,
    **NOTIFICATION_JOBS,
    **GRAPH_JOBS,
    **PHONE_JOBS,
    **MEDIA_JOBS,
    **TREND_JOBS,
    **CHAT_JOBS,
}
HANDLERS |= {**POLL_JOBS, **SCHEDULED_JOBS, **EDIT_JOBS}  # issue 12: polls, scheduled, edits
HANDLERS |= MODERATION_JOBS  # issue 14: a suspended account's data removed after 30 days
HANDLERS |= REGISTRATION_JOBS
HANDLERS |= {**REMOVAL_JOBS, **EXPORT_JOBS, **IMPORT_JOBS, **OVERWRITE_JOBS}  # issue 14: your data
HANDLERS |= {**MAIL_JOBS, **DIGEST_JOBS}  # issue 14: outbound mail, digests

# Jobs claimed per transaction. A worker killed mid-batch leaves them all to be claimed
# again when their leases expire, and handlers are idempotent.
CLAIM_BATCH = 20

_serial = itertools.count(1)  # tells apart the workers of one process in ``locked_by``


class Worker:
    def __init__(
        self,
        rt: Runtime,
        *,
        name: str | None = None,
        batch: int = CLAIM_BATCH,
        listen: bool = True,
    ) -> None:
        self.rt = rt
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{next(_serial)}"
        self.batch = batch
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        if listen:
            rt.jobs.add_waker(self.wakeup.set)

    def run_once(self) -> int:
        """Claims and runs one batch; returns how many jobs it ran."""
        claimed = self.rt.jobs.claim(self.name, self.batch, solo=SOLO_JOBS)
        if not claimed:
            return 0
        done = threading.Event()
        heartbeat = threading.Thread(
            target=self._heartbeat, args=(claimed, done), name="roost-heartbeat", daemon=True
        )
        heartbeat.start()
        completed: list[int] = []
        try:
            for job in claimed:
                if self._handle(job, HANDLERS.get(job.kind)):
                    completed.append(job.id)
            self.rt.jobs.complete_many(completed)
        finally:
            done.set()
            heartbeat.join()
        return len(claimed)

    def _heartbeat(self, batch: list[Job], done: threading.Event) -> None:
        """Renews the leases of the batch in hand every third of a lease: a long job (a
        large deletion, a slow database) is not claimed again by another worker mid-run,
        nor are the jobs waiting behind it in the batch."""
        interval = self.rt.jobs.lease.total_seconds() / 3
        while not done.wait(interval):
            try:
                if not self.rt.jobs.renew(batch):
                    return  # taken over: their new holders run them
            except Exception:  # the database went away for a moment: the next beat retries
                log.exception("renewing the leases of %d job(s) failed", len(batch))

    def _handle(self, job: Job, handler: Handler | None) -> bool:
        """Runs one job; True if it succeeded (its completion is reported with the
        batch's), False if it failed and was rescheduled or parked."""
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            handler(self.rt, job.payload)
        except Exception:  # any failure is retried with backoff, then parked
            log.exception("job %s (%s) failed", job.id, job.kind)
            self.rt.jobs.fail(job, traceback.format_exc())
            return False
        return True

    def run_forever(self, poll_seconds: float = 1.0) -> None:
        while not self.stopping.is_set():
            try:
                ran = self.run_once()
            except Exception:  # the database went away for a moment: wait and retry
                log.exception("claiming jobs failed")
                ran = 0
            if not ran:
                self.wakeup.wait(poll_seconds)
                self.wakeup.clear()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="roost-worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()
        self.wakeup.set()


def run_until_signalled(rt: Runtime, concurrency: int = 1) -> None:
    """``roost worker``: runs ``concurrency`` workers until SIGTERM or SIGINT. Each
    finishes the job in hand before stopping, so a restart during a deploy leaves
    no job waiting for its lease to expire."""
    workers = [Worker(rt) for _ in range(concurrency)]

    def stop(_signum: int, _frame: object) -> None:
        for w in workers:
            w.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threads = [w.start_thread() for w in workers]
    log.info("worker %s started", ", ".join(w.name for w in workers))
    for thread in threads:
        while thread.is_alive():  # join in slices: signal handlers run on the main thread
            thread.join(0.5)


def drain(rt: Runtime, *, max_rounds: int = 10_000) -> int:
    """Runs jobs until none is ready; returns how many ran. Tests use it to settle fan-out."""
    worker = Worker(rt, name="drain", batch=50, listen=False)
    total = 0
    for _ in range(max_rounds):
        ran = worker.run_once()
        if not ran:
            break
        total += ran
    return total
