"""Keeping each participant's inbox right. Runs in the post's fan-out job, after commit.

A direct post updates the conversation row of its author and of everyone it
mentions: who else takes part, the newest message, unread for all but the
author. A deleted direct post points each row back at the newest message that
participant can still see, or removes the row when none is left. Both are
idempotent, like every job.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, delete, or_, select, update

from roost.channels import direct_channel
from roost.conversations.models import account_conversations
from roost.ids import new_id
from roost.posts.models import mentions, posts
from roost.posts.visibility import blocked_clause
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow


def deliver_direct(rt: Runtime, post_id: int) -> None:
    with rt.db.write() as tx:
        post = tx.conn.execute(
            select(
                posts.c.id, posts.c.account_id, posts.c.visibility, posts.c.conversation_id
            ).where(posts.c.id == post_id)
        ).first()
        if post is None or post.visibility != "direct":
            return
        conversation_id = post.conversation_id or post.id
        mentioned = set(
            tx.conn.scalars(select(mentions.c.account_id).where(mentions.c.post_id == post_id))
        )
        # Nobody across a block from the author takes part (nor sees the post).
        blocked = set(
            tx.conn.scalars(
                select(mentions.c.account_id).where(
                    mentions.c.post_id == post_id,
                    blocked_clause(mentions.c.account_id, post.account_id),
                )
            )
        )
        everyone = {post.account_id, *(mentioned - blocked)}
        for account_id in sorted(everyone):
            _upsert(
                tx,
                rt,
                account_id,
                conversation_id,
                others=everyone - {account_id},
                last_post_id=post.id,
                unread=account_id != post.account_id,
            )


def _upsert(
    tx: Tx,
    rt: Runtime,
    account_id: int,
    conversation_id: int,
    *,
    others: set[int],
    last_post_id: int,
    unread: bool,
) -> None:
    row = tx.conn.execute(
        select(account_conversations).where(
            account_conversations.c.account_id == account_id,
            account_conversations.c.conversation_id == conversation_id,
        )
    ).first()
    now = utcnow()
    if row is None:
        row_id = new_id()
        tx.conn.execute(
            account_conversations.insert().values(
                id=row_id,
                account_id=account_id,
                conversation_id=conversation_id,
                participant_ids=sorted(others),
                last_post_id=last_post_id,
                unread=unread,
                updated_at=now,
            )
        )
    else:
        row_id = row.id
        if row.last_post_id >= last_post_id and set(row.participant_ids) >= others:
            return  # this message was taken in already (a repeated job)
        tx.conn.execute(
            update(account_conversations)
            .where(account_conversations.c.id == row.id)
            .values(
                participant_ids=sorted(set(row.participant_ids) | others),
                last_post_id=max(row.last_post_id, last_post_id),
                unread=row.unread or unread,
                updated_at=now,
            )
        )
    channel, message = direct_channel(account_id), f"conversation:{row_id}"
    tx.on_commit(lambda: rt.pubsub.publish(channel, message))


def withdraw_direct(rt: Runtime, conversation_id: int, participant_ids: Iterable[int]) -> None:
    """After a direct post was deleted: each participant's row shows their newest
    remaining message, or goes."""
    with rt.db.write() as tx:
        for account_id in sorted(set(participant_ids)):
            newest = _newest_visible(tx.conn, conversation_id, account_id)
            mine = (account_conversations.c.account_id == account_id) & (
                account_conversations.c.conversation_id == conversation_id
            )
            if newest is None:
                tx.conn.execute(delete(account_conversations).where(mine))
            else:
                tx.conn.execute(
                    update(account_conversations).where(mine).values(last_post_id=newest)
                )


def _newest_visible(conn: Connection, conversation_id: int, account_id: int) -> int | None:
    mentioned = select(mentions.c.post_id).where(mentions.c.account_id == account_id)
    return conn.scalar(
        select(posts.c.id)
        .where(
            or_(posts.c.conversation_id == conversation_id, posts.c.id == conversation_id),
            posts.c.visibility == "direct",
            or_(posts.c.account_id == account_id, posts.c.id.in_(mentioned)),
        )
        .order_by(posts.c.id.desc())
        .limit(1)
    )
