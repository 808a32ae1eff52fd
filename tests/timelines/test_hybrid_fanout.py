"""Hybrid fan-out: very large accounts are merged into home timelines at read
time, idle followers get no fan-out and a rebuilt timeline when they return.

The threshold is lowered to two followers by replacing the runtime's settings,
the way an operator would set ``ROOST_FANOUT_MAX_FOLLOWERS``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update

from roost.accounts.models import accounts
from roost.graph.actions import do_follow
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.timelines.feeds import home_key, home_timeline, rebuild_home
from tests.conftest import People


def home_ids(rt: Runtime, viewer: int, **page: int) -> list[int]:
    return [v.post.id for v in home_timeline(rt, viewer, Page(**page))]


def make_heavy_threshold(rt: Runtime, followers: int) -> None:
    rt.settings = rt.settings.model_copy(update={"fanout_max_followers": followers})


def idle_for(rt: Runtime, account_id: int, days: int) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(last_active_at=utcnow() - timedelta(days=days))
        )


def test_large_accounts_are_merged_at_read_time_not_fanned_out(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given a star with three followers, over a threshold of two, and a normal friend
    make_heavy_threshold(rt, 2)
    alice, star, friend = people.alice, people.star, people.friend
    for fan in (alice, people.fan1, people.fan2):
        do_follow(rt, fan, star)
    do_follow(rt, alice, friend)
    settle()
    # when both post, interleaved
    posts = []
    for i in range(3):
        posts.append(do_create_post(rt, star, f"star {i}"))
        posts.append(do_create_post(rt, friend, f"friend {i}"))
    settle()
    # then the star's posts are not in the stored timeline, yet alice reads everything in order
    stored = rt.timelines.page(home_key(alice), limit=50)
    assert stored == posts[1::2][::-1]
    newest = posts[::-1]
    assert home_ids(rt, alice, limit=50) == newest
    assert home_ids(rt, alice, limit=3) == newest[:3]
    assert home_ids(rt, alice, limit=3, max_id=newest[2]) == newest[3:]
    assert home_ids(rt, alice, limit=2, min_id=posts[0]) == [posts[2], posts[1]]
    assert home_ids(rt, alice, since_id=posts[3]) == newest[:2]
    # and the star sees its own posts by fan-out
    assert rt.timelines.page(home_key(star), limit=50) == posts[0::2][::-1]


def test_a_large_accounts_post_shows_once_when_also_in_the_stored_timeline(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    make_heavy_threshold(rt, 1)
    alice, star = people.alice, people.star
    do_follow(rt, alice, star)
    do_follow(rt, people.fan, star)
    post = do_create_post(rt, star, "famous")
    settle()
    rebuild_home(rt, alice)  # a rebuild stores the star's recent posts too
    assert rt.timelines.page(home_key(alice)) == [post]
    assert home_ids(rt, alice) == [post]


def test_followers_only_posts_of_large_accounts_reach_only_followers(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    make_heavy_threshold(rt, 1)
    alice, star, stranger = people.alice, people.star, people.stranger
    do_follow(rt, alice, star)
    do_follow(rt, people.fan, star)
    post = do_create_post(rt, star, "for my followers", visibility="private")
    settle()
    assert home_ids(rt, alice) == [post]
    assert home_ids(rt, stranger) == []


def test_idle_followers_get_no_fanout_and_a_rebuilt_timeline_when_back(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given alice follows bob and has been away for longer than active_days
    alice, bob = people.alice, people.bob
    do_follow(rt, alice, bob)
    settle()
    idle_for(rt, alice, rt.settings.active_days + 1)
    # when bob posts
    post = do_create_post(rt, bob, "anyone there?")
    settle()
    # then fan-out skipped her timeline, and her first read after returning has the post
    assert rt.timelines.page(home_key(alice)) == []
    assert home_ids(rt, alice) == [post]
    assert rt.timelines.page(home_key(alice)) == [post]


def test_recently_active_followers_still_get_fanout(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    alice, bob = people.alice, people.bob
    do_follow(rt, alice, bob)
    settle()
    idle_for(rt, alice, rt.settings.active_days - 1)
    post = do_create_post(rt, bob, "hello")
    settle()
    assert rt.timelines.page(home_key(alice)) == [post]
