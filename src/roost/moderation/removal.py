"""Removing a suspended account's data once its 30 days have passed (or at once, when
an admin deletes it): the delayed job the suspension enqueued.

The job decides again when it runs: an account unsuspended meanwhile keeps
everything, and one suspended again later waits for the job of that suspension. The
removal itself is the one an owner's deletion runs (``roost.removal.purge_account``):
the row stays, emptied, so that the username stays taken."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.accounts.models import accounts
from roost.moderation.sanctions import PURGE_JOB, RETENTION
from roost.removal.actions import purge_account
from roost.runtime import Runtime
from roost.store.schema import utcnow


def handle_purge(rt: Runtime, payload: dict[str, Any]) -> None:
    account_id = int(payload["account_id"])
    with rt.db.read() as conn:
        row = conn.execute(
            select(accounts.c.suspended_at, accounts.c.deleted_at).where(
                accounts.c.id == account_id
            )
        ).first()
    if row is None or row.suspended_at is None or row.deleted_at is not None:
        return  # gone, lifted, or already removed
    if not payload.get("now") and utcnow() - row.suspended_at < RETENTION:
        return  # suspended again since: that suspension's own job will come
    purge_account(rt, account_id)


JOB_HANDLERS = {PURGE_JOB: handle_purge}
