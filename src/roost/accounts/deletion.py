"""An account deleted by its owner: hidden and signed out at once, emptied by a job.

The request only does what must hold before the page answers: the password is
checked, ``deleted_at`` is set (every account read leaves the account out from
then on), the session epoch is bumped (every API token and web session dies in
the same transaction) and the purge job is enqueued with it. The job
(``roost.removal``) removes the posts, their copies in timelines, and everything
else; the row stays, emptied, so the username is never given to someone else.
"""

from __future__ import annotations

from sqlalchemy import select, update

from roost.accounts.actions import verify_password
from roost.accounts.models import accounts
from roost.accounts.sessions import end_all_web_sessions
from roost.errors import NotFound, ValidationFailed
from roost.runtime import Runtime
from roost.store.schema import utcnow

# Handled in ``roost.removal`` (it needs posts, graph, lists and timelines).
PURGE_ACCOUNT_JOB = "accounts.purge"


def do_delete_own_account(rt: Runtime, account_id: int, password: str) -> None:
    with rt.db.read() as conn:
        row = conn.execute(
            select(accounts.c.password_hash, accounts.c.deleted_at).where(
                accounts.c.id == account_id
            )
        ).first()
    if row is None or row.deleted_at is not None:
        raise NotFound("Record not found")
    if not row.password_hash or not verify_password(row.password_hash, password):
        raise ValidationFailed("The password is wrong", field="password")
    with rt.db.write() as tx:
        marked = tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id, accounts.c.deleted_at.is_(None))
            .values(deleted_at=utcnow(), session_epoch=accounts.c.session_epoch + 1)
        ).rowcount
        if not marked:  # deleted meanwhile by another request: its job is on its way
            return
        end_all_web_sessions(tx, account_id)
        rt.jobs.enqueue(tx, PURGE_ACCOUNT_JOB, {"account_id": account_id})
