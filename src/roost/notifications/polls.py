"""Closing a poll at its end: its voters and its author get a ``poll`` notification.

The job was enqueued with the poll (``roost.posts.polls``) for the moment it ends;
it re-reads the poll, does nothing if the poll is gone, closed already, or not due
(an edit moved its end and enqueued another job), and marks it closed in the same
transaction as the notifications, so running twice tells nobody twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from roost.notifications.delivery import notify
from roost.notifications.policy import Cause
from roost.posts.models import polls
from roost.posts.polls import POLL_EXPIRED_JOB, due_poll, voter_ids
from roost.runtime import Runtime
from roost.store.schema import utcnow


def handle_poll_expired(rt: Runtime, payload: dict[str, Any]) -> None:
    poll_id = int(payload["poll_id"])
    now = utcnow()
    with rt.db.write() as tx:
        poll = due_poll(tx.conn, poll_id, now)
        if poll is None:
            return
        closed = tx.conn.execute(
            update(polls)
            .where(polls.c.id == poll_id, polls.c.closed_at.is_(None))
            .values(closed_at=now)
        ).rowcount
        if not closed:
            return
        recipients = [*voter_ids(tx.conn, poll_id), poll.account_id]
        notify(
            tx,
            [Cause(r, "poll", poll.account_id, poll.post_id) for r in dict.fromkeys(recipients)],
            rt,
        )


JOB_HANDLERS = {POLL_EXPIRED_JOB: handle_poll_expired}
