"""Timelines in Redis sorted sets: the scale-mode ``TimelineStore``.

Why members and not scores carry the order: post IDs are 64-bit, a Redis score
is a double with a 53-bit mantissa, so two posts of the same millisecond would
share a score and ``max_id`` paging would skip or repeat them. Every member is
added with score 0 and is the ID zero-padded to 20 digits, so lexicographic
order (``ZRANGEBYLEX``) is numeric order, exactly.

Why a sentinel member: the contract needs "materialised but empty" to differ
from "missing" (flushed, evicted, never built). Each materialised timeline holds
the member ``!``, which sorts before every digit, so it sits at rank 0, is never
inside a paging range, and vanishes with the key when Redis loses it. A Lua
script checks for the key and adds in one atomic step, so a fan-out can never
create a timeline that holds only its one post.

A delivery batch is one script call naming all its timelines: one round trip
and one reply for 1,000 timelines (a pipeline of 1,000 calls cost five to ten
times more, most of it in the client packing and parsing). Calls that name many
keys need them in one hash slot under Redis Cluster: Roost expects a single
Redis (with replicas if wanted), not a Cluster.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import redis

from roost.store.timelines import default_slack

SENTINEL = "!"
PAD = 20
# Lower bound of every real member in lexicographic ranges (the sentinel is below it).
_FIRST = "[0"

# KEYS timelines; ARGV[1] cap; ARGV[2] slack; ARGV[3..] members. Adds to each
# materialised timeline only; one that grew past cap + slack keeps its sentinel (rank
# 0) and its newest ``cap`` entries (ZCARD is O(1): the trim runs once per ``slack``).
_ADD = """
local cap = tonumber(ARGV[1])
local limit = cap + tonumber(ARGV[2]) + 1
local added = 0
for k = 1, #KEYS do
  if redis.call('EXISTS', KEYS[k]) == 1 then
    for i = 3, #ARGV do redis.call('ZADD', KEYS[k], 0, ARGV[i]) end
    if redis.call('ZCARD', KEYS[k]) > limit then
      redis.call('ZREMRANGEBYRANK', KEYS[k], 1, -(cap + 1))
    end
    added = added + 1
  end
end
return added
"""
# KEYS timelines; ARGV members to take out of each (a missing timeline stays missing).
_REMOVE = """
for k = 1, #KEYS do
  for i = 1, #ARGV do redis.call('ZREM', KEYS[k], ARGV[i]) end
end
return 0
"""
# Keys per script call: bounds how long one call keeps Redis busy (about a millisecond).
_KEYS_PER_CALL = 1000

# KEYS[1] timeline; ARGV[1] cap; ARGV[2..] members: the timeline holds exactly these.
_REPLACE = """
redis.call('DEL', KEYS[1])
redis.call('ZADD', KEYS[1], 0, '!')
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 0, ARGV[i]) end
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[1]) + 1))
return 1
"""


# How long one process may hold a timeline's rebuild lock: a rebuild is one query and one
# script call; a holder that dies lets the next reader rebuild after this.
REBUILD_LOCK_MS = 10_000
# KEYS[1] lock; ARGV[1] token: releases the lock only if it is still ours.
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def member(post_id: int) -> str:
    return str(post_id).zfill(PAD)


class RedisTimelineStore:
    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "roost:",
        cap: int = 800,
        slack: int | None = None,
    ) -> None:
        self.client = client
        self.prefix = f"{prefix}tl:"
        self.cap = cap
        self.slack = default_slack(cap) if slack is None else slack
        self._add = client.register_script(_ADD)
        self._replace = client.register_script(_REPLACE)
        self._remove = client.register_script(_REMOVE)
        self._unlock = client.register_script(_UNLOCK)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def page(
        self,
        key: str,
        *,
        max_id: int | None = None,
        since_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
    ) -> list[int] | None:
        upper = f"({member(max_id)}" if max_id is not None else "+"
        floor = max((i for i in (since_id, min_id) if i is not None), default=None)
        lower = f"({member(floor)}" if floor is not None else _FIRST
        pipe = self.client.pipeline(transaction=True)
        if min_id is not None:
            pipe.zrangebylex(self._key(key), lower, upper, start=0, num=limit)
        else:
            pipe.zrevrangebylex(self._key(key), upper, lower, start=0, num=limit)
        pipe.exists(self._key(key))
        found, exists = pipe.execute()
        if not exists:
            return None
        return sorted((int(m) for m in found), reverse=True)

    def exists(self, key: str) -> bool:
        return bool(self.client.exists(self._key(key)))

    def add_to_many(self, keys: Sequence[str], post_id: int) -> None:
        for i in range(0, len(keys), _KEYS_PER_CALL):
            chunk = [self._key(k) for k in keys[i : i + _KEYS_PER_CALL]]
            self._add(keys=chunk, args=[self.cap, self.slack, member(post_id)])

    def add_many(self, key: str, post_ids: Iterable[int]) -> None:
        members = [member(p) for p in post_ids]
        if members:
            self._add(keys=[self._key(key)], args=[self.cap, self.slack, *members])

    def remove_from_many(self, keys: Sequence[str], post_id: int) -> None:
        for i in range(0, len(keys), _KEYS_PER_CALL):
            chunk = [self._key(k) for k in keys[i : i + _KEYS_PER_CALL]]
            self._remove(keys=chunk, args=[member(post_id)])

    def remove_many(self, key: str, post_ids: Iterable[int]) -> None:
        members = [member(p) for p in post_ids]
        if members:
            self._remove(keys=[self._key(key)], args=members)

    def replace(self, key: str, post_ids: Iterable[int]) -> None:
        members = [member(p) for p in sorted(set(post_ids), reverse=True)[: self.cap]]
        self._replace(keys=[self._key(key)], args=[self.cap, *members])

    def drop(self, key: str) -> None:
        self.client.delete(self._key(key))

    @contextmanager
    def rebuilding(self, key: str) -> Iterator[bool]:
        """A short lock key (``SET NX PX``): after a Redis flush every reader finds its
        timeline missing at once, and only one process per timeline rebuilds it."""
        lock, token = f"{self.prefix}rebuild:{key}", uuid.uuid4().hex
        mine = bool(self.client.set(lock, token, nx=True, px=REBUILD_LOCK_MS))
        try:
            yield mine
        finally:
            if mine:
                self._unlock(keys=[lock], args=[token])
