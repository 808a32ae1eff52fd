"""IDs made by two processes in one millisecond: a collision is retried, never taken
for "already done" (issue 9, finding 10)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from roost import ids
from roost.accounts.actions import do_register
from roost.accounts.queries import get_account
from roost.graph.actions import do_follow
from roost.graph.models import follows
from roost.ids import IdGenerator
from roost.runtime import Runtime
from tests.conftest import People


def _stuck_at(ms: int) -> Iterator[float]:
    """A clock that reads ``ms`` once, then the real time."""
    return itertools.chain([ms / 1000], iter(time.time, None))


def test_two_generators_in_one_millisecond_with_one_sequence_collide() -> None:
    # given two processes that drew the same sequence start, in the same millisecond
    first, second = (IdGenerator(start=7, clock=lambda: 1_700_000_000.0) for _ in range(2))
    # then their IDs collide: only the database's primary key can catch it
    assert first.new_id() == second.new_id()


def test_a_generator_only_increases_even_when_its_sequence_wraps_in_one_millisecond() -> None:
    generator = IdGenerator(start=65_530, clock=lambda: 1_700_000_000.0)  # wraps at once
    made = [generator.new_id() for _ in range(70_000)]
    assert len(set(made)) == len(made)
    assert made == sorted(made)


def test_an_id_collision_on_follow_is_retried_not_taken_for_done(
    rt: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given carol's follow of dave, and a second process about to reuse its ID
    assert do_follow(rt, people.carol, people.dave)
    alice, bob = people.alice, people.bob
    with rt.db.read() as conn:
        taken = conn.scalar(select(follows.c.id).where(follows.c.account_id == people.carol))
    assert taken is not None
    clock = _stuck_at(taken >> 16)
    monkeypatch.setattr(ids, "_generator", IdGenerator(start=taken, clock=lambda: next(clock)))
    # when alice follows bob and her follow's first ID is carol's
    made = do_follow(rt, alice, bob)
    # then the follow is made (with another ID), not lost as "already following"
    assert made is True
    with rt.db.read() as conn:
        rows = conn.execute(select(follows.c.id, follows.c.account_id)).all()
    assert {r.account_id for r in rows} == {people.carol, alice}
    assert len({r.id for r in rows}) == 2


def test_the_same_follow_twice_is_still_idempotent(rt: Runtime, people: People) -> None:
    assert do_follow(rt, people.alice, people.bob) is True
    assert do_follow(rt, people.alice, people.bob) is False


def test_a_sign_up_whose_id_collides_is_not_told_the_name_is_taken(
    rt: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an account, and a second process about to reuse its ID in a sign-up
    taken = people.carol
    clock = _stuck_at(taken >> 16)
    monkeypatch.setattr(ids, "_generator", IdGenerator(start=taken, clock=lambda: next(clock)))
    # when someone signs up with a free name
    made = do_register(rt, "newcomer", "a long enough password", email="new@example.com")
    # then they get an account of their own
    assert made != taken
    assert get_account(rt, made).username == "newcomer"
