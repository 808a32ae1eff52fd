"""Polls: one vote per person, checked choices, no vote after the end or by the
author, hidden totals until the end, and the job that closes a poll and tells its
voters and author. A poll is seen only by those who may see its post."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update

from roost.errors import NotFound, ValidationFailed
from roost.graph.actions import do_follow
from roost.notifications.polls import handle_poll_expired
from roost.notifications.queries import list_notifications
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.posts.models import polls
from roost.posts.polls import PollSpec, do_vote, get_poll
from roost.posts.queries import get_status
from roost.runtime import Runtime
from roost.store.jobs import jobs
from roost.store.schema import utcnow
from tests.conftest import People

Settle = Callable[[], int]


def _poll_post(
    rt: Runtime, author: int, *, multiple: bool = False, hide_totals: bool = False, **kw: object
) -> tuple[int, int]:
    post_id = do_create_post(
        rt,
        author,
        "Which day?",
        poll=PollSpec(["Mon", "Tue", "Wed"], 3600, multiple, hide_totals),
        **kw,  # type: ignore[arg-type]
    )
    view = get_status(rt, author, post_id)
    assert view.poll is not None
    return post_id, int(view.poll.row.id)


def end_polls(rt: Runtime) -> None:
    """Time passes: every poll has ended and its expiry job is due."""
    past = utcnow() - timedelta(seconds=1)
    with rt.db.write() as tx:
        tx.conn.execute(update(polls).values(expires_at=past))
        tx.conn.execute(update(jobs).values(run_at=past))


def poll_notified(rt: Runtime, account_id: int) -> list[int]:
    views, _ = list_notifications(rt, account_id, Page(limit=80))
    return [v.status.post.id for v in views if v.type == "poll" and v.status is not None]


def test_a_person_votes_once(rt: Runtime, people: People) -> None:
    _, poll_id = _poll_post(rt, people.alice)
    voted = do_vote(rt, people.bob, poll_id, [1])
    assert (voted.own_votes, voted.voted, voted.tallies) == ([1], True, [0, 1, 0])
    assert voted.row.voters_count == 1
    with pytest.raises(ValidationFailed, match="already voted"):
        do_vote(rt, people.bob, poll_id, [2])
    assert get_poll(rt, None, poll_id).tallies == [0, 1, 0]


def test_choices_are_checked_and_the_author_cannot_vote(rt: Runtime, people: People) -> None:
    _, poll_id = _poll_post(rt, people.alice)
    for choices in ([], [3], [-1], [0, 1], [0, 0]):
        with pytest.raises(ValidationFailed):
            do_vote(rt, people.bob, poll_id, choices)
    with pytest.raises(ValidationFailed, match="own poll"):
        do_vote(rt, people.alice, poll_id, [0])
    assert get_poll(rt, people.alice, poll_id).voted  # as Mastodon: the author "voted"


def test_multiple_choice(rt: Runtime, people: People) -> None:
    _, poll_id = _poll_post(rt, people.alice, multiple=True)
    do_vote(rt, people.bob, poll_id, [0, 2])
    view = do_vote(rt, people.carol, poll_id, [2])
    assert (view.tallies, view.row.votes_count, view.row.voters_count) == ([1, 0, 2], 3, 2)
    assert get_poll(rt, people.bob, poll_id).own_votes == [0, 2]


def test_hidden_totals_show_at_the_end(rt: Runtime, people: People) -> None:
    _, poll_id = _poll_post(rt, people.alice, hide_totals=True)
    do_vote(rt, people.bob, poll_id, [0])
    assert get_poll(rt, people.alice, poll_id).tallies is None
    assert get_poll(rt, people.bob, poll_id).row.votes_count == 1
    end_polls(rt)
    assert get_poll(rt, people.bob, poll_id).tallies == [1, 0, 0]


def test_no_vote_after_the_end(rt: Runtime, people: People) -> None:
    _, poll_id = _poll_post(rt, people.alice)
    end_polls(rt)
    with pytest.raises(ValidationFailed, match="ended"):
        do_vote(rt, people.bob, poll_id, [0])


def test_the_expiry_job_tells_voters_and_the_author_once(
    rt: Runtime, people: People, settle: Settle
) -> None:
    post_id, poll_id = _poll_post(rt, people.alice)
    do_vote(rt, people.bob, poll_id, [0])
    settle()  # the expiry job is not due yet
    assert poll_notified(rt, people.bob) == []
    end_polls(rt)
    settle()
    assert poll_notified(rt, people.bob) == [post_id]
    assert poll_notified(rt, people.alice) == [post_id]
    assert poll_notified(rt, people.carol) == []
    handle_poll_expired(rt, {"poll_id": poll_id})  # a job run twice tells nobody twice
    assert poll_notified(rt, people.bob) == [post_id]


def test_a_poll_is_seen_only_with_its_post(rt: Runtime, people: People) -> None:
    do_follow(rt, people.bob, people.alice)
    _, poll_id = _poll_post(rt, people.alice, visibility="private")
    assert get_poll(rt, people.bob, poll_id).row.id == poll_id  # a follower
    for viewer in (people.mallory, None):
        with pytest.raises(NotFound):
            get_poll(rt, viewer, poll_id)
    with pytest.raises(NotFound):
        do_vote(rt, people.mallory, poll_id, [0])
    assert get_poll(rt, people.bob, poll_id).row.votes_count == 0
