"""Creating and withdrawing notifications. Runs in jobs, after the cause committed.

Every entry point *syncs* one cause with the database as it is now, rather than
replaying what happened: ``sync_favourite`` makes the notification exist if the
like exists and not otherwise. So jobs may run late, twice or out of order (a
like's job after its unlike's) and the result is still right, and a like,
unlike and like again leaves one notification. Undoing is a job of the same
kind; a deleted post's notifications go with it by the foreign key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, delete, func, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from roost.channels import notifications_channel
from roost.graph.actions import FOLLOW_NOTIFY_JOB, FOLLOW_REQUEST_NOTIFY_JOB
from roost.graph.models import blocks, follow_requests, follows
from roost.ids import new_id
from roost.notifications.models import (
    GROUPABLE,
    notification_requests,
    notifications,
)
from roost.notifications.policy import Cause, decide, is_following, read_facts, silenced
from roost.phones.outbound import queue_texts
from roost.posts.marks import FAVOURITE_JOB
from roost.posts.models import favourites, mentions, posts
from roost.posts.visibility import visible_clause
from roost.runtime import Runtime
from roost.store.db import IdCollision, Tx
from roost.store.schema import utcnow

# Mastodon's: a group keeps gathering likes for 12 hours after it began.
GROUP_SPAN_HOURS = 12
NOTIFY_BATCH = 500  # causes per transaction in a post's job


def notify(tx: Tx, causes: Sequence[Cause], rt: Runtime) -> list[int]:
    """Creates the notifications for these causes (existing ones stay as they are);
    the recipient's policy may file them as requests or drop them. Live listeners
    hear of the new, unfiltered ones after commit, and the phones of those who
    asked for texts get theirs (``roost.phones.outbound``). Returns the new IDs."""
    created: list[int] = []
    texted: list[tuple[int, str, int | None]] = []
    now = utcnow()
    # nobody is told about their own doings (but their poll's end)
    causes = [c for c in causes if c.recipient_id != c.from_account_id or c.type == "poll"]
    facts = read_facts(tx.conn, causes, now)
    dialect_insert = sqlite_insert if tx.conn.dialect.name == "sqlite" else postgresql_insert
    statement = dialect_insert(notifications).on_conflict_do_nothing()
    for cause in causes:
        if silenced(facts, cause):
            continue
        decision = decide(facts, cause, now)
        if decision == "drop":
            continue
        notification_id = new_id()
        inserted = tx.conn.execute(
            statement,
            {
                "id": notification_id,
                "account_id": cause.recipient_id,
                "from_account_id": cause.from_account_id,
                "type": cause.type,
                "post_id": cause.post_id,
                "group_key": _group_key(tx.conn, cause, notification_id, now),
                "filtered": decision == "filter",
                "created_at": now,
            },
        ).rowcount
        if not inserted:
            mine = select(notifications.c.id).where(notifications.c.id == notification_id)
            if tx.conn.scalar(mine) is not None:  # another notification holds this ID
                raise IdCollision(f"notification {notification_id}")  # the job runs again
            continue
        created.append(notification_id)
        if decision == "filter":
            _file_request(tx.conn, cause, now)
        else:
            tx.on_commit(_announce(rt, cause.recipient_id, notification_id))
            if cause.type != "status":  # those were texted before (``notify_about_post``)
                texted.append((cause.recipient_id, cause.type, cause.post_id))
    queue_texts(tx, rt, texted)
    return created


def _announce(rt: Runtime, recipient_id: int, notification_id: int) -> Callable[[], None]:
    channel, message = notifications_channel(recipient_id), f"notification:{notification_id}"
    return lambda: rt.pubsub.publish(channel, message)


def withdraw(tx: Tx, cause: Cause) -> None:
    """Removes the notification of a cause that no longer holds."""
    post = (
        notifications.c.post_id.is_(None)
        if cause.post_id is None
        else notifications.c.post_id == cause.post_id
    )
    tx.conn.execute(
        delete(notifications).where(
            notifications.c.type == cause.type,
            notifications.c.from_account_id == cause.from_account_id,
            notifications.c.account_id == cause.recipient_id,
            post,
        )
    )


def _group_key(conn: Connection, cause: Cause, notification_id: int, now: datetime) -> str:
    """Mastodon's grouping: likes (reposts, follows) of one post within 12 hours of the
    group's first share a key; every other notification is a group of its own."""
    if cause.type not in GROUPABLE:
        return f"ungrouped-{notification_id}"
    prefix = f"{cause.type}-{cause.post_id or ''}"
    hour = int(now.timestamp()) // 3600
    post = (
        notifications.c.post_id.is_(None)
        if cause.post_id is None
        else notifications.c.post_id == cause.post_id
    )
    previous = conn.scalar(
        select(notifications.c.group_key)
        .where(
            notifications.c.account_id == cause.recipient_id,
            notifications.c.type == cause.type,
            post,
        )
        .order_by(notifications.c.id.desc())
        .limit(1)
    )
    if previous is not None and previous.startswith(f"{prefix}-"):
        earlier = int(previous.rsplit("-", 1)[1])
        if hour < earlier + GROUP_SPAN_HOURS:
            hour = earlier
    return f"{prefix}-{hour}"


