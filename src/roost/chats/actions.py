"""Announcing a hashtag chat, and posting its questions on time.

Each question gets a delayed job (``chats.question``) at its time. The handler
reads the question as it is now: gone (the chat was deleted with its host) or
already posted, it does nothing; early (it cannot be, but a clock may move), it
waits again. It posts through ``do_create_post``, the action every post goes
through, with an idempotency key of the question: if the worker dies between the
post and the mark, the job's second run finds the same post instead of a twin.
Once the richer-posts work (scheduled posts) lands, this may become one of those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from roost.chats.models import chat_questions, chats
from roost.errors import ValidationFailed
from roost.ids import new_id
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.ratelimit import RateRule
from roost.store.schema import utcnow
from roost.text import count_length, is_hashtag

QUESTION_JOB = "chats.question"
MAX_QUESTIONS = 20
MAX_HOURS = 12
DEFAULT_MINUTES = 60
# Roost's: each announcement schedules up to 20 posts; ten an hour is plenty for a host.
ANNOUNCE_RULE = RateRule("chats", 10, 3600, per="account")


@dataclass(frozen=True)
class QuestionInput:
    text: str
    at: datetime | None = None  # None: spread evenly through the chat


def question_text(number: int, text: str, tag: str) -> str:
    """The post a question becomes: ``Q1 What do you think? #tag``."""
    return f"Q{number} {text.strip()} #{tag}"


def check_chat(
    rt: Runtime,
    tag: str,
    starts_at: datetime,
    ends_at: datetime,
    questions: list[QuestionInput],
    now: datetime,
) -> list[datetime]:
    """Validates an announcement; returns each question's time."""
    if not is_hashtag(tag):
        raise ValidationFailed("That is not a hashtag", field="tag")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationFailed(
            "Times need a time zone (e.g. 2026-01-01T18:00:00Z)", field="starts_at"
        )
    if starts_at < now - timedelta(minutes=5):
        raise ValidationFailed("The chat must start in the future", field="starts_at")
    if not starts_at < ends_at <= starts_at + timedelta(hours=MAX_HOURS):
        raise ValidationFailed(
            f"The chat must end after it starts, within {MAX_HOURS} hours", field="ends_at"
        )
    if len(questions) > MAX_QUESTIONS:
        raise ValidationFailed(f"At most {MAX_QUESTIONS} questions", field="questions")
    span = (ends_at - starts_at) / (len(questions) + 1) if questions else timedelta(0)
    times = []
    for i, question in enumerate(questions, start=1):
        text = question_text(i, question.text, tag)
        if not question.text.strip() or "\x00" in question.text:
            raise ValidationFailed(f"Question {i} is empty", field="questions")
        if count_length(text) > rt.settings.max_post_chars:
            raise ValidationFailed(f"Question {i} is too long to post", field="questions")
        at = question.at or starts_at + span * (i - 1)
        if at.tzinfo is None or not starts_at <= at <= ends_at:
            raise ValidationFailed(f"Question {i} must be asked during the chat", field="questions")
        times.append(at)
    return times


def do_announce_chat(
    rt: Runtime,
    host_id: int,
    tag: str,
    starts_at: datetime,
    *,
    ends_at: datetime | None = None,
    title: str = "",
    questions: list[QuestionInput] | None = None,
) -> int:
    """Announces a chat hosted by ``host_id``; its questions are posted at their times."""
    tag = tag.strip().lstrip("#")
    questions = questions or []
    now = utcnow()
    rt.limiter.enforce(ANNOUNCE_RULE, host_id)
    ends_at = ends_at or starts_at + timedelta(minutes=DEFAULT_MINUTES)
    if len(title) > 200:
        raise ValidationFailed("The title is too long (200 characters at most)", field="title")
    times = check_chat(rt, tag, starts_at, ends_at, questions, now)
    chat_id = new_id()
    with rt.db.write() as tx:
        tx.conn.execute(
            chats.insert().values(
                id=chat_id,
                account_id=host_id,
                tag=tag,
                title=title.strip(),
                starts_at=starts_at,
                ends_at=ends_at,
                created_at=now,
            )
        )
        for number, (question, at) in enumerate(zip(questions, times, strict=True), start=1):
            question_id = new_id()
            tx.conn.execute(
                chat_questions.insert().values(
                    id=question_id,
                    chat_id=chat_id,
                    number=number,
                    text=question.text.strip(),
                    post_at=at,
                )
            )
            delay = max((at - now).total_seconds(), 0.0)
            rt.jobs.enqueue(tx, QUESTION_JOB, {"question_id": question_id}, delay=delay)
    return chat_id


def do_post_question(rt: Runtime, question_id: int, now: datetime | None = None) -> int | None:
    """Posts the question if it is due and not yet posted; returns its post's ID."""
    now = now or utcnow()
    with rt.db.read() as conn:
        row = conn.execute(
            select(chat_questions, chats.c.account_id, chats.c.tag)
            .join(chats, chats.c.id == chat_questions.c.chat_id)
            .where(chat_questions.c.id == question_id)
        ).first()
    if row is None or row.posted_at is not None:
        return None
    if row.post_at > now:
        with rt.db.write() as tx:  # not due: wait again (a moved clock)
            delay = (row.post_at - now).total_seconds()
            rt.jobs.enqueue(tx, QUESTION_JOB, {"question_id": question_id}, delay=delay)
        return None
    post_id = do_create_post(
        rt,
        row.account_id,
        question_text(row.number, row.text, row.tag),
        idempotency_key=f"roost-chat-question-{question_id}",
    )
    with rt.db.write() as tx:
        tx.conn.execute(
            update(chat_questions)
            .where(chat_questions.c.id == question_id)
            .values(post_id=post_id, posted_at=now)
        )
    return post_id


def _post_question(rt: Runtime, payload: dict[str, Any]) -> None:
    do_post_question(rt, int(payload["question_id"]))


JOB_HANDLERS = {QUESTION_JOB: _post_question}
