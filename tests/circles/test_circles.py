"""Circles: a circle post is seen by its author and the circle's current members only,
everywhere a post can be read, and reaches only their home timelines."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from roost.circles.actions import (
    do_add_circle_members,
    do_create_circle,
    do_delete_circle,
    do_remove_circle_members,
    do_rename_circle,
)
from roost.circles.queries import access_circle, get_circles
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block
from roost.lists.actions import do_add_list_accounts, do_create_list
from roost.notifications.queries import list_notifications
from roost.paging import Page
from roost.posts.actions import do_create_post, do_delete_post, do_reblog
from roost.posts.queries import account_statuses, get_context, get_status
from roost.runtime import Runtime
from roost.timelines.feeds import home_key, home_timeline, list_key, list_timeline, rebuild_home
from tests.conftest import People


def home_ids(rt: Runtime, viewer: int) -> list[int]:
    return [v.post.id for v in home_timeline(rt, viewer, Page(limit=40))]


def circle_of(rt: Runtime, owner: int, members: list[int], name: str = "Close friends") -> int:
    circle_id = do_create_circle(rt, owner, name)
    do_add_circle_members(rt, owner, circle_id, members)
    return circle_id


def test_circles_are_named_counted_and_only_their_owners(rt: Runtime, people: People) -> None:
    circle_id = circle_of(rt, people.alice, [people.bob, people.carol])
    do_add_circle_members(rt, people.alice, circle_id, [people.bob])  # twice: no change
    do_rename_circle(rt, people.alice, circle_id, "  Family ")
    assert [(c.name, c.members_count) for c in get_circles(rt, people.alice)] == [("Family", 2)]
    with pytest.raises(NotFound):
        access_circle(rt, people.bob, circle_id)
    with pytest.raises(NotFound):
        do_add_circle_members(rt, people.bob, circle_id, [people.dave])
    with pytest.raises(ValidationFailed):
        do_rename_circle(rt, people.alice, circle_id, " ")
    with pytest.raises(ValidationFailed):
        do_create_circle(rt, people.alice, "x" * 101)
    with pytest.raises(ValidationFailed):
        do_add_circle_members(rt, people.alice, circle_id, [people.alice])
    do_remove_circle_members(rt, people.alice, circle_id, [people.carol])
    assert access_circle(rt, people.alice, circle_id).members_count == 1


def test_a_circle_post_is_private_and_only_for_the_author_and_members(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given: carol follows alice but is not in the circle; bob is in it, following no one
    do_follow(rt, people.carol, people.alice)
    circle_id = circle_of(rt, people.alice, [people.bob])
    # when: the post even mentions carol, who stays out
    post = do_create_post(rt, people.alice, "inner circle @carol", circle_id=circle_id)
    settle()
    # then
    assert get_status(rt, people.alice, post).post.visibility == "private"
    assert get_status(rt, people.bob, post).post.id == post
    for outsider in (people.carol, None):
        with pytest.raises(NotFound):
            get_status(rt, outsider, post)
    assert [v.post.id for v in account_statuses(rt, people.carol, people.alice, Page())] == []
    assert [v.post.id for v in account_statuses(rt, people.bob, people.alice, Page())] == [post]
    notes, _ = list_notifications(rt, people.carol, Page())
    assert notes == []


def test_fanout_and_rebuild_agree_members_in_outsiders_out(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    do_follow(rt, people.carol, people.alice)
    circle_id = circle_of(rt, people.alice, [people.bob])
    for who in (people.alice, people.bob, people.carol):
        assert home_ids(rt, who) == []  # materialise the stored timelines
    # when
    post = do_create_post(rt, people.alice, "for the circle", circle_id=circle_id)
    settle()
    # then: stored by the fan-out for the author and the member only
    assert rt.timelines.page(home_key(people.alice)) == [post]
    assert rt.timelines.page(home_key(people.bob)) == [post]
    assert rt.timelines.page(home_key(people.carol)) == []
    # and a rebuild from the database finds the same
    for who, expected in ((people.alice, [post]), (people.bob, [post]), (people.carol, [])):
        rebuild_home(rt, who)
        assert rt.timelines.page(home_key(who)) == expected
        assert home_ids(rt, who) == expected


def test_a_circle_post_never_reaches_lists(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given: carol lists alice; bob (a member) lists alice too
    circle_id = circle_of(rt, people.alice, [people.bob])
    list_ids = []
    for owner in (people.carol, people.bob):
        do_follow(rt, owner, people.alice)
        list_id = do_create_list(rt, owner, "Alice")
        do_add_list_accounts(rt, owner, list_id, [people.alice])
        list_ids.append(list_id)
    settle()
    # when
    do_create_post(rt, people.alice, "for the circle", circle_id=circle_id)
    settle()
    # then
    for owner, list_id in zip((people.carol, people.bob), list_ids, strict=True):
        assert rt.timelines.page(list_key(list_id)) in (None, [])
        assert list_timeline(rt, owner, list_id, Page()) == []


def test_replies_stay_inside_the_circle(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    do_follow(rt, people.carol, people.bob)  # carol follows the member who replies
    circle_id = circle_of(rt, people.alice, [people.bob])
    post = do_create_post(rt, people.alice, "inside", circle_id=circle_id)
    # when: bob asks for a public reply
    reply = do_create_post(rt, people.bob, "still inside", in_reply_to_id=post)
    settle()
    # then
    row = get_status(rt, people.bob, reply).post
    assert (row.visibility, row.circle_id) == ("private", circle_id)
    assert get_status(rt, people.alice, reply).post.id == reply
    with pytest.raises(NotFound):
        get_status(rt, people.carol, reply)
    assert home_ids(rt, people.carol) == []
    assert [v.post.id for v in get_context(rt, people.alice, post).descendants] == [reply]
    with pytest.raises(NotFound):
        get_context(rt, people.carol, reply)
    notes, _ = list_notifications(rt, people.alice, Page())
    assert [n.type for n in notes] == ["mention"]


def test_circle_posts_cannot_be_reposted_or_quoted(rt: Runtime, people: People) -> None:
    circle_id = circle_of(rt, people.alice, [people.bob])
    post = do_create_post(rt, people.alice, "inside", circle_id=circle_id)
    with pytest.raises(Forbidden):
        do_reblog(rt, people.bob, post)
    with pytest.raises(Forbidden):
        do_reblog(rt, people.alice, post)
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.bob, "look", quote_id=post)


def test_only_ones_own_circle_can_be_addressed(rt: Runtime, people: People) -> None:
    circle_id = circle_of(rt, people.alice, [people.bob])
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.bob, "into alice's circle", circle_id=circle_id)


def test_a_removed_member_loses_access_even_to_stored_entries(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    circle_id = circle_of(rt, people.alice, [people.bob])
    post = do_create_post(rt, people.alice, "inside", circle_id=circle_id)
    settle()
    assert home_ids(rt, people.bob) == [post]
    # when
    do_remove_circle_members(rt, people.alice, circle_id, [people.bob])
    # then: the stored entry is still there, and every read drops it
    assert rt.timelines.page(home_key(people.bob)) == [post]
    assert home_ids(rt, people.bob) == []
    with pytest.raises(NotFound):
        get_status(rt, people.bob, post)


def test_a_deleted_circles_posts_stay_with_their_author_only(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.carol, people.alice)
    circle_id = circle_of(rt, people.alice, [people.bob])
    post = do_create_post(rt, people.alice, "inside", circle_id=circle_id)
    settle()
    # when
    do_delete_circle(rt, people.alice, circle_id)
    # then: not opened to followers (nor to the former members)
    for outsider in (people.bob, people.carol):
        with pytest.raises(NotFound):
            get_status(rt, outsider, post)
        rebuild_home(rt, outsider)
        assert home_ids(rt, outsider) == []
    view = get_status(rt, people.alice, post)
    assert (view.post.visibility, view.post.circle_id, view.post.circle_name) == (
        "private",
        circle_id,
        None,
    )


def test_blocks_still_apply_inside_a_circle(rt: Runtime, people: People) -> None:
    circle_id = circle_of(rt, people.alice, [people.bob])
    do_block(rt, people.bob, people.alice)
    post = do_create_post(rt, people.alice, "inside", circle_id=circle_id)
    with pytest.raises(NotFound):
        get_status(rt, people.bob, post)


def test_deleting_a_circle_post_takes_it_from_members_homes(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    circle_id = circle_of(rt, people.alice, [people.bob])
    post = do_create_post(rt, people.alice, "inside", circle_id=circle_id)
    settle()
    assert rt.timelines.page(home_key(people.bob)) == [post]
    do_delete_post(rt, people.alice, post)
    settle()
    assert rt.timelines.page(home_key(people.bob)) == []
