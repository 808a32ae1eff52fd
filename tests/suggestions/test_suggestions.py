"""Who to follow on a small hand-made graph whose answers are known.

alice -> bob, carol, dave
bob   -> erin, frank, grace, judy, kate
carol -> erin, frank, alice
dave  -> erin, heidi (locked), ivan
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import update

from roost.accounts.models import accounts
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block, do_mute
from roost.graph.queries import familiar_followers
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.suggestions.actions import do_dismiss_suggestion
from roost.suggestions.queries import FRIENDS_OF_FRIENDS, MOST_FOLLOWED, get_suggestions
from tests.conftest import People

Settle = Callable[[], int]


@pytest.fixture
def graph(rt: Runtime, people: People) -> People:
    heidi = people.heidi  # registered before the transaction below
    with rt.db.write() as tx:
        tx.conn.execute(update(accounts).where(accounts.c.id == heidi).values(locked=True))
    for follower, targets in (
        ("alice", ("bob", "carol", "dave")),
        ("bob", ("erin", "frank", "grace", "judy", "kate")),
        ("carol", ("erin", "frank", "alice")),
        ("dave", ("erin", "heidi", "ivan")),
    ):
        for target in targets:
            do_follow(rt, getattr(people, follower), getattr(people, target))
    do_create_post(rt, people.ivan, "ivan posted last, so ranks first among equals")
    return people


def names(rt: Runtime, viewer: int) -> list[str]:
    return [s.account.username for s in get_suggestions(rt, viewer, utcnow())]


def test_friends_of_friends_rank_by_how_many_then_by_recent_activity(
    rt: Runtime, graph: People
) -> None:
    found = get_suggestions(rt, graph.alice, utcnow())
    fof = [s for s in found if s.source == FRIENDS_OF_FRIENDS]
    # erin (3 of alice's follows), frank (2), then the ones of 1: ivan posted, so first
    assert [s.account.username for s in fof][:3] == ["erin", "frank", "ivan"]
    assert sorted(s.account.username for s in fof[3:]) == ["grace", "judy", "kate"]
    assert [s.mutuals for s in fof] == [3, 2, 1, 1, 1, 1]
    # never alice herself, those she follows, nor heidi (locked)
    assert not {"alice", "bob", "carol", "dave", "heidi"} & {s.account.username for s in found}
    assert fof[0].reason == "Followed by dave and 2 others"
    assert fof[1].reason == "Followed by carol and bob"
    assert fof[2].reason == "Followed by dave"


def test_blocked_muted_and_dismissed_people_are_not_suggested(rt: Runtime, graph: People) -> None:
    do_block(rt, graph.judy, graph.alice)  # judy blocks alice
    do_block(rt, graph.alice, graph.grace)  # alice blocks grace
    do_mute(rt, graph.alice, graph.kate)
    do_dismiss_suggestion(rt, graph.alice, graph.frank)
    do_dismiss_suggestion(rt, graph.alice, graph.frank)  # twice is once
    assert names(rt, graph.alice) == ["erin", "ivan"]
    # the others are not affected by alice's choices
    do_follow(rt, graph.zoe, graph.carol)
    assert "frank" in names(rt, graph.zoe)


def test_someone_who_follows_nobody_gets_popular_active_accounts(
    rt: Runtime, graph: People
) -> None:
    newcomer = graph.newcomer
    found = get_suggestions(rt, newcomer, utcnow(), limit=3)
    assert [s.source for s in found] == [MOST_FOLLOWED] * 3
    # ivan posted recently: among the active he is the most followed; then by followers
    assert [s.account.username for s in found] == ["ivan", "erin", "frank"]
    assert found[0].reason == "Popular on this server"


def test_a_follow_request_is_not_suggested_again(rt: Runtime, graph: People) -> None:
    heidi = graph.heidi
    do_follow(rt, graph.alice, heidi)  # a request: heidi is locked
    with rt.db.write() as tx:
        tx.conn.execute(update(accounts).where(accounts.c.id == heidi).values(locked=False))
    assert "heidi" not in names(rt, graph.alice)


def test_familiar_followers_end_with_a_block(rt: Runtime, graph: People) -> None:
    # bob follows erin; alice follows bob: bob is familiar to alice about erin
    assert [r.username for r in familiar_followers(rt, graph.alice, [graph.erin])[graph.erin]] == [
        "dave",
        "carol",
        "bob",
    ]
    do_block(rt, graph.bob, graph.alice)  # bob blocks alice: the follow ends both ways
    do_block(rt, graph.alice, graph.carol)
    assert [r.username for r in familiar_followers(rt, graph.alice, [graph.erin])[graph.erin]] == [
        "dave"
    ]
