"""Follow and unfollow. An unfollow notifies no one; both adjust timelines through jobs."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from roost.accounts.models import accounts
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.graph.models import blocks, follows
from roost.ids import new_id
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow

# Job kinds the timelines package handles (registered in roost.worker).
BACKFILL_JOB = "timelines.backfill"
PURGE_JOB = "timelines.purge"
# Tells (or stops telling) the followed person (``roost.notifications`` handles it).
FOLLOW_NOTIFY_JOB = "notifications.follow"


def do_follow(rt: Runtime, account_id: int, target_id: int, *, notify: bool | None = None) -> bool:
    """Returns True if a new follow was made (False if it already existed). ``notify``
    ("tell me when they post") is set on the follow; None leaves it as it is, and
    following again with a value changes it, as Mastodon's follow endpoint does."""
    if account_id == target_id:
        raise ValidationFailed("You cannot follow yourself", field="id")
    try:
        with rt.db.write() as tx:
            locked = tx.conn.scalar(select(accounts.c.locked).where(accounts.c.id == target_id))
            if locked is None:
                raise NotFound("Record not found")
            check_not_blocked(tx.conn, account_id, target_id)
            if locked:
                # A locked account approves its followers and follow requests do not exist
                # yet: following at once would hand over its followers-only posts.
                raise Forbidden(
                    "This account approves its followers; follow requests are not available"
                )
            existing = tx.conn.scalar(
                select(follows.c.id).where(
                    follows.c.account_id == account_id, follows.c.target_account_id == target_id
                )
            )
            if existing is not None:
                if notify is not None:
                    tx.conn.execute(
                        update(follows).where(follows.c.id == existing).values(notify=notify)
                    )
                return False
            tx.conn.execute(
                follows.insert().values(
                    id=new_id(),
                    account_id=account_id,
                    target_account_id=target_id,
                    created_at=utcnow(),
                    notify=bool(notify),
                )
            )
            _bump(tx.conn, account_id, following=1)
            _bump(tx.conn, target_id, followers=1)
            pair = {"account_id": account_id, "target_id": target_id}
            rt.jobs.enqueue(tx, BACKFILL_JOB, pair)
            rt.jobs.enqueue(tx, FOLLOW_NOTIFY_JOB, pair)
    except IntegrityError:  # a concurrent identical follow committed first
        return False
    return True


def do_unfollow(rt: Runtime, account_id: int, target_id: int) -> bool:
    with rt.db.write() as tx:
        return unfollow_in(tx, rt, account_id, target_id)


def unfollow_in(tx: Tx, rt: Runtime, account_id: int, target_id: int) -> bool:
    """``do_unfollow`` inside the caller's transaction (a block unfollows both ways)."""
    deleted = tx.conn.execute(
        delete(follows).where(
            follows.c.account_id == account_id, follows.c.target_account_id == target_id
        )
    ).rowcount
    if not deleted:
        return False
    _bump(tx.conn, account_id, following=-1)
    _bump(tx.conn, target_id, followers=-1)
    pair = {"account_id": account_id, "target_id": target_id}
    rt.jobs.enqueue(tx, PURGE_JOB, pair)
    # Withdraws the follow notification; an unfollow itself tells no one.
    rt.jobs.enqueue(tx, FOLLOW_NOTIFY_JOB, pair)
    return True


def check_not_blocked(conn: Connection, account_id: int, target_id: int) -> None:
    """Refuses a follow across a block, either way (Mastodon answers 403 too)."""
    across = conn.scalar(
        select(blocks.c.id).where(
            ((blocks.c.account_id == account_id) & (blocks.c.target_account_id == target_id))
            | ((blocks.c.account_id == target_id) & (blocks.c.target_account_id == account_id))
        )
    )
    if across is not None:
        raise Forbidden("This action is not allowed")


def _bump(conn: Connection, account_id: int, *, following: int = 0, followers: int = 0) -> None:
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(
            following_count=accounts.c.following_count + following,
            followers_count=accounts.c.followers_count + followers,
        )
    )
