from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select

import roost.timelines.actions
import roost.timelines.feeds
from roost.graph.actions import do_follow, do_unfollow
from roost.paging import Page
from roost.posts.actions import do_create_post, do_delete_post, do_reblog
from roost.runtime import Runtime
from roost.store.jobs import jobs
from roost.timelines.actions import REMOVE_JOB, handle_backfill, handle_purge
from roost.timelines.feeds import Feed, home_key, home_timeline, rebuild
from roost.worker import Worker
from tests.conftest import People


def home_ids(rt: Runtime, viewer: int, **page: int) -> list[int]:
    return [v.post.id for v in home_timeline(rt, viewer, Page(**page))]


def test_followers_receive_posts_by_fanout(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    do_follow(rt, people.alice, people.bob)
    settle()
    # when
    post = do_create_post(rt, people.bob, "hello #roost")
    settle()
    # then
    assert home_ids(rt, people.alice) == [post]
    assert home_ids(rt, people.bob) == [post]
    assert home_ids(rt, people.carol) == []


def test_delete_removes_post_from_follower_timelines(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    post = do_create_post(rt, people.bob, "soon gone")
    settle()
    do_delete_post(rt, people.bob, post)
    settle()
    assert rt.timelines.page(home_key(people.alice)) == []


def test_follow_backfills_and_unfollow_purges(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    older = do_create_post(rt, people.bob, "before the follow")
    settle()
    do_follow(rt, people.alice, people.bob)
    settle()
    assert home_ids(rt, people.alice) == [older]
    do_unfollow(rt, people.alice, people.bob)
    settle()
    assert home_ids(rt, people.alice) == []
    do_create_post(rt, people.bob, "after the unfollow")
    settle()
    assert home_ids(rt, people.alice) == []


def test_missing_timeline_is_rebuilt_from_database(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    first = do_create_post(rt, people.bob, "one")
    second = do_create_post(rt, people.bob, "two")
    settle()
    rt.timelines.drop(home_key(people.alice))
    assert home_ids(rt, people.alice) == [second, first]


def test_pagination_by_max_id_and_min_id(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    ids = [do_create_post(rt, people.bob, f"post {i}") for i in range(5)]
    settle()
    newest_first = ids[::-1]
    assert home_ids(rt, people.alice, limit=2) == newest_first[:2]
    assert home_ids(rt, people.alice, limit=2, max_id=newest_first[1]) == newest_first[2:4]
    assert home_ids(rt, people.alice, limit=2, min_id=ids[0]) == [ids[2], ids[1]]


def test_reposts_reach_the_reposters_followers(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    original = do_create_post(rt, people.carol, "worth sharing")
    repost = do_reblog(rt, people.bob, original)
    settle()
    views = home_timeline(rt, people.alice, Page())
    assert [v.post.id for v in views] == [repost]
    assert views[0].reblog is not None
    assert views[0].reblog.post.id == original


def test_timeline_is_capped(rt: Runtime, people: People, settle: Callable[[], int]) -> None:
    rt.timelines.cap, rt.timelines.slack = 3, 0  # trimmed as soon as it passes the cap
    ids = [do_create_post(rt, people.bob, f"post {i}") for i in range(5)]
    settle()
    assert rt.timelines.page(home_key(people.bob), limit=10) == ids[::-1][:3]


def test_a_purge_applied_after_the_follow_came_back_removes_nothing(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given alice follows bob, unfollows and follows again
    post = do_create_post(rt, people.bob, "still followed")
    do_follow(rt, people.alice, people.bob)
    settle()
    do_unfollow(rt, people.alice, people.bob)
    do_follow(rt, people.alice, people.bob)
    settle()
    # when a second worker applies the unfollow's purge last
    handle_purge(rt, {"account_id": people.alice, "target_id": people.bob})
    # then the follow as it is now wins
    assert rt.timelines.page(home_key(people.alice)) == [post]


def test_a_backfill_applied_after_the_unfollow_adds_nothing(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given alice followed bob and unfollowed him
    do_create_post(rt, people.bob, "no longer followed")
    do_follow(rt, people.alice, people.bob)
    do_unfollow(rt, people.alice, people.bob)
    settle()
    assert home_ids(rt, people.alice) == []
    # when a second worker applies the follow's backfill last
    handle_backfill(rt, {"account_id": people.alice, "target_id": people.bob})
    # then
    assert rt.timelines.page(home_key(people.alice)) == []


def test_readers_of_a_missing_home_wait_for_one_rebuild(
    rt: Runtime, people: People, settle: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given alice's home was lost, and its rebuild takes a while
    do_follow(rt, people.alice, people.bob)
    post = do_create_post(rt, people.bob, "one")
    settle()
    rt.timelines.drop(home_key(people.alice))
    rebuilds: list[str] = []

    def slow_rebuild(rt: Runtime, feed: Feed) -> None:
        rebuilds.append(feed.key)
        time.sleep(0.2)
        rebuild(rt, feed)

    monkeypatch.setattr(roost.timelines.feeds, "rebuild", slow_rebuild)
    # when four requests read it at once
    results: list[list[int]] = []
    threads = [
        threading.Thread(target=lambda: results.append(home_ids(rt, people.alice)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one of them rebuilt it and all read the same
    assert rebuilds == [home_key(people.alice)]
    assert results == [[post]] * 4


def test_while_another_process_rebuilds_a_home_it_is_read_from_the_database(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    posts = [do_create_post(rt, people.bob, f"post {i}") for i in range(3)]
    settle()
    rt.timelines.drop(home_key(people.alice))
    with rt.timelines.rebuilding(home_key(people.alice)) as theirs:
        assert theirs
        assert home_ids(rt, people.alice, limit=2) == posts[::-1][:2]
        assert home_ids(rt, people.alice, limit=2, max_id=posts[1]) == [posts[0]]


def test_deleting_a_widely_held_post_is_split_into_bounded_jobs(
    rt: Runtime, people: People, settle: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given bob's post is in six home timelines, and a batch is two of them
    monkeypatch.setattr(roost.timelines.actions, "DELIVERY_BATCH", 2)
    readers = [people.alice, people.carol, people.dave, people.erin, people.frank]
    for reader in readers:
        do_follow(rt, reader, people.bob)
    post = do_create_post(rt, people.bob, "everywhere")
    settle()
    assert all(home_ids(rt, r) == [post] for r in [*readers, people.bob])
    # when it is deleted, its removal job runs
    do_delete_post(rt, people.bob, post)
    assert Worker(rt, name="one", listen=False).run_once() == 1
    # then it took out one batch and left the rest to two more jobs
    with rt.db.read() as conn:
        kinds = list(conn.scalars(select(jobs.c.kind)))
    assert kinds == [REMOVE_JOB, REMOVE_JOB]
    settle()
    assert all(rt.timelines.page(home_key(r)) == [] for r in [*readers, people.bob])
