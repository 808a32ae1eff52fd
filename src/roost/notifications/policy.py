"""Whether a cause tells its recipient anything, and how: nothing across a block, from
a person muted with their notifications or in a muted thread (``silenced``); else the
recipient's notification policy accepts, files as a request, or drops (``decide``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, or_, select, true

from roost.accounts.models import accounts
from roost.graph.models import conversation_mutes, follows, mutes
from roost.notifications.models import (
    FILTERABLE,
    notification_permissions,
    notification_policies,
)
from roost.posts.models import posts
from roost.posts.visibility import blocked_clause

NEW_ACCOUNT_DAYS = 30


@dataclass(frozen=True)
class Cause:
    recipient_id: int
    type: str
    from_account_id: int
    post_id: int | None = None


def silenced(conn: Connection, cause: Cause, now: datetime) -> bool:
    """Causes that tell nothing whatever the policy: across a block (either way), from
    someone the recipient mutes with their notifications, or about a post in a thread
    the recipient muted."""
    recipient, sender = cause.recipient_id, cause.from_account_id
    if conn.scalar(select(blocked_clause(recipient, sender))):
        return True
    muted = conn.scalar(
        select(mutes.c.id).where(
            mutes.c.account_id == recipient,
            mutes.c.target_account_id == sender,
            mutes.c.notifications == true(),
            or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > now),
        )
    )
    if muted is not None:
        return True
    if cause.post_id is None:
        return False
    thread = select(func.coalesce(posts.c.conversation_id, posts.c.id)).where(
        posts.c.id == cause.post_id
    )
    return (
        conn.scalar(
            select(conversation_mutes.c.id).where(
                conversation_mutes.c.account_id == recipient,
                conversation_mutes.c.conversation_id == thread.scalar_subquery(),
            )
        )
        is not None
    )


def decide(conn: Connection, cause: Cause, now: datetime) -> str:
    """accept, filter or drop, by the recipient's notification policy (as Mastodon 4.3)."""
    if cause.type not in FILTERABLE:
        return "accept"
    recipient, sender = cause.recipient_id, cause.from_account_id
    permitted = conn.scalar(
        select(notification_permissions.c.account_id).where(
            notification_permissions.c.account_id == recipient,
            notification_permissions.c.from_account_id == sender,
        )
    )
    if permitted is not None:
        return "accept"
    policy = conn.execute(
        select(notification_policies).where(notification_policies.c.account_id == recipient)
    ).first()
    following = is_following(conn, recipient, sender)
    followed_by = is_following(conn, sender, recipient)
    created_at = conn.scalar(select(accounts.c.created_at).where(accounts.c.id == sender))
    choices: list[str] = []
    if not following:
        choices.append(policy.for_not_following if policy else "accept")
    if not followed_by:
        choices.append(policy.for_not_followers if policy else "accept")
    if created_at is not None and created_at > now - timedelta(days=NEW_ACCOUNT_DAYS):
        choices.append(policy.for_new_accounts if policy else "accept")
    if cause.type == "mention" and not following and _unsolicited_direct(conn, cause):
        choices.append(policy.for_private_mentions if policy else "filter")
    if "drop" in choices:
        return "drop"
    return "filter" if "filter" in choices else "accept"


def is_following(conn: Connection, account_id: int, target_id: int) -> bool:
    return (
        conn.scalar(
            select(follows.c.id).where(
                follows.c.account_id == account_id, follows.c.target_account_id == target_id
            )
        )
        is not None
    )


def _unsolicited_direct(conn: Connection, cause: Cause) -> bool:
    """A direct post that does not answer one of the recipient's own posts."""
    post = conn.execute(
        select(posts.c.visibility, posts.c.in_reply_to_account_id).where(
            posts.c.id == cause.post_id
        )
    ).first()
    return (
        post is not None
        and post.visibility == "direct"
        and post.in_reply_to_account_id != cause.recipient_id
    )
