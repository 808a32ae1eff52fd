"""Hashtag chats: questions posted on time from the host's account, answers grouped
under them, and a transcript that shows each reader only what they may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from roost.chats.actions import QuestionInput, do_announce_chat, do_post_question
from roost.chats.queries import get_chat, get_transcript, recent_chats, upcoming_chats
from roost.errors import ValidationFailed
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block
from roost.posts.actions import do_create_post
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.conftest import People

Settle = Callable[[], int]


def announce(rt: Runtime, host: int, start: datetime) -> int:
    return do_announce_chat(
        rt,
        host,
        "#hcsm",
        start,
        ends_at=start + timedelta(hours=1),
        title="Health care and social media",
        questions=[QuestionInput("Who do you trust?"), QuestionInput("Where do you look?")],
    )


def test_questions_are_posted_at_their_times_once(
    rt: Runtime, people: People, settle: Settle
) -> None:
    # given a chat that started two minutes ago, with questions at +0 and +20 minutes
    start = utcnow() - timedelta(minutes=2)
    chat_id = announce(rt, people.alice, start)
    settle()
    chat = get_chat(rt, chat_id)
    first, second = chat.questions
    # then the first question was posted from the host's account, the second not yet
    assert first.post_id is not None
    assert second.post_id is None
    with rt.db.read() as conn:
        row = conn.execute(select(posts).where(posts.c.id == first.post_id)).one()
    assert (row.account_id, row.text) == (people.alice, "Q1 Who do you trust? #hcsm")
    # when the second one's job runs early, it waits; on time, it posts; again, nothing
    assert do_post_question(rt, second.id, now=start) is None
    later = start + timedelta(minutes=21)
    posted = do_post_question(rt, second.id, now=later)
    assert posted is not None
    assert do_post_question(rt, second.id, now=later) is None
    with rt.db.read() as conn:
        count = conn.scalar(select(func.count()).where(posts.c.account_id == people.alice))
    assert count == 2


def test_answers_are_grouped_under_their_questions(
    rt: Runtime, people: People, settle: Settle
) -> None:
    chat_id = announce(rt, people.alice, utcnow() - timedelta(minutes=2))
    settle()
    q1 = get_chat(rt, chat_id).questions[0].post_id
    do_create_post(rt, people.bob, "A1 my doctor #hcsm")
    do_create_post(rt, people.carol, "@alice a2 the library #hcsm")
    do_create_post(rt, people.dave, "nobody, honestly #hcsm", in_reply_to_id=q1)
    do_create_post(rt, people.erin, "hello everyone #hcsm")
    do_create_post(rt, people.frank, "A1 but not in the chat's tag #other")
    transcript = get_transcript(rt, None, chat_id)
    one, two = transcript.questions
    assert one.post is not None
    assert one.post.post.id == q1
    assert [v.account.username for v in one.answers] == ["bob", "dave"]
    assert [v.account.username for v in two.answers] == ["carol"]
    assert [v.account.username for v in transcript.conversation] == ["erin"]


def test_a_transcript_shows_each_reader_only_what_they_may_see(
    rt: Runtime, people: People, settle: Settle
) -> None:
    chat_id = announce(rt, people.alice, utcnow() - timedelta(minutes=2))
    settle()
    do_follow(rt, people.bob, people.carol)
    do_create_post(rt, people.carol, "A1 my followers know #hcsm", visibility="private")
    do_create_post(rt, people.carol, "A1 a secret #hcsm @bob", visibility="direct")
    do_create_post(rt, people.dave, "A1 everyone knows #hcsm")
    do_block(rt, people.dave, people.erin)

    def answers(viewer: int | None) -> list[str]:
        return [v.post.text for v in get_transcript(rt, viewer, chat_id).questions[0].answers]

    assert answers(people.bob) == ["A1 my followers know #hcsm", "A1 everyone knows #hcsm"]
    assert answers(None) == ["A1 everyone knows #hcsm"]
    assert answers(people.erin) == []


def test_an_announcement_is_checked(rt: Runtime, people: People) -> None:
    start = utcnow() + timedelta(hours=1)
    with pytest.raises(ValidationFailed):
        do_announce_chat(rt, people.alice, "not a tag", start)
    with pytest.raises(ValidationFailed):
        do_announce_chat(rt, people.alice, "ok", utcnow() - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        do_announce_chat(rt, people.alice, "ok", start, ends_at=start - timedelta(minutes=1))
    with pytest.raises(ValidationFailed):
        do_announce_chat(rt, people.alice, "ok", start, questions=[QuestionInput("x" * 300)])
    with pytest.raises(ValidationFailed):
        do_announce_chat(
            rt,
            people.alice,
            "ok",
            start,
            questions=[QuestionInput("late", start + timedelta(hours=2))],
        )
    chat_id = do_announce_chat(rt, people.alice, "#ok", start)
    now = utcnow()
    assert [c.id for c in upcoming_chats(rt, now)] == [chat_id]
    assert [c.id for c in recent_chats(rt, now + timedelta(hours=3))] == [chat_id]