def _file_request(conn: Connection, cause: Cause, now: datetime) -> None:
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    statement = dialect_insert(notification_requests).values(
        id=new_id(),
        account_id=cause.recipient_id,
        from_account_id=cause.from_account_id,
        last_post_id=cause.post_id,
        created_at=now,
        updated_at=now,
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["account_id", "from_account_id"],
            set_={
                "updated_at": now,
                "last_post_id": func.coalesce(
                    statement.excluded.last_post_id, notification_requests.c.last_post_id
                ),
            },
        )
    )


# -- the causes --------------------------------------------------------------


def sync_favourite(rt: Runtime, account_id: int, post_id: int) -> None:
    liked = select(favourites.c.id).where(
        favourites.c.account_id == account_id, favourites.c.post_id == post_id
    )
    _sync_post_cause(rt, "favourite", account_id, post_id, liked)


def sync_reblog(rt: Runtime, account_id: int, post_id: int) -> None:
    """``post_id`` is the reposted post: Mastodon's reblog notification shows it."""
    reposted = select(posts.c.id).where(
        posts.c.reblog_of_id == post_id, posts.c.account_id == account_id
    )
    _sync_post_cause(rt, "reblog", account_id, post_id, reposted)


def _sync_post_cause(
    rt: Runtime, kind: str, account_id: int, post_id: int, holds: Select[Any]
) -> None:
    """Makes the notification of something done to a post exist while ``holds`` finds
    a row, and not otherwise. A post that is gone took its notifications with it."""
    with rt.db.write() as tx:
        author = tx.conn.scalar(select(posts.c.account_id).where(posts.c.id == post_id))
        if author is None:
            return
        cause = Cause(author, kind, account_id, post_id)
        if tx.conn.scalar(holds) is not None:
            notify(tx, [cause], rt)
        else:
            withdraw(tx, cause)


def sync_follow(rt: Runtime, account_id: int, target_id: int) -> None:
    with rt.db.write() as tx:
        cause = Cause(target_id, "follow", account_id)
        if is_following(tx.conn, account_id, target_id):
            notify(tx, [cause], rt)
        else:
            withdraw(tx, cause)


def sync_follow_request(rt: Runtime, account_id: int, target_id: int) -> None:
    """A pending request tells its target; once it is authorized (the ``follow``
    notification takes over), rejected or cancelled, its notification goes."""
    with rt.db.write() as tx:
        cause = Cause(target_id, "follow_request", account_id)
        pending = tx.conn.scalar(
            select(follow_requests.c.id).where(
                follow_requests.c.account_id == account_id,
                follow_requests.c.target_account_id == target_id,
            )
        )
        if pending is not None:
            notify(tx, [cause], rt)
        else:
            withdraw(tx, cause)


def notify_about_post(rt: Runtime, post_id: int) -> None:
    """What a new post tells others: its mentions (and the author it answers), its
    quoted post's author, and the followers who asked to hear of every post. Each
    recipient must be able to see the post; a repost tells the reposted author.
    The causes are found with reads, so a post that tells nobody costs no write
    (on SQLite, no turn at the single writer's lock)."""
    with rt.db.read() as conn:
        causes = _post_causes(conn, post_id)
    subscribed = [(c.recipient_id, c.type, c.post_id) for c in causes if c.type == "status"]
    if subscribed:
        # The people who asked for this author's posts get their texts queued first, in
        # one short transaction, not after 10,000 notifications are written.
        with rt.db.write() as tx:
            queue_texts(tx, rt, subscribed)
    # In slices: 10,000 "notify me" followers must not hold SQLite's one write lock
    # for the whole of it, and their texts (``roost.phones``) start with the first
    # slice. A repeated job skips the notifications that exist (and their texts).
    for start in range(0, len(causes), NOTIFY_BATCH):
        with rt.db.write() as tx:
            notify(tx, causes[start : start + NOTIFY_BATCH], rt)


