"""Marks a person puts on a post without writing one: likes (favourites),
bookmarks and pins, and muting a thread. Each is idempotent: liking twice is one like."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from roost.errors import NotFound, ValidationFailed
from roost.graph.models import conversation_mutes
from roost.ids import new_id
from roost.posts.models import bookmarks, favourites, pins, posts
from roost.posts.visibility import access_visible_post, visible_clause
from roost.runtime import Runtime
from roost.store.db import is_id_collision, retry_on_id_collision
from roost.store.schema import utcnow

# Tells (or stops telling) the author, after commit (``roost.notifications`` handles it).
FAVOURITE_JOB = "notifications.favourite"


def do_favourite(rt: Runtime, account_id: int, post_id: int) -> None:
    _toggle(
        rt, favourites, account_id, post_id, on=True, counter="favourites_count", job=FAVOURITE_JOB
    )


def do_unfavourite(rt: Runtime, account_id: int, post_id: int) -> None:
    _toggle(
        rt, favourites, account_id, post_id, on=False, counter="favourites_count", job=FAVOURITE_JOB
    )


def do_bookmark(rt: Runtime, account_id: int, post_id: int) -> None:
    _toggle(rt, bookmarks, account_id, post_id, on=True)


def do_unbookmark(rt: Runtime, account_id: int, post_id: int) -> None:
    _toggle(rt, bookmarks, account_id, post_id, on=False)


MAX_PINS = 5  # Mastodon's max_pinned_statuses, which the instance entity advertises


def do_pin(rt: Runtime, account_id: int, post_id: int) -> None:
    with rt.db.read() as conn:
        post = conn.execute(
            select(posts.c.account_id, posts.c.visibility, posts.c.reblog_of_id).where(
                posts.c.id == post_id, visible_clause(account_id)
            )
        ).first()
        pinned = conn.scalar(
            select(func.count()).select_from(pins).where(pins.c.account_id == account_id)
        )
        already = conn.scalar(
            select(pins.c.id).where(pins.c.account_id == account_id, pins.c.post_id == post_id)
        )
    if post is None:
        raise NotFound("Record not found")
    if post.account_id != account_id:
        raise ValidationFailed("You can only pin your own posts", field="status")
    if post.reblog_of_id is not None:
        raise ValidationFailed("Reposts cannot be pinned", field="status")
    if post.visibility == "direct":
        raise ValidationFailed("Private mentions cannot be pinned", field="status")
    if already is None and (pinned or 0) >= MAX_PINS:
        raise ValidationFailed(
            f"You can pin at most {MAX_PINS} posts", field="status", code="ERR_TOO_MANY"
        )
    _toggle(rt, pins, account_id, post_id, on=True, with_time=False)


def do_unpin(rt: Runtime, account_id: int, post_id: int) -> None:
    _toggle(rt, pins, account_id, post_id, on=False, with_time=False)


@retry_on_id_collision
def _toggle(
    rt: Runtime,
    table: Any,
    account_id: int,
    post_id: int,
    *,
    on: bool,
    counter: str | None = None,
    with_time: bool = True,
    job: str | None = None,
) -> None:
    """Idempotent add/remove of a (account, post) mark, keeping the post's counter right."""
    try:
        with rt.db.write() as tx:
            post = access_visible_post(tx.conn, post_id, account_id)
            if post.reblog_of_id is not None:
                post_id = post.reblog_of_id
            current = tx.conn.scalar(
                select(table.c.id).where(
                    table.c.account_id == account_id, table.c.post_id == post_id
                )
            )
            if on and current is None:
                values: dict[str, Any] = {
                    "id": new_id(),
                    "account_id": account_id,
                    "post_id": post_id,
                }
                if with_time:
                    values["created_at"] = utcnow()
                tx.conn.execute(insert(table).values(**values))
                delta = 1
            elif not on and current is not None:
                tx.conn.execute(delete(table).where(table.c.id == current))
                delta = -1
            else:
                return
            if counter:
                column = posts.c[counter]
                tx.conn.execute(
                    update(posts).where(posts.c.id == post_id).values({counter: column + delta})
                )
            if job:
                rt.jobs.enqueue(tx, job, {"account_id": account_id, "post_id": post_id})
    except IntegrityError as exc:  # the same mark committed concurrently: the goal state holds
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return


@retry_on_id_collision
def do_mute_conversation(rt: Runtime, account_id: int, post_id: int, *, on: bool = True) -> None:
    """Mutes (``on``) or unmutes the thread of a visible post: no more notifications
    from it (``roost.notifications.delivery``). Idempotent both ways."""
    try:
        with rt.db.write() as tx:
            post = access_visible_post(tx.conn, post_id, account_id)
            conversation_id = post.conversation_id or post.id
            mine = and_(
                conversation_mutes.c.account_id == account_id,
                conversation_mutes.c.conversation_id == conversation_id,
            )
            current = tx.conn.scalar(select(conversation_mutes.c.id).where(mine))
            if on and current is None:
                tx.conn.execute(
                    insert(conversation_mutes).values(
                        id=new_id(), account_id=account_id, conversation_id=conversation_id
                    )
                )
            elif not on and current is not None:
                tx.conn.execute(
                    delete(conversation_mutes).where(conversation_mutes.c.id == current)
                )
    except IntegrityError as exc:  # muted concurrently: the goal state holds
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return
