"""Followed hashtags bring public posts into the home timeline: by fan-out as they
are posted, and the same posts when home is rebuilt from the database."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.blocks import do_block
from roost.paging import Page
from roost.posts.actions import do_create_post, do_delete_post
from roost.runtime import Runtime
from roost.tags.actions import do_follow_tag, do_unfollow_tag
from roost.tags.queries import followed_tags, get_tag
from roost.timelines.feeds import home_key, home_timeline, rebuild_home
from tests.conftest import People

Settle = Callable[[], int]


def home_ids(rt: Runtime, viewer: int) -> list[int]:
    return [v.post.id for v in home_timeline(rt, viewer, Page(limit=40))]


def test_public_posts_with_a_followed_tag_reach_home_by_fan_out(
    rt: Runtime, people: People, settle: Settle
) -> None:
    # given
    do_follow_tag(rt, people.alice, "#MedEd")
    settle()
    home_ids(rt, people.alice)  # home exists: later posts arrive by fan-out
    # when
    public = do_create_post(rt, people.bob, "grand rounds #meded")
    do_create_post(rt, people.bob, "unlisted #meded", visibility="unlisted")
    do_create_post(rt, people.bob, "followers only #meded", visibility="private")
    do_create_post(rt, people.bob, "untagged meded")
    settle()
    # then
    assert rt.timelines.page(home_key(people.alice)) == [public]
    assert home_ids(rt, people.alice) == [public]


def test_home_rebuild_agrees_with_fan_out(rt: Runtime, people: People, settle: Settle) -> None:
    do_follow_tag(rt, people.alice, "hcsm")
    settle()
    home_ids(rt, people.alice)
    for i in range(3):
        do_create_post(rt, people.bob, f"chat {i} #hcsm")
    do_create_post(rt, people.bob, "private #hcsm", visibility="private")
    settle()
    delivered = rt.timelines.page(home_key(people.alice))
    rebuild_home(rt, people.alice)
    assert rt.timelines.page(home_key(people.alice)) == delivered
    assert len(delivered or []) == 3


def test_follow_and_unfollow_change_home_on_next_read(
    rt: Runtime, people: People, settle: Settle
) -> None:
    before = do_create_post(rt, people.bob, "earlier #birds")
    home_ids(rt, people.alice)
    do_follow_tag(rt, people.alice, "birds")
    settle()
    assert home_ids(rt, people.alice) == [before]  # rebuilt with the tag's posts
    do_unfollow_tag(rt, people.alice, "birds")
    settle()
    assert home_ids(rt, people.alice) == []


def test_deleted_post_leaves_tag_followers_home(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow_tag(rt, people.alice, "birds")
    settle()
    home_ids(rt, people.alice)
    post = do_create_post(rt, people.bob, "a heron #birds")
    settle()
    do_delete_post(rt, people.bob, post)
    settle()
    assert rt.timelines.page(home_key(people.alice)) == []


def test_blocked_author_stays_out_of_home(rt: Runtime, people: People, settle: Settle) -> None:
    do_follow_tag(rt, people.alice, "birds")
    do_block(rt, people.alice, people.bob)
    settle()
    do_create_post(rt, people.bob, "a heron #birds")
    settle()
    assert home_ids(rt, people.alice) == []


def test_tag_entity_counts_its_week_and_knows_who_follows(rt: Runtime, people: People) -> None:
    do_create_post(rt, people.bob, "#birds one")
    do_create_post(rt, people.bob, "#birds two")
    do_create_post(rt, people.carol, "#Birds three")
    do_create_post(rt, people.carol, "#birds hidden", visibility="private")
    do_follow_tag(rt, people.alice, "birds")
    info = get_tag(rt, people.alice, "BIRDS")
    assert info is not None
    assert (info.name, info.following) == ("birds", True)
    today = info.history[0]
    assert (today.uses, today.accounts) == (3, 2)
    assert [d.uses for d in info.history[1:]] == [0] * 6
    assert [i.name for _, i in followed_tags(rt, people.alice, Page(limit=10))] == ["birds"]
    anonymous = get_tag(rt, None, "birds")
    assert anonymous is not None
    assert anonymous.following is None
