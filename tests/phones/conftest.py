"""Phone fixtures: ``link(account, number)`` links and verifies a phone through the
real actions, reading the code from the outbox as the phone would; ``outbox(account)``
lists the texts sent to it; ``due_now()`` makes jobs waiting on a backoff or a hold
due, so a test can run them without waiting."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from roost.phones.actions import do_link_phone, do_verify_phone
from roost.phones.models import sms_texts
from roost.phones.outbound import SEND_JOB
from roost.runtime import Runtime
from roost.store.jobs import jobs
from roost.store.schema import utcnow
from roost.worker import HANDLERS

Link = Callable[[int, str], str]


def last_code(rt: Runtime, account_id: int) -> str:
    with rt.db.read() as conn:
        body = conn.scalar(
            select(sms_texts.c.body)
            .where(sms_texts.c.account_id == account_id, sms_texts.c.kind == "code")
            .order_by(sms_texts.c.id.desc())
            .limit(1)
        )
    match = re.search(r"\d{6}", body or "")
    assert match, body
    return match.group(0)


def texts(rt: Runtime, account_id: int, *, kind: str | None = None) -> list[Any]:
    query = select(sms_texts).where(sms_texts.c.account_id == account_id).order_by(sms_texts.c.id)
    if kind is not None:
        query = query.where(sms_texts.c.kind == kind)
    with rt.db.read() as conn:
        return list(conn.execute(query).all())


def sent_bodies(rt: Runtime, account_id: int) -> list[str]:
    return [t.body for t in texts(rt, account_id) if t.status == "sent" and t.kind != "code"]


def make_due(rt: Runtime) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(update(jobs).values(run_at=utcnow() - timedelta(seconds=1)))


@pytest.fixture
def link(rt: Runtime, settle: Callable[[], int]) -> Link:
    def link_phone(account_id: int, number: str) -> str:
        do_link_phone(rt, account_id, number)
        settle()
        do_verify_phone(rt, account_id, last_code(rt, account_id))
        return number

    return link_phone


def compose_only(rt: Runtime) -> None:
    """Runs every job but the sends, which wait (parked) for ``release_sends``."""
    while claimed := rt.jobs.claim("compose-only", 50):
        for job in claimed:
            if job.kind == SEND_JOB:
                with rt.db.write() as tx:
                    tx.conn.execute(
                        update(jobs).where(jobs.c.id == job.id).values(parked=True, attempts=0)
                    )
                continue
            HANDLERS[job.kind](rt, job.payload)
            rt.jobs.complete(job.id)


def release_sends(rt: Runtime) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            update(jobs).where(jobs.c.kind == SEND_JOB).values(parked=False, locked_until=None)
        )
