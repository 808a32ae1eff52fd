"""Graph reads that fan-out leans on."""

from __future__ import annotations

from roost.graph.actions import do_follow
from roost.graph.queries import followers_among
from roost.runtime import Runtime
from tests.conftest import People


def test_followers_among_answers_for_the_given_accounts_only(rt: Runtime, people: People) -> None:
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.carol, people.bob)
    do_follow(rt, people.dave, people.carol)
    assert followers_among(rt, people.bob, [people.alice, people.dave, people.erin]) == {
        people.alice
    }
    assert followers_among(rt, people.bob, []) == set()
