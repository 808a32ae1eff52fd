"""Removing a suspended account's data once its 30 days have passed (or at once, when
an admin deletes it): the delayed job the suspension enqueued.

The job decides again when it runs: an account unsuspended meanwhile keeps
everything, and one suspended again later waits for the job of that suspension.
``purge_account`` is the minimal removal a suspension needs — posts (with their
reposts, pictures, notifications and timeline entries, through the same action the
author's own delete uses), pictures never posted, and the profile's personal fields —
while the row itself stays, emptied, so that the username stays taken."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from roost.accounts.models import accounts
from roost.media.actions import do_delete_media
from roost.media.models import media_attachments
from roost.moderation.sanctions import PURGE_JOB, RETENTION
from roost.posts.actions import do_delete_post
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.schema import utcnow

BATCH = 200


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


def purge_account(rt: Runtime, account_id: int) -> None:
    """Idempotent: a retried job finds less to do, and the same end."""
    while True:
        with rt.db.read() as conn:
            ids = list(
                conn.scalars(
                    select(posts.c.id)
                    .where(posts.c.account_id == account_id, posts.c.reblog_of_id.is_(None))
                    .limit(BATCH)
                )
            ) or list(
                conn.scalars(
                    select(posts.c.id).where(posts.c.account_id == account_id).limit(BATCH)
                )
            )
        if not ids:
            break
        for post_id in ids:
            do_delete_post(rt, account_id, post_id)
    with rt.db.read() as conn:
        loose = list(
            conn.scalars(
                select(media_attachments.c.id).where(
                    media_attachments.c.account_id == account_id,
                    media_attachments.c.post_id.is_(None),
                )
            )
        )
    for media_id in loose:
        do_delete_media(rt, account_id, media_id)
    with rt.db.write() as tx:
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(
                display_name="",
                note="",
                note_html=None,
                fields=None,
                avatar=None,
                header=None,
                email=None,
                password_hash=None,
                registration_reason=None,
                deleted_at=utcnow(),
            )
        )


JOB_HANDLERS = {PURGE_JOB: handle_purge}
