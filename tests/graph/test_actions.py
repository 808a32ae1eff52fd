from __future__ import annotations

import pytest

from roost.accounts.queries import get_account
from roost.errors import NotFound, ValidationFailed
from roost.graph.actions import do_follow, do_unfollow
from roost.graph.queries import followers, following, relationships
from roost.paging import Page
from roost.runtime import Runtime
from tests.conftest import People


def test_follow_counts_and_lists(rt: Runtime, people: People) -> None:
    assert do_follow(rt, people.alice, people.bob) is True
    assert do_follow(rt, people.alice, people.bob) is False  # idempotent
    assert get_account(rt, people.alice).following_count == 1
    assert get_account(rt, people.bob).followers_count == 1
    assert [a.id for _, a in followers(rt, people.bob, Page())] == [people.alice]
    assert [a.id for _, a in following(rt, people.alice, Page())] == [people.bob]


def test_relationships_both_ways(rt: Runtime, people: People) -> None:
    do_follow(rt, people.alice, people.bob)
    rel = relationships(rt, people.bob, [people.alice, people.carol])
    assert [(r.id, r.following, r.followed_by) for r in rel] == [
        (people.alice, False, True),
        (people.carol, False, False),
    ]


def test_unfollow_restores_counts_and_is_idempotent(rt: Runtime, people: People) -> None:
    do_follow(rt, people.alice, people.bob)
    assert do_unfollow(rt, people.alice, people.bob) is True
    assert do_unfollow(rt, people.alice, people.bob) is False
    assert get_account(rt, people.alice).following_count == 0
    assert get_account(rt, people.bob).followers_count == 0


def test_cannot_follow_yourself_or_nobody(rt: Runtime, people: People) -> None:
    with pytest.raises(ValidationFailed):
        do_follow(rt, people.alice, people.alice)
    with pytest.raises(NotFound):
        do_follow(rt, people.alice, 12345)
    assert get_account(rt, people.alice).following_count == 0


def test_follower_pages_by_follow_id(rt: Runtime, people: People) -> None:
    fans = [people.bob, people.carol, people.dave]
    for fan in fans:
        do_follow(rt, fan, people.alice)
    first = followers(rt, people.alice, Page(limit=2))
    assert [a.id for _, a in first] == [people.dave, people.carol]
    rest = followers(rt, people.alice, Page(limit=2, max_id=first[-1][0]))
    assert [a.id for _, a in rest] == [people.bob]
