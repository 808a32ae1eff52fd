"""Following a locked account files a request; the account approves or turns it
down, and unlocking approves everyone waiting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from roost.accounts.actions import do_update_profile
from roost.accounts.queries import get_account
from roost.errors import NotFound
from roost.graph.actions import (
    do_authorize_follow_request,
    do_follow,
    do_reject_follow_request,
    do_unfollow,
)
from roost.graph.models import follows
from roost.graph.queries import (
    follow_requesters,
    follow_requests_count,
    is_following,
    relationships,
)
from roost.notifications.queries import list_notifications
from roost.paging import Page
from roost.runtime import Runtime
from tests.conftest import People

Settle = Callable[[], int]


def kinds(rt: Runtime, account_id: int) -> list[tuple[str, int]]:
    views, _ = list_notifications(rt, account_id, Page(limit=80))
    return [(v.type, v.account.id) for v in views]


def requesters(rt: Runtime, account_id: int) -> list[int]:
    return [a.id for _, a in follow_requesters(rt, account_id, Page(limit=80))]


@pytest.fixture
def locked_bob(rt: Runtime, people: People) -> int:
    do_update_profile(rt, people.bob, locked=True)
    return people.bob


def test_following_a_locked_account_files_a_request_not_a_follow(
    rt: Runtime, people: People, locked_bob: int
) -> None:
    assert do_follow(rt, people.alice, locked_bob) is True
    assert do_follow(rt, people.alice, locked_bob) is False  # one request per pair
    assert not is_following(rt, people.alice, locked_bob)
    assert get_account(rt, locked_bob).followers_count == 0
    assert get_account(rt, people.alice).following_count == 0
    assert requesters(rt, locked_bob) == [people.alice]
    assert follow_requests_count(rt, locked_bob) == 1
    (mine,) = relationships(rt, people.alice, [locked_bob])
    (theirs,) = relationships(rt, locked_bob, [people.alice])
    assert (mine.following, mine.requested, mine.requested_by) == (False, True, False)
    assert (theirs.followed_by, theirs.requested, theirs.requested_by) == (False, False, True)


def test_authorizing_makes_the_follow_with_the_requested_notify(
    rt: Runtime, people: People, locked_bob: int
) -> None:
    do_follow(rt, people.alice, locked_bob, notify=True)
    do_authorize_follow_request(rt, locked_bob, people.alice)
    assert is_following(rt, people.alice, locked_bob)
    assert get_account(rt, locked_bob).followers_count == 1
    assert get_account(rt, people.alice).following_count == 1
    assert requesters(rt, locked_bob) == []
    (rel,) = relationships(rt, people.alice, [locked_bob])
    assert (rel.following, rel.notifying, rel.requested) == (True, True, False)
    with pytest.raises(NotFound):  # nothing left to authorize
        do_authorize_follow_request(rt, locked_bob, people.alice)


def test_rejecting_or_cancelling_leaves_no_follow(
    rt: Runtime, people: People, locked_bob: int
) -> None:
    do_follow(rt, people.alice, locked_bob)
    do_follow(rt, people.carol, locked_bob)
    do_reject_follow_request(rt, locked_bob, people.alice)
    assert do_unfollow(rt, people.carol, locked_bob) is True  # cancels the request
    assert requesters(rt, locked_bob) == []
    with rt.db.read() as conn:
        assert conn.execute(select(follows.c.id)).all() == []
    with pytest.raises(NotFound):
        do_reject_follow_request(rt, locked_bob, people.alice)
    assert do_unfollow(rt, people.carol, locked_bob) is False


def test_only_the_target_can_answer_a_request(rt: Runtime, people: People, locked_bob: int) -> None:
    do_follow(rt, people.alice, locked_bob)
    with pytest.raises(NotFound):
        do_authorize_follow_request(rt, people.carol, people.alice)
    assert requesters(rt, locked_bob) == [people.alice]


def test_requests_page_newest_first_by_request_id(
    rt: Runtime, people: People, locked_bob: int
) -> None:
    for fan in (people.alice, people.carol, people.dave):
        do_follow(rt, fan, locked_bob)
    first = follow_requesters(rt, locked_bob, Page(limit=2))
    assert [a.id for _, a in first] == [people.dave, people.carol]
    rest = follow_requesters(rt, locked_bob, Page(limit=2, max_id=first[-1][0]))
    assert [a.id for _, a in rest] == [people.alice]


def test_an_existing_follow_stays_when_the_account_locks(rt: Runtime, people: People) -> None:
    do_follow(rt, people.alice, people.bob)
    do_update_profile(rt, people.bob, locked=True)
    assert do_follow(rt, people.alice, people.bob) is False
    assert requesters(rt, people.bob) == []
    assert is_following(rt, people.alice, people.bob)


def test_unlocking_approves_every_pending_request(
    rt: Runtime, people: People, locked_bob: int, settle: Settle
) -> None:
    do_follow(rt, people.alice, locked_bob)
    do_follow(rt, people.carol, locked_bob)
    do_update_profile(rt, locked_bob, locked=False)
    settle()
    assert requesters(rt, locked_bob) == []
    assert is_following(rt, people.alice, locked_bob)
    assert is_following(rt, people.carol, locked_bob)
    assert get_account(rt, locked_bob).followers_count == 2
    assert sorted(kinds(rt, locked_bob)) == sorted(
        [("follow", people.alice), ("follow", people.carol)]
    )


def test_relocking_before_the_job_runs_keeps_requests_waiting(
    rt: Runtime, people: People, locked_bob: int, settle: Settle
) -> None:
    do_follow(rt, people.alice, locked_bob)
    do_update_profile(rt, locked_bob, locked=False)
    do_update_profile(rt, locked_bob, locked=True)
    settle()
    assert requesters(rt, locked_bob) == [people.alice]


def test_a_request_notifies_until_it_is_answered(
    rt: Runtime, people: People, locked_bob: int, settle: Settle
) -> None:
    do_follow(rt, people.alice, locked_bob)
    do_follow(rt, people.carol, locked_bob)
    do_follow(rt, people.dave, locked_bob)
    settle()
    assert sorted(kinds(rt, locked_bob)) == sorted(
        [
            ("follow_request", people.alice),
            ("follow_request", people.carol),
            ("follow_request", people.dave),
        ]
    )
    do_authorize_follow_request(rt, locked_bob, people.alice)
    do_reject_follow_request(rt, locked_bob, people.carol)
    do_unfollow(rt, people.dave, locked_bob)
    settle()
    assert kinds(rt, locked_bob) == [("follow", people.alice)]
