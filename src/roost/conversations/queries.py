"""Reading a person's inbox of direct conversations, newest message first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from roost.accounts.queries import AccountRow, get_accounts
from roost.conversations.models import account_conversations
from roost.errors import NotFound
from roost.paging import Page, paginate
from roost.posts.models import posts
from roost.posts.queries import StatusView, hydrate
from roost.posts.visibility import visible_clause
from roost.runtime import Runtime


@dataclass
class ConversationView:
    id: int
    unread: bool
    accounts: list[AccountRow]
    last_status: StatusView | None
    last_post_id: int  # the page cursor, as Mastodon pages conversations


def list_conversations(rt: Runtime, viewer_id: int, page: Page) -> list[ConversationView]:
    query = select(account_conversations).where(account_conversations.c.account_id == viewer_id)
    with rt.db.read() as conn:
        rows = conn.execute(paginate(query, account_conversations.c.last_post_id, page)).all()
    return _views(rt, viewer_id, rows)


def get_conversation(rt: Runtime, viewer_id: int, conversation_id: int) -> ConversationView:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(account_conversations).where(
                account_conversations.c.id == conversation_id,
                account_conversations.c.account_id == viewer_id,
            )
        ).all()
    views = _views(rt, viewer_id, rows)
    if not views:
        raise NotFound("Record not found")
    return views[0]


def thread_post_ids(rt: Runtime, viewer_id: int, conversation_id: int) -> list[int]:
    """The posts of one conversation the viewer may see, oldest first (the web page)."""
    with rt.db.read() as conn:
        root = conn.scalar(
            select(account_conversations.c.conversation_id).where(
                account_conversations.c.id == conversation_id,
                account_conversations.c.account_id == viewer_id,
            )
        )
        if root is None:
            raise NotFound("Record not found")
        return list(
            conn.scalars(
                select(posts.c.id)
                .where(
                    (posts.c.conversation_id == root) | (posts.c.id == root),
                    visible_clause(viewer_id),
                )
                .order_by(posts.c.id)
                .limit(400)
            )
        )


def unread_conversations(rt: Runtime, viewer_id: int) -> int:
    with rt.db.read() as conn:
        return int(
            conn.scalar(
                select(func.count())
                .select_from(account_conversations)
                .where(
                    account_conversations.c.account_id == viewer_id,
                    account_conversations.c.unread.is_(True),
                )
            )
            or 0
        )


def _views(rt: Runtime, viewer_id: int, rows: Sequence[Any]) -> list[ConversationView]:
    people = get_accounts(rt, {a for r in rows for a in r.participant_ids} | {viewer_id})
    statuses = {v.post.id: v for v in hydrate(rt, viewer_id, [r.last_post_id for r in rows])}
    views = []
    for r in sorted(rows, key=lambda r: r.last_post_id, reverse=True):
        others = [people[a] for a in r.participant_ids if a in people]
        # As Mastodon: a conversation with oneself lists oneself.
        views.append(
            ConversationView(
                id=r.id,
                unread=r.unread,
                accounts=others or [people[viewer_id]],
                last_status=statuses.get(r.last_post_id),
                last_post_id=r.last_post_id,
            )
        )
    return views
