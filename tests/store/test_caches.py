"""The per-process caches (``roost.store.caches``): bounded, expiring, forgotten by
tag here and, through the pub/sub, in every other process."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from roost.store.caches import CacheBus, LocalCache, account_tag
from roost.store.pubsub import MemoryPubSub, PubSub
from roost.store.redis_pubsub import RedisPubSub
from tests.conftest import REDIS_URL


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_expires_after_the_ttl() -> None:
    clock = Clock()
    cache: LocalCache[str] = LocalCache(10, 30.0, clock)
    cache.put("k", "v", [], generation=cache.generation)
    clock.now += 29.9
    assert cache.get("k") == "v"
    clock.now += 0.2
    assert cache.get("k") is None


def test_the_cache_keeps_at_most_its_size_dropping_the_oldest() -> None:
    cache: LocalCache[int] = LocalCache(3, 60.0)
    for i in range(5):
        cache.put(i, i, [f"t{i}"], generation=cache.generation)
    assert len(cache) == 3
    assert [cache.get(i) for i in range(5)] == [None, None, 2, 3, 4]


def test_forgetting_a_tag_drops_only_its_entries() -> None:
    cache: LocalCache[str] = LocalCache(10, 60.0)
    cache.put("a1", "x", [account_tag(1), "token:7"], generation=cache.generation)
    cache.put("a2", "y", [account_tag(2)], generation=cache.generation)
    cache.forget(account_tag(1))
    assert cache.get("a1") is None
    assert cache.get("a2") == "y"
    cache.forget("token:8")
    assert cache.get("a2") == "y"


def test_a_value_read_before_a_forget_is_not_stored() -> None:
    # given a reader that noted the generation, then read the database
    cache: LocalCache[str] = LocalCache(10, 60.0)
    noted = cache.generation
    # when a change commits and is forgotten before the reader stores what it read
    cache.forget(account_tag(1))
    cache.put("a1", "stale", [account_tag(1)], generation=noted)
    # then the stale value is not served
    assert cache.get("a1") is None


@pytest.fixture(params=["memory", "redis"])
def two_processes(request: pytest.FixtureRequest) -> Iterator[tuple[CacheBus, CacheBus]]:
    """Two processes' cache buses: on one in-process bus (what several runtimes of one
    process share), or each on its own connection to Redis under one prefix."""
    buses: list[PubSub]
    if request.param == "memory":
        shared = MemoryPubSub()
        buses = [shared, shared]
    else:
        prefix = f"roost_test:{uuid.uuid4().hex[:12]}:"
        buses = [RedisPubSub(REDIS_URL, prefix=prefix), RedisPubSub(REDIS_URL, prefix=prefix)]
    try:
        yield CacheBus(buses[0]), CacheBus(buses[1])
    finally:
        for bus in buses:
            bus.close()


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return False


def test_a_forget_reaches_every_process(two_processes: tuple[CacheBus, CacheBus]) -> None:
    here, there = two_processes
    mine = here.cache("c", str, size=10, ttl=60)
    theirs = there.cache("c", str, size=10, ttl=60)
    time.sleep(0.2)  # Redis confirms the subscription (the TTL covers this at start-up)
    for cache in (mine, theirs):
        cache.put("k", "v", [account_tag(1)], generation=cache.generation)
        cache.put("other", "w", [account_tag(2)], generation=cache.generation)

    here.forget("c", account_tag(1))

    assert mine.get("k") is None  # at once where it was forgotten
    assert eventually(lambda: theirs.get("k") is None)
    assert theirs.get("other") == "w"
    assert mine.get("other") == "w"


def test_forget_everywhere_reaches_every_cache(two_processes: tuple[CacheBus, CacheBus]) -> None:
    here, there = two_processes
    tokens = there.cache("tokens", str, size=10, ttl=60)
    memo = there.cache("memo", str, size=10, ttl=60)
    here.cache("tokens", str, size=10, ttl=60)
    time.sleep(0.2)
    tokens.put("k", "v", [account_tag(1)], generation=tokens.generation)
    memo.put("k", "v", [account_tag(1)], generation=memo.generation)

    here.forget_everywhere(account_tag(1))

    assert eventually(lambda: tokens.get("k") is None and memo.get("k") is None)
