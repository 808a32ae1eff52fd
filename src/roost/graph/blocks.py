"""Block and mute a person. A block is silent to the blocked and hides each from the
other everywhere (``roost.posts.visibility``); it also ends follows both ways, with
their counters, timeline purges and follow notifications, as unfollowing does. A
mute changes no stored timeline: reads leave the muted person's posts out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from roost.accounts.models import accounts
from roost.errors import NotFound, ValidationFailed
from roost.graph.actions import unfollow_in
from roost.graph.models import blocks, mutes
from roost.ids import new_id
from roost.runtime import Runtime
from roost.store.db import Tx, is_id_collision, retry_on_id_collision
from roost.store.schema import utcnow

# A hundred years: "for ever" for any person, and far from datetime's limits.
MAX_MUTE_SECONDS = 100 * 365 * 24 * 3600


@retry_on_id_collision
def do_block(rt: Runtime, account_id: int, target_id: int) -> bool:
    """Returns True if a new block was made (False if it already existed)."""
    if account_id == target_id:
        raise ValidationFailed("You cannot block yourself", field="id")
    try:
        with rt.db.write() as tx:
            _check_exists(tx, target_id)
            existing = tx.conn.scalar(
                select(blocks.c.id).where(
                    blocks.c.account_id == account_id, blocks.c.target_account_id == target_id
                )
            )
            if existing is not None:
                return False
            tx.conn.execute(
                blocks.insert().values(
                    id=new_id(),
                    account_id=account_id,
                    target_account_id=target_id,
                    created_at=utcnow(),
                )
            )
            unfollow_in(tx, rt, account_id, target_id)
            unfollow_in(tx, rt, target_id, account_id)
    except IntegrityError as exc:  # a concurrent identical block committed first
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return False
    return True


def do_unblock(rt: Runtime, account_id: int, target_id: int) -> bool:
    with rt.db.write() as tx:
        deleted = tx.conn.execute(
            delete(blocks).where(
                blocks.c.account_id == account_id, blocks.c.target_account_id == target_id
            )
        ).rowcount
    return bool(deleted)


@retry_on_id_collision
def do_mute(
    rt: Runtime,
    account_id: int,
    target_id: int,
    *,
    notifications: bool = True,
    duration: int = 0,
) -> None:
    """Mutes (or changes the mute of) ``target_id``; ``duration`` in seconds, 0 for ever.
    Muting again replaces the options, as Mastodon's mute endpoint does."""
    if account_id == target_id:
        raise ValidationFailed("You cannot mute yourself", field="id")
    if duration < 0:
        raise ValidationFailed("duration must not be negative", field="duration")
    if duration > MAX_MUTE_SECONDS:  # a date past year 9999 cannot be stored
        raise ValidationFailed("duration is too long (0 mutes for ever)", field="duration")
    now = utcnow()
    values = {
        "notifications": notifications,
        "expires_at": now + timedelta(seconds=duration) if duration else None,
    }
    try:
        with rt.db.write() as tx:
            _check_exists(tx, target_id)
            changed = tx.conn.execute(
                update(mutes)
                .where(mutes.c.account_id == account_id, mutes.c.target_account_id == target_id)
                .values(**values)
            ).rowcount
            if not changed:
                tx.conn.execute(
                    mutes.insert().values(
                        id=new_id(),
                        account_id=account_id,
                        target_account_id=target_id,
                        created_at=now,
                        **values,
                    )
                )
    except IntegrityError as exc:  # a concurrent mute committed first; its options stand
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return


def do_unmute(rt: Runtime, account_id: int, target_id: int) -> bool:
    with rt.db.write() as tx:
        deleted = tx.conn.execute(
            delete(mutes).where(
                mutes.c.account_id == account_id, mutes.c.target_account_id == target_id
            )
        ).rowcount
    return bool(deleted)


def _check_exists(tx: Tx, account_id: int) -> None:
    """A deleted account is not found: its row stays only to keep its name taken."""
    if (
        tx.conn.scalar(
            select(accounts.c.id).where(
                accounts.c.id == account_id, accounts.c.deleted_at.is_(None)
            )
        )
        is None
    ):
        raise NotFound("Record not found")