def _post_causes(conn: Connection, post_id: int) -> list[Cause]:
    post = conn.execute(select(posts).where(posts.c.id == post_id)).first()
    if post is None:
        return []
    if post.reblog_of_id is not None:
        original = conn.scalar(select(posts.c.account_id).where(posts.c.id == post.reblog_of_id))
        if original is None:
            return []
        return [Cause(original, "reblog", post.account_id, post.reblog_of_id)]
    causes = [
        Cause(a, "mention", post.account_id, post_id)
        for a in conn.scalars(select(mentions.c.account_id).where(mentions.c.post_id == post_id))
    ]
    mentioned = {c.recipient_id for c in causes}
    replied_to = post.in_reply_to_account_id
    if replied_to is not None and replied_to not in mentioned:
        # Twitter tells you of answers even when the answer does not name you.
        causes.append(Cause(replied_to, "mention", post.account_id, post_id))
    if post.quote_of_id is not None:
        quoted = conn.scalar(select(posts.c.account_id).where(posts.c.id == post.quote_of_id))
        if quoted is not None:
            causes.append(Cause(quoted, "quote", post.account_id, post_id))
    if post.visibility != "direct" and replied_to in (None, post.account_id):
        subscribers = conn.scalars(
            select(follows.c.account_id).where(
                follows.c.target_account_id == post.account_id,
                follows.c.notify == true(),
            )
        )
        causes.extend(Cause(s, "status", post.account_id, post_id) for s in subscribers)
    causes = [c for c in causes if c.recipient_id != c.from_account_id]
    return _visible_to_recipients(conn, post_id, causes)


def _visible_to_recipients(conn: Connection, post_id: int, causes: list[Cause]) -> list[Cause]:
    """Only those who may read the post hear of it (a followers-only answer tells a
    stranger nothing). A public post is everyone's but across a block: one query per
    500 recipients, not one each (a post to 10,000 "notify me" followers)."""
    post = conn.execute(
        select(posts.c.account_id, posts.c.visibility, posts.c.circle_id).where(
            posts.c.id == post_id
        )
    ).first()
    if post is None:
        return []
    if post.visibility in ("public", "unlisted") and post.circle_id is None:
        ids = sorted({c.recipient_id for c in causes})
        blocked: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            blocked.update(
                conn.scalars(
                    select(blocks.c.target_account_id).where(
                        blocks.c.account_id == post.account_id,
                        blocks.c.target_account_id.in_(chunk),
                    )
                )
            )
            blocked.update(
                conn.scalars(
                    select(blocks.c.account_id).where(
                        blocks.c.target_account_id == post.account_id,
                        blocks.c.account_id.in_(chunk),
                    )
                )
            )
        return [c for c in causes if c.recipient_id not in blocked]
    kept = []
    for cause in causes:
        seen = conn.scalar(
            select(posts.c.id).where(posts.c.id == post_id, visible_clause(cause.recipient_id))
        )
        if seen is not None:
            kept.append(cause)
    return kept


def handle_favourite(rt: Runtime, payload: dict[str, Any]) -> None:
    sync_favourite(rt, int(payload["account_id"]), int(payload["post_id"]))


def handle_follow(rt: Runtime, payload: dict[str, Any]) -> None:
    sync_follow(rt, int(payload["account_id"]), int(payload["target_id"]))


def handle_follow_request(rt: Runtime, payload: dict[str, Any]) -> None:
    sync_follow_request(rt, int(payload["account_id"]), int(payload["target_id"]))


JOB_HANDLERS = {
    FAVOURITE_JOB: handle_favourite,
    FOLLOW_NOTIFY_JOB: handle_follow,
    FOLLOW_REQUEST_NOTIFY_JOB: handle_follow_request,
}
