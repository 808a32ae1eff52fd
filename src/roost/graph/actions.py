"""Follow and unfollow, and the follow requests a locked account approves. An
unfollow notifies no one; follows adjust timelines through jobs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from roost.accounts.actions import UNLOCKED_JOB
from roost.accounts.models import accounts
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.graph.models import blocks, follow_requests, follows
from roost.ids import new_id
from roost.runtime import Runtime
from roost.store.db import Tx, is_id_collision, retry_on_id_collision
from roost.store.ratelimit import RateRule
from roost.store.schema import utcnow

# Job kinds the timelines package handles (registered in roost.worker).
BACKFILL_JOB = "timelines.backfill"
PURGE_JOB = "timelines.purge"
# Tells (or stops telling) the followed person (``roost.notifications`` handles it).
FOLLOW_NOTIFY_JOB = "notifications.follow"
# Tells a locked account someone asks to follow it, or withdraws that notification
# once the request is gone (authorized, rejected or cancelled).
FOLLOW_REQUEST_NOTIFY_JOB = "notifications.follow_request"


# Mastodon's: 400 follows per 24 hours per account.
FOLLOW_RULE = RateRule("follows", 400, 24 * 3600, per="account")


@retry_on_id_collision
def do_follow(rt: Runtime, account_id: int, target_id: int, *, notify: bool | None = None) -> bool:
    """Returns True if a new follow or follow request was made (False if it already
    existed). A locked target gets a request to approve instead of a follow, as in
    Mastodon. ``notify`` ("tell me when they post") is set on the follow (or kept on
    the request until it becomes one); None leaves it as it is, and following again
    with a value changes it, as Mastodon's follow endpoint does."""
    if account_id == target_id:
        raise ValidationFailed("You cannot follow yourself", field="id")
    rt.limiter.enforce(FOLLOW_RULE, account_id)
    try:
        with rt.db.write() as tx:
            locked = tx.conn.scalar(  # a deleted account is not found
                select(accounts.c.locked).where(
                    accounts.c.id == target_id, accounts.c.deleted_at.is_(None)
                )
            )
            if locked is None:
                raise NotFound("Record not found")
            check_not_blocked(tx.conn, account_id, target_id)
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
            if locked:
                return _request(rt, tx, account_id, target_id, notify)
            _make_follow(rt, tx, account_id, target_id, notify=bool(notify))
    except IntegrityError as exc:  # a concurrent identical follow (or request) committed first
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return False
    return True


def _request(rt: Runtime, tx: Tx, account_id: int, target_id: int, notify: bool | None) -> bool:
    """Files (or updates) a follow request; True when it is new."""
    pending = _pending(tx.conn, account_id, target_id)
    if pending is not None:
        if notify is not None:
            tx.conn.execute(
                update(follow_requests).where(follow_requests.c.id == pending).values(notify=notify)
            )
        return False
    tx.conn.execute(
        follow_requests.insert().values(
            id=new_id(),
            account_id=account_id,
            target_account_id=target_id,
            notify=bool(notify),
            created_at=utcnow(),
        )
    )
    pair = {"account_id": account_id, "target_id": target_id}
    rt.jobs.enqueue(tx, FOLLOW_REQUEST_NOTIFY_JOB, pair)
    return True


def _make_follow(rt: Runtime, tx: Tx, account_id: int, target_id: int, *, notify: bool) -> None:
    """The follow itself, whether made at once or by authorizing a request: the edge,
    both counters, the backfill of the follower's home and the follow notification."""
    tx.conn.execute(
        follows.insert().values(
            id=new_id(),
            account_id=account_id,
            target_account_id=target_id,
            created_at=utcnow(),
            notify=notify,
        )
    )
    _bump(tx.conn, account_id, following=1)
    _bump(tx.conn, target_id, followers=1)
    pair = {"account_id": account_id, "target_id": target_id}
    rt.jobs.enqueue(tx, BACKFILL_JOB, pair)
    rt.jobs.enqueue(tx, FOLLOW_NOTIFY_JOB, pair)


def _pending(conn: Connection, account_id: int, target_id: int) -> int | None:
    found: int | None = conn.scalar(
        select(follow_requests.c.id).where(
            follow_requests.c.account_id == account_id,
            follow_requests.c.target_account_id == target_id,
        )
    )
    return found


