"""The daily email of unread notifications, for those who ask for it (web settings).

One periodic job (``notifications.digest``) sweeps the opted-in accounts hourly and
mails each, at most once a day, how many notifications arrived unread since its last
digest (or in the last day); nothing new, no mail, and another look next hour.
Opting in makes sure a sweep is pending, and each sweep schedules the next while
anyone is opted in, so a server where nobody wants digests has no job waiting
forever. Two sweeps running at once mail nobody twice:
an account's digest is claimed by a conditional update of ``last_sent_at`` in the
transaction that queues its mail.
Only confirmed addresses of live accounts get one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update

from roost.accounts.emails import mail_account
from roost.accounts.models import accounts
from roost.ids import min_id_for
from roost.notifications.models import notification_digests
from roost.notifications.queries import unread_count
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.jobs import jobs
from roost.store.schema import utcnow

DIGEST_JOB = "notifications.digest"
EVERY = timedelta(days=1)
SWEEP_SECONDS = 3600
BATCH = 500
COUNT_LIMIT = 100  # "100 or more": the count is by index, bounded


def do_set_digest(rt: Runtime, account_id: int, on: bool) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            delete(notification_digests).where(notification_digests.c.account_id == account_id)
        )
        if on:
            tx.conn.execute(
                notification_digests.insert().values(account_id=account_id, created_at=utcnow())
            )
            _ensure_sweep(rt, tx)


def digest_enabled(rt: Runtime, account_id: int) -> bool:
    with rt.db.read() as conn:
        return (
            conn.scalar(
                select(notification_digests.c.account_id).where(
                    notification_digests.c.account_id == account_id
                )
            )
            is not None
        )


def _ensure_sweep(rt: Runtime, tx: Tx) -> None:
    """A sweep is pending, running or parked (``roost jobs retry`` revives it)."""
    if tx.conn.scalar(select(jobs.c.id).where(jobs.c.kind == DIGEST_JOB).limit(1)) is None:
        rt.jobs.enqueue(tx, DIGEST_JOB, {})


def digest_job(rt: Runtime, payload: dict[str, Any]) -> None:
    """One sweep, ``BATCH`` accounts at a time (``after``: where the last batch ended)."""
    now = utcnow()
    after = int(payload.get("after", 0))
    due = now - EVERY + timedelta(seconds=SWEEP_SECONDS / 2)  # hourly sweeps: ~daily
    with rt.db.read() as conn:
        rows = conn.execute(
            select(notification_digests.c.account_id, notification_digests.c.last_sent_at)
            .join(accounts, accounts.c.id == notification_digests.c.account_id)
            .where(
                or_(
                    notification_digests.c.last_sent_at.is_(None),
                    notification_digests.c.last_sent_at < due,
                ),
                accounts.c.email.is_not(None),
                accounts.c.email_confirmed_at.is_not(None),
                accounts.c.suspended_at.is_(None),
                accounts.c.deleted_at.is_(None),
                notification_digests.c.account_id > after,
            )
            .order_by(notification_digests.c.account_id)
            .limit(BATCH)
        ).all()
    for row in rows:
        _send_one(rt, row.account_id, row.last_sent_at, now)
    with rt.db.write() as tx:
        waiting = tx.conn.scalar(
            select(jobs.c.id)
            .where(jobs.c.kind == DIGEST_JOB, jobs.c.locked_until.is_(None))
            .limit(1)
        )
        anyone = tx.conn.scalar(select(notification_digests.c.account_id).limit(1))
        if len(rows) == BATCH:  # this sweep goes on
            rt.jobs.enqueue(tx, DIGEST_JOB, {"after": rows[-1].account_id})
        elif waiting is None and anyone is not None:
            rt.jobs.enqueue(tx, DIGEST_JOB, {}, delay=SWEEP_SECONDS)


def _send_one(rt: Runtime, account_id: int, last: datetime | None, now: datetime) -> None:
    """Nothing new: nothing sent, and the account is looked at again next sweep."""
    since = min_id_for(last or now - EVERY)
    count = unread_count(rt, account_id, limit=COUNT_LIMIT, after=since)
    if count == 0:
        return
    with rt.db.write() as tx:
        same = (
            notification_digests.c.last_sent_at.is_(None)
            if last is None
            else notification_digests.c.last_sent_at == last
        )
        claimed = tx.conn.execute(
            update(notification_digests)
            .where(and_(notification_digests.c.account_id == account_id, same))
            .values(last_sent_at=now)
            .returning(notification_digests.c.account_id)
        ).first()
        if claimed is None:  # another sweep has it
            return
        mail_account(
            rt,
            tx,
            account_id,
            "digest",
            kind="digest",
            count=count,
            more=count >= COUNT_LIMIT,
        )


JOB_HANDLERS = {DIGEST_JOB: digest_job}
