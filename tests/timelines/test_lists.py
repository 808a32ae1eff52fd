"""List timelines: fed by the home fan-out, filtered by replies policy, rebuilt when lost."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from roost.errors import NotFound
from roost.graph.actions import do_follow, do_unfollow
from roost.graph.blocks import do_mute
from roost.lists.actions import (
    do_add_list_accounts,
    do_create_list,
    do_delete_list,
    do_remove_list_accounts,
    do_update_list,
)
from roost.paging import Page
from roost.posts.actions import do_create_post, do_delete_post
from roost.runtime import Runtime
from roost.timelines.actions import handle_purge
from roost.timelines.feeds import home_key, home_timeline, list_key, list_timeline
from tests.conftest import People


def list_ids(rt: Runtime, viewer: int, list_id: int) -> list[int]:
    return [v.post.id for v in list_timeline(rt, viewer, list_id, Page(limit=40))]


def home_ids(rt: Runtime, viewer: int) -> list[int]:
    return [v.post.id for v in home_timeline(rt, viewer, Page(limit=40))]


def make_list(rt: Runtime, owner: int, members: list[int], **options: object) -> int:
    for member in members:
        do_follow(rt, owner, member)
    list_id = do_create_list(rt, owner, "Close friends", **options)  # type: ignore[arg-type]
    do_add_list_accounts(rt, owner, list_id, members)
    return list_id


def test_members_posts_reach_the_list_by_fanout(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    list_id = make_list(rt, people.alice, [people.bob])
    do_follow(rt, people.alice, people.carol)
    settle()
    assert list_ids(rt, people.alice, list_id) == []  # materialises the list timeline
    # when
    post = do_create_post(rt, people.bob, "for the list")
    other = do_create_post(rt, people.carol, "not a member")
    settle()
    # then: stored by the fan-out, not only found by a rebuild
    assert rt.timelines.page(list_key(list_id)) == [post]
    assert list_ids(rt, people.alice, list_id) == [post]
    assert home_ids(rt, people.alice) == [other, post]


def test_someone_elses_list_timeline_is_not_found(rt: Runtime, people: People) -> None:
    list_id = make_list(rt, people.alice, [people.bob])
    with pytest.raises(NotFound):
        list_timeline(rt, people.carol, list_id, Page())


def test_adding_a_member_backfills_and_removing_purges(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    older = do_create_post(rt, people.bob, "before joining the list")
    list_id = make_list(rt, people.alice, [])
    do_follow(rt, people.alice, people.bob)
    settle()
    assert list_ids(rt, people.alice, list_id) == []
    do_add_list_accounts(rt, people.alice, list_id, [people.bob])
    settle()
    assert rt.timelines.page(list_key(list_id)) == [older]
    do_remove_list_accounts(rt, people.alice, list_id, [people.bob])
    settle()
    assert rt.timelines.page(list_key(list_id)) == []


def test_deleted_posts_leave_the_list(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    list_id = make_list(rt, people.alice, [people.bob])
    settle()
    list_ids(rt, people.alice, list_id)
    post = do_create_post(rt, people.bob, "soon gone")
    settle()
    do_delete_post(rt, people.bob, post)
    settle()
    assert rt.timelines.page(list_key(list_id)) == []


def test_unfollow_purges_the_list_timeline(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    list_id = make_list(rt, people.alice, [people.bob])
    post = do_create_post(rt, people.bob, "hello")
    settle()
    assert list_ids(rt, people.alice, list_id) == [post]
    do_unfollow(rt, people.alice, people.bob)
    settle()
    assert rt.timelines.page(list_key(list_id)) == []


def test_missing_list_timeline_is_rebuilt_from_database(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    list_id = make_list(rt, people.alice, [people.bob])
    settle()
    first = do_create_post(rt, people.bob, "one")
    second = do_create_post(rt, people.bob, "two")
    settle()
    rt.timelines.drop(list_key(list_id))
    assert list_ids(rt, people.alice, list_id) == [second, first]
    assert rt.timelines.page(list_key(list_id)) == [second, first]


@pytest.mark.parametrize("rebuilt", [False, True])
@pytest.mark.parametrize(
    ("policy", "shown"),
    [
        ("none", {"self", "owner"}),
        ("list", {"self", "owner", "member"}),
        ("followed", {"self", "owner", "member", "followed"}),
    ],
)
def test_replies_policy(
    rt: Runtime,
    people: People,
    settle: Callable[[], int],
    policy: str,
    shown: set[str],
    rebuilt: bool,
) -> None:
    # given: bob and carol in alice's list; alice follows dave too; erin is a stranger
    list_id = make_list(rt, people.alice, [people.bob, people.carol], replies_policy=policy)
    do_follow(rt, people.alice, people.dave)
    settle()
    list_ids(rt, people.alice, list_id)
    roots = {
        "self": do_create_post(rt, people.bob, "a thread"),
        "owner": do_create_post(rt, people.alice, "alice speaks"),
        "member": do_create_post(rt, people.carol, "carol speaks"),
        "followed": do_create_post(rt, people.dave, "dave speaks"),
        "stranger": do_create_post(rt, people.erin, "erin speaks"),
    }
    settle()
    # when bob answers each of them
    replies = {
        name: do_create_post(rt, people.bob, "a reply", in_reply_to_id=root)
        for name, root in roots.items()
    }
    settle()
    if rebuilt:
        rt.timelines.drop(list_key(list_id))
    # then
    timeline = set(list_ids(rt, people.alice, list_id))
    assert {name for name, reply in replies.items() if reply in timeline} == shown


@pytest.mark.parametrize("rebuilt", [False, True])
def test_exclusive_list_keeps_members_out_of_home(
    rt: Runtime, people: People, settle: Callable[[], int], rebuilt: bool
) -> None:
    list_id = make_list(rt, people.alice, [people.bob], exclusive=True)
    do_follow(rt, people.alice, people.carol)
    settle()
    home_ids(rt, people.alice)
    post = do_create_post(rt, people.bob, "only in the list")
    other = do_create_post(rt, people.carol, "in home")
    settle()
    if rebuilt:
        rt.timelines.drop(home_key(people.alice))
    assert home_ids(rt, people.alice) == [other]
    assert list_ids(rt, people.alice, list_id) == [post]


def test_making_a_list_exclusive_and_back_moves_posts(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    list_id = make_list(rt, people.alice, [people.bob])
    post = do_create_post(rt, people.bob, "hello")
    settle()
    assert home_ids(rt, people.alice) == [post]
    do_update_list(rt, people.alice, list_id, exclusive=True)
    settle()
    assert home_ids(rt, people.alice) == []
    do_remove_list_accounts(rt, people.alice, list_id, [people.bob])
    settle()
    assert home_ids(rt, people.alice) == [post]
    do_add_list_accounts(rt, people.alice, list_id, [people.bob])
    settle()
    assert home_ids(rt, people.alice) == []
    do_delete_list(rt, people.alice, list_id)
    settle()
    assert home_ids(rt, people.alice) == [post]


def test_list_shows_followers_only_posts_and_never_others_direct_posts(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    list_id = make_list(rt, people.alice, [people.bob])
    settle()
    list_ids(rt, people.alice, list_id)
    # when
    private = do_create_post(rt, people.bob, "followers only", visibility="private")
    direct = do_create_post(rt, people.bob, "@carol a secret", visibility="direct")
    settle()
    # then: stored, rebuilt, and read
    assert rt.timelines.page(list_key(list_id)) == [private]
    assert list_ids(rt, people.alice, list_id) == [private]
    rt.timelines.drop(list_key(list_id))
    assert list_ids(rt, people.alice, list_id) == [private]
    assert direct not in (rt.timelines.page(list_key(list_id)) or [])


def test_a_muted_members_posts_leave_the_list_at_read_time(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    list_id = make_list(rt, people.alice, [people.bob, people.carol])
    settle()
    assert list_ids(rt, people.alice, list_id) == []  # materialises the list timeline
    muted = do_create_post(rt, people.bob, "stored before the mute")
    kept = do_create_post(rt, people.carol, "still here")
    settle()
    do_mute(rt, people.alice, people.bob)
    assert muted in (rt.timelines.page(list_key(list_id)) or [])  # not rewritten
    assert list_ids(rt, people.alice, list_id) == [kept]


def test_a_late_purge_leaves_the_lists_that_hold_the_account_again(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given bob is in two of alice's lists; she unfollows him (which empties both), follows
    # him again and puts him back in one of them
    kept = make_list(rt, people.alice, [people.bob])
    left = do_create_list(rt, people.alice, "Former")
    do_add_list_accounts(rt, people.alice, left, [people.bob])
    post = do_create_post(rt, people.bob, "listed")
    settle()
    assert list_ids(rt, people.alice, kept) == [post]
    assert list_ids(rt, people.alice, left) == [post]
    do_unfollow(rt, people.alice, people.bob)
    do_follow(rt, people.alice, people.bob)
    do_add_list_accounts(rt, people.alice, kept, [people.bob])
    settle()
    # when the unfollow's purge is applied last
    handle_purge(rt, {"account_id": people.alice, "target_id": people.bob})
    # then only the list that no longer holds him loses his post
    assert rt.timelines.page(list_key(kept)) == [post]
    assert rt.timelines.page(list_key(left)) == []
