"""Whether a cause tells its recipient anything, and how: nothing across a block, from
a person muted with their notifications or in a muted thread (``silenced``); else the
recipient's notification policy accepts, files as a request, or drops (``decide``).
What both look at is read for a whole batch of causes at once (``read_facts``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Connection, and_, bindparam, func, or_, select, true

from roost.accounts.models import accounts
from roost.graph.models import blocks, conversation_mutes, follows, mutes
from roost.notifications.models import (
    FILTERABLE,
    notification_permissions,
    notification_policies,
)
from roost.posts.models import posts
from roost.store.schema import UTCDateTime

NEW_ACCOUNT_DAYS = 30


@dataclass(frozen=True)
class Cause:
    recipient_id: int
    type: str
    from_account_id: int
    post_id: int | None = None


@dataclass
class Facts:
    """What the policy reads about a batch of causes, in a fixed number of queries
    whatever the batch's size (a post's job tells up to ``NOTIFY_BATCH`` people at
    once; ten queries each cost more than the notifications themselves). Pairs are
    (recipient, sender) unless named otherwise."""

    blocked: set[tuple[int, int]] = field(default_factory=set)  # a block either way
    muted: set[tuple[int, int]] = field(default_factory=set)  # with notifications, unexpired
    thread_muted: set[tuple[int, int]] = field(default_factory=set)  # (recipient, post)
    permitted: set[tuple[int, int]] = field(default_factory=set)
    policies: dict[int, Any] = field(default_factory=dict)  # recipient -> policy row
    follows: set[tuple[int, int]] = field(default_factory=set)  # (follower, followed)
    created: dict[int, datetime] = field(default_factory=dict)  # sender -> created_at
    posts: dict[int, Any] = field(default_factory=dict)  # post -> (visibility, replied to)


# Built once with expanding parameters: building the expressions for every batch cost
# more than running them (as in ``roost.posts.hydration``).
_PEOPLE: BindParameter[Any] = bindparam("people", expanding=True)
_RECIPIENTS: BindParameter[Any] = bindparam("recipients", expanding=True)
_SENDERS: BindParameter[Any] = bindparam("senders", expanding=True)
_POSTS: BindParameter[Any] = bindparam("posts", expanding=True)
_NOW = bindparam("now", type_=UTCDateTime)
_BLOCKS = select(blocks.c.account_id, blocks.c.target_account_id).where(
    blocks.c.account_id.in_(_PEOPLE), blocks.c.target_account_id.in_(_PEOPLE)
)
_MUTES = select(mutes.c.account_id, mutes.c.target_account_id).where(
    mutes.c.account_id.in_(_RECIPIENTS),
    mutes.c.target_account_id.in_(_SENDERS),
    mutes.c.notifications == true(),
    or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > _NOW),
)
_THREAD_MUTES = (
    select(conversation_mutes.c.account_id, posts.c.id)
    .join_from(
        posts,
        conversation_mutes,
        and_(
            conversation_mutes.c.conversation_id
            == func.coalesce(posts.c.conversation_id, posts.c.id),
            conversation_mutes.c.account_id.in_(_RECIPIENTS),
        ),
    )
    .where(posts.c.id.in_(_POSTS))
)
_POST_ROWS = select(posts.c.id, posts.c.visibility, posts.c.in_reply_to_account_id).where(
    posts.c.id.in_(_POSTS)
)
_PERMISSIONS = select(
    notification_permissions.c.account_id, notification_permissions.c.from_account_id
).where(
    notification_permissions.c.account_id.in_(_RECIPIENTS),
    notification_permissions.c.from_account_id.in_(_SENDERS),
)
_POLICIES = select(notification_policies).where(notification_policies.c.account_id.in_(_RECIPIENTS))
_FOLLOWS = select(follows.c.account_id, follows.c.target_account_id).where(
    or_(
        and_(follows.c.account_id.in_(_RECIPIENTS), follows.c.target_account_id.in_(_SENDERS)),
        and_(follows.c.account_id.in_(_SENDERS), follows.c.target_account_id.in_(_RECIPIENTS)),
    )
)
_CREATED = select(accounts.c.id, accounts.c.created_at).where(accounts.c.id.in_(_SENDERS))


def read_facts(conn: Connection, causes: Sequence[Cause], now: datetime) -> Facts:
    facts = Facts()
    if not causes:
        return facts
    recipients = sorted({c.recipient_id for c in causes})
    senders = sorted({c.from_account_id for c in causes})
    for a, b in conn.execute(_BLOCKS, {"people": sorted({*recipients, *senders})}):
        facts.blocked |= {(a, b), (b, a)}
    pairs = {"recipients": recipients, "senders": senders}
    facts.muted = {(a, b) for a, b in conn.execute(_MUTES, pairs | {"now": now})}
    post_ids = sorted({c.post_id for c in causes if c.post_id is not None})
    if post_ids:
        muted = conn.execute(_THREAD_MUTES, {"recipients": recipients, "posts": post_ids})
        facts.thread_muted = {(a, p) for a, p in muted}
        facts.posts = {r.id: r for r in conn.execute(_POST_ROWS, {"posts": post_ids})}
    filterable = sorted({c.recipient_id for c in causes if c.type in FILTERABLE})
    if not filterable:
        return facts
    pairs = {"recipients": filterable, "senders": senders}
    facts.permitted = {(a, b) for a, b in conn.execute(_PERMISSIONS, pairs)}
    facts.policies = {r.account_id: r for r in conn.execute(_POLICIES, {"recipients": filterable})}
    facts.follows = {(a, b) for a, b in conn.execute(_FOLLOWS, pairs)}
    facts.created = {r.id: r.created_at for r in conn.execute(_CREATED, {"senders": senders})}
    return facts


def silenced(facts: Facts, cause: Cause) -> bool:
    """Causes that tell nothing whatever the policy: across a block (either way), from
    someone the recipient mutes with their notifications, or about a post in a thread
    the recipient muted."""
    pair = (cause.recipient_id, cause.from_account_id)
    if pair in facts.blocked or pair in facts.muted:
        return True
    return cause.post_id is not None and (cause.recipient_id, cause.post_id) in facts.thread_muted


def decide(facts: Facts, cause: Cause, now: datetime) -> str:
    """accept, filter or drop, by the recipient's notification policy (as Mastodon 4.3)."""
    if cause.type not in FILTERABLE:
        return "accept"
    recipient, sender = cause.recipient_id, cause.from_account_id
    if (recipient, sender) in facts.permitted:
        return "accept"
    policy = facts.policies.get(recipient)
    following = (recipient, sender) in facts.follows
    followed_by = (sender, recipient) in facts.follows
    created_at = facts.created.get(sender)
    choices: list[str] = []
    if not following:
        choices.append(policy.for_not_following if policy else "accept")
    if not followed_by:
        choices.append(policy.for_not_followers if policy else "accept")
    if created_at is not None and created_at > now - timedelta(days=NEW_ACCOUNT_DAYS):
        choices.append(policy.for_new_accounts if policy else "accept")
    if cause.type == "mention" and not following and _unsolicited_direct(facts, cause):
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


def _unsolicited_direct(facts: Facts, cause: Cause) -> bool:
    """A direct post that does not answer one of the recipient's own posts."""
    post = facts.posts.get(cause.post_id) if cause.post_id is not None else None
    return (
        post is not None
        and post.visibility == "direct"
        and post.in_reply_to_account_id != cause.recipient_id
    )
