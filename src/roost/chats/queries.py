"""Reading chats: the announcement, and the transcript as one reader may see it.

A transcript is the chat's tag's posts written between its start and its end (plus
``LATE_MINUTES`` for the last answers), oldest first, each read through ``hydrate``
so the reader sees only what the visibility rules let them see (and not people they
mute). Posts are grouped under question *n* when they answer its post or start with
``An`` (``A1 …``, after any leading @mentions); everything else is conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS, AccountRow
from roost.chats.models import chat_questions, chats
from roost.errors import NotFound
from roost.posts.hydration import StatusView, hydrate
from roost.posts.models import post_tags, posts, tags
from roost.runtime import Runtime

LATE_MINUTES = 30
MAX_POSTS = 2000
ANSWER_RE = re.compile(r"^\s*(?:@\w+(?:@[\w.-]+)?\s+)*A(\d{1,2})\b", re.IGNORECASE)


@dataclass
class Question:
    id: int
    number: int
    text: str
    post_at: datetime
    post_id: int | None


@dataclass
class ChatView:
    id: int
    tag: str
    title: str
    starts_at: datetime
    ends_at: datetime
    host: AccountRow
    questions: list[Question]


@dataclass
class AnsweredQuestion:
    question: Question
    post: StatusView | None
    answers: list[StatusView] = field(default_factory=list)


@dataclass
class Transcript:
    chat: ChatView
    questions: list[AnsweredQuestion]
    conversation: list[StatusView]


def _views(
    rows: list[Any], questions: dict[int, list[Question]], hosts: dict[int, Any]
) -> list[ChatView]:
    return [
        ChatView(
            id=r.id,
            tag=r.tag,
            title=r.title,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            host=hosts[r.account_id],
            questions=questions.get(r.id, []),
        )
        for r in rows
        if r.account_id in hosts
    ]


def _load(
    rt: Runtime, condition: Any, *, limit: int = 50, newest_first: bool = False
) -> list[ChatView]:
    order = chats.c.starts_at.desc() if newest_first else chats.c.starts_at
    with rt.db.read() as conn:
        rows = list(
            conn.execute(select(chats).where(condition).order_by(order, chats.c.id).limit(limit))
        )
        ids = [r.id for r in rows]
        questions: dict[int, list[Question]] = {}
        hosts: dict[int, Any] = {}
        if ids:
            for q in conn.execute(
                select(chat_questions)
                .where(chat_questions.c.chat_id.in_(ids))
                .order_by(chat_questions.c.number)
            ):
                questions.setdefault(q.chat_id, []).append(
                    Question(q.id, q.number, q.text, q.post_at, q.post_id)
                )
            host_ids = list({r.account_id for r in rows})
            hosts = {
                a.id: a
                for a in conn.execute(select(*PUBLIC_COLUMNS).where(accounts.c.id.in_(host_ids)))
            }
    return _views(rows, questions, hosts)


def get_chat(rt: Runtime, chat_id: int) -> ChatView:
    found = _load(rt, chats.c.id == chat_id)
    if not found:
        raise NotFound("Record not found")
    return found[0]


def chats_for_tag(rt: Runtime, tag: str, *, limit: int = 20) -> list[ChatView]:
    """The tag's chats, newest start first."""
    return _load(rt, func.lower(chats.c.tag) == tag.lower(), limit=limit, newest_first=True)


def upcoming_chats(rt: Runtime, now: datetime, *, limit: int = 20) -> list[ChatView]:
    """Chats not yet over, soonest first."""
    return _load(rt, chats.c.ends_at >= now, limit=limit)


def recent_chats(rt: Runtime, now: datetime, *, limit: int = 20) -> list[ChatView]:
    """Chats that are over, most recent first (their transcripts)."""
    return _load(rt, chats.c.ends_at < now, limit=limit, newest_first=True)


def get_transcript(rt: Runtime, viewer_id: int | None, chat_id: int) -> Transcript:
    chat = get_chat(rt, chat_id)
    until = chat.ends_at + timedelta(minutes=LATE_MINUTES)
    query = (
        select(posts.c.id)
        .join(post_tags, post_tags.c.post_id == posts.c.id)
        .join(tags, tags.c.id == post_tags.c.tag_id)
        .where(
            func.lower(tags.c.name) == chat.tag.lower(),
            posts.c.reblog_of_id.is_(None),
            posts.c.visibility != "direct",
            posts.c.created_at >= chat.starts_at - timedelta(minutes=1),
            posts.c.created_at <= until,
        )
        .order_by(posts.c.id)
        .limit(MAX_POSTS)
    )
    with rt.db.read() as conn:
        ids = list(conn.scalars(query))
    views = hydrate(rt, viewer_id, ids, timeline=True)
    by_post = {q.post_id: q for q in chat.questions if q.post_id is not None}
    by_number = {q.number: AnsweredQuestion(q, None) for q in chat.questions}
    conversation = []
    for view in views:
        question = by_post.get(view.post.id)
        if question is not None:
            by_number[question.number].post = view
            continue
        answered = by_post.get(view.post.in_reply_to_id)
        match = ANSWER_RE.match(view.post.text)
        if match and int(match.group(1)) in by_number:
            by_number[int(match.group(1))].answers.append(view)
        elif answered is not None:
            by_number[answered.number].answers.append(view)
        else:
            conversation.append(view)
    return Transcript(chat, [by_number[n] for n in sorted(by_number)], conversation)
