"""The ``TimelineStore`` contract (``roost.store.timelines``), checked against every
implementation: SQL on each test backend, and Redis.

The Redis store runs on the shared Redis under a prefix of this test's own,
whose keys are deleted afterwards; the one test that must flush Redis's script
cache starts a private ``redis-server``.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from roost.ids import new_id
from roost.store.db import Database
from roost.store.redis_timelines import RedisTimelineStore
from roost.store.timelines import SqlTimelineStore, TimelineStore
from tests.conftest import BACKENDS, REDIS_URL, delete_redis_prefix
from tests.store.redis_server import private_redis

KINDS = [f"sql-{b}" for b in BACKENDS] + ["redis"]


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TimelineStore]:
    kind: str = request.param
    if kind == "redis":
        prefix = f"roost_test:{uuid.uuid4().hex[:12]}:"
        client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
        try:
            yield RedisTimelineStore(client, prefix=prefix, cap=5)
        finally:
            client.close()
            delete_redis_prefix(REDIS_URL, prefix)
        return
    if kind == "sql-sqlite":
        path = tmp_path / "roost.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite:///{path}", pool_size=2)
    else:
        url = request.getfixturevalue("postgres_url")
        db = Database("postgresql+psycopg://" + url.removeprefix("postgresql://"), pool_size=2)
        with db.write() as tx:
            tx.conn.execute(text("TRUNCATE timeline_entries, timeline_heads"))
    try:
        yield SqlTimelineStore(db, cap=5)
    finally:
        db.dispose()


def ids(n: int) -> list[int]:
    """``n`` increasing post IDs, several per millisecond, as busy servers make them."""
    return [new_id() for _ in range(n)]


def test_missing_timeline_pages_as_none_and_empty_one_as_empty_list(store: TimelineStore) -> None:
    assert store.page("home:1") is None
    assert not store.exists("home:1")
    store.replace("home:1", [])
    assert store.page("home:1") == []
    assert store.exists("home:1")


def test_fanout_skips_missing_timelines(store: TimelineStore) -> None:
    # given one materialised timeline and one missing
    store.replace("home:1", [])
    post = new_id()
    # when
    store.add_to_many(["home:1", "home:2"], post)
    store.add_many("home:3", [post])
    # then
    assert store.page("home:1") == [post]
    assert store.page("home:2") is None
    assert store.page("home:3") is None


def test_adding_twice_keeps_one_entry(store: TimelineStore) -> None:
    store.replace("home:1", [])
    post = new_id()
    store.add_to_many(["home:1"], post)
    store.add_to_many(["home:1"], post)
    store.add_many("home:1", [post, post])
    assert store.page("home:1") == [post]


def test_adding_trims_to_the_cap_keeping_the_newest(store: TimelineStore) -> None:
    posts = ids(8)
    store.replace("home:1", [])
    store.replace("home:2", [])
    for post in posts:
        store.add_to_many(["home:1"], post)
    store.add_many("home:2", posts)
    newest = posts[::-1][: store.cap]
    assert store.page("home:1", limit=50) == newest
    assert store.page("home:2", limit=50) == newest


def test_a_timeline_is_trimmed_once_it_passes_the_cap_plus_the_slack(
    store: TimelineStore,
) -> None:
    # given a store that lets timelines grow two entries past the cap before trimming
    store.slack = 2
    posts = ids(8)
    store.replace("home:1", [])
    store.replace("home:2", posts[:2])
    # when adding up to the cap plus the slack, nothing is trimmed yet
    for post in posts[:7]:
        store.add_to_many(["home:1"], post)
    store.add_many("home:2", posts[2:7])
    assert store.page("home:1", limit=50) == posts[:7][::-1]
    assert store.page("home:2", limit=50) == posts[:7][::-1]
    # then the next add trims back to the newest ``cap`` (what ``replace`` put there counts)
    store.add_to_many(["home:1"], posts[7])
    store.add_many("home:2", posts[7:])
    assert store.page("home:1", limit=50) == posts[::-1][: store.cap]
    assert store.page("home:2", limit=50) == posts[::-1][: store.cap]
    store.add_many("home:3", posts)  # a missing timeline stays missing
    assert store.page("home:3") is None


def test_an_older_post_arriving_late_does_not_push_out_newer_ones(store: TimelineStore) -> None:
    posts = ids(6)
    store.replace("home:1", posts[1:])
    store.add_to_many(["home:1"], posts[0])
    assert store.page("home:1", limit=50) == posts[1:][::-1]


def test_replace_holds_exactly_the_given_posts_trimmed(store: TimelineStore) -> None:
    store.replace("home:1", ids(3))
    posts = ids(7)
    store.replace("home:1", posts)
    assert store.page("home:1", limit=50) == posts[::-1][: store.cap]


def test_pages_by_max_id_since_id_and_min_id_newest_first(store: TimelineStore) -> None:
    posts = ids(5)  # consecutive IDs: equal as doubles, so this checks exact ordering
    store.replace("home:1", posts)
    newest = posts[::-1]
    assert store.page("home:1", limit=2) == newest[:2]
    assert store.page("home:1", limit=2, max_id=newest[1]) == newest[2:4]
    assert store.page("home:1", since_id=posts[2]) == newest[:2]
    assert store.page("home:1", limit=2, min_id=posts[0]) == [posts[2], posts[1]]
    assert store.page("home:1", min_id=posts[1], max_id=posts[4]) == [posts[3], posts[2]]
    assert store.page("home:1", max_id=posts[0]) == []


def test_removing_posts_keeps_the_timeline_materialised(store: TimelineStore) -> None:
    posts = ids(3)
    store.replace("home:1", posts)
    store.replace("home:2", posts)
    store.remove_from_many(["home:1", "home:2", "home:3"], posts[0])
    store.remove_many("home:1", posts[1:])
    assert store.page("home:1") == []
    assert store.page("home:2") == [posts[2], posts[1]]
    assert store.page("home:3") is None


def test_drop_makes_a_timeline_missing(store: TimelineStore) -> None:
    store.replace("home:1", ids(2))
    store.drop("home:1")
    assert store.page("home:1") is None
    store.add_to_many(["home:1"], new_id())
    assert store.page("home:1") is None


def test_timelines_do_not_share_entries(store: TimelineStore) -> None:
    a, b = ids(2)
    store.replace("home:1", [a])
    store.replace("list:1", [b])
    assert store.page("home:1") == [a]
    assert store.page("list:1") == [b]


def test_a_large_delivery_batch_reaches_every_materialised_timeline(store: TimelineStore) -> None:
    keys = [f"home:{i}" for i in range(1000)]
    for key in keys[::2]:
        store.replace(key, [])
    post = new_id()
    store.add_to_many(keys, post)
    assert all(store.page(k) == [post] for k in keys[::2])
    assert all(store.page(k) is None for k in keys[1::2])


def test_redis_store_recovers_when_redis_forgets_its_scripts(tmp_path: Path) -> None:
    """A restarted Redis has no scripts loaded: delivery must load them again."""
    with private_redis(tmp_path) as url:
        client = redis.Redis.from_url(url, decode_responses=True)
        store = RedisTimelineStore(client, cap=5)
        store.replace("home:1", [])
        client.script_flush()
        first, second = ids(2)
        store.add_to_many(["home:1"], first)
        client.script_flush()
        store.add_many("home:1", [second])
        client.script_flush()
        store.replace("home:2", [first])
        assert store.page("home:1") == [second, first]
        assert store.page("home:2") == [first]
        client.close()


def test_concurrent_replaces_of_one_timeline_leave_one_of_them_whole(
    store: TimelineStore,
) -> None:
    # given two rebuilds of the same timeline racing (two readers found it missing)
    key = "home:race"
    # (they read at different moments: mostly the same posts, one newer)
    first = ids(6)
    second = first[1:]
    first = first[:5]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def rebuild(posts: list[int]) -> None:
        try:
            for _ in range(20):
                barrier.wait()
                store.replace(key, posts)
        except BaseException as error:  # the test reports it
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=rebuild, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then neither failed, and the timeline is one of the two, not a mix
    assert errors == []
    assert store.page(key, limit=10) in (first[::-1], second[::-1])


def test_only_one_rebuild_of_a_timeline_at_a_time(store: TimelineStore) -> None:
    with store.rebuilding("home:1") as mine:
        assert mine
        with store.rebuilding("home:2") as other_key:
            assert other_key
        with store.rebuilding("home:1") as again:
            # Redis: another process would read the database meanwhile; the SQL store's
            # rebuilds are serialised by the database itself.
            assert again is isinstance(store, SqlTimelineStore)
    with store.rebuilding("home:1") as after:
        assert after