def _following(conn: Connection, account_id: int, target_id: int) -> bool:
    return (
        conn.scalar(
            select(follows.c.id).where(
                follows.c.account_id == account_id, follows.c.target_account_id == target_id
            )
        )
        is not None
    )


def _drop_request(rt: Runtime, tx: Tx, account_id: int, target_id: int) -> bool | None:
    """Deletes the request; returns its ``notify`` flag, or None if there was none."""
    row = tx.conn.execute(
        select(follow_requests.c.id, follow_requests.c.notify).where(
            follow_requests.c.account_id == account_id,
            follow_requests.c.target_account_id == target_id,
        )
    ).first()
    if row is None:
        return None
    tx.conn.execute(delete(follow_requests).where(follow_requests.c.id == row.id))
    rt.jobs.enqueue(
        tx, FOLLOW_REQUEST_NOTIFY_JOB, {"account_id": account_id, "target_id": target_id}
    )
    return bool(row.notify)


@retry_on_id_collision
def do_authorize_follow_request(rt: Runtime, target_id: int, account_id: int) -> None:
    """``target_id`` approves ``account_id``'s request: it becomes a follow with the
    requested ``notify``. Raises NotFound when there is no such request."""
    try:
        with rt.db.write() as tx:
            notify = _drop_request(rt, tx, account_id, target_id)
            if notify is None:
                raise NotFound("Follow request not found")
            if not _following(tx.conn, account_id, target_id):
                _make_follow(rt, tx, account_id, target_id, notify=notify)
    except IntegrityError as exc:  # a concurrent approval made the follow first
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return


def do_reject_follow_request(rt: Runtime, target_id: int, account_id: int) -> None:
    """``target_id`` turns down ``account_id``'s request; the requester is not told."""
    with rt.db.write() as tx:
        if _drop_request(rt, tx, account_id, target_id) is None:
            raise NotFound("Follow request not found")


def do_authorize_all_follow_requests(rt: Runtime, target_id: int) -> int:
    """What unlocking an account does (as Mastodon): every pending request becomes a
    follow. One request per transaction, so a large backlog never holds the writer
    long. Returns how many were approved."""
    with rt.db.read() as conn:
        requesters = list(
            conn.scalars(
                select(follow_requests.c.account_id).where(
                    follow_requests.c.target_account_id == target_id
                )
            )
        )
    approved = 0
    for requester in requesters:
        try:
            do_authorize_follow_request(rt, target_id, requester)
        except NotFound:  # cancelled or handled meanwhile
            continue
        approved += 1
    return approved


def do_unfollow(rt: Runtime, account_id: int, target_id: int) -> bool:
    """Ends a follow, or cancels a pending follow request (Mastodon's unfollow does both)."""
    with rt.db.write() as tx:
        return unfollow_in(tx, rt, account_id, target_id)


def unfollow_in(tx: Tx, rt: Runtime, account_id: int, target_id: int) -> bool:
    """``do_unfollow`` inside the caller's transaction (a block unfollows both ways,
    pending requests included)."""
    deleted = tx.conn.execute(
        delete(follows).where(
            follows.c.account_id == account_id, follows.c.target_account_id == target_id
        )
    ).rowcount
    if not deleted:
        return _drop_request(rt, tx, account_id, target_id) is not None
    _bump(tx.conn, account_id, following=-1)
    _bump(tx.conn, target_id, followers=-1)
    pair = {"account_id": account_id, "target_id": target_id}
    # The count this unfollow left: the purge sees whether it crossed the fan-out margin.
    followers = tx.conn.scalar(select(accounts.c.followers_count).where(accounts.c.id == target_id))
    rt.jobs.enqueue(tx, PURGE_JOB, pair | {"followers_left": followers})
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


def handle_unlocked(rt: Runtime, payload: dict[str, Any]) -> None:
    """The account was unlocked: approve what waits, unless it was locked again since."""
    account_id = int(payload["account_id"])
    with rt.db.read() as conn:
        locked = conn.scalar(select(accounts.c.locked).where(accounts.c.id == account_id))
    if locked is False:
        do_authorize_all_follow_requests(rt, account_id)


JOB_HANDLERS = {UNLOCKED_JOB: handle_unlocked}
