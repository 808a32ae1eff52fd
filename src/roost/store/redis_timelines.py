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
create a timeline that holds only its one post; a delivery batch sends one
script call per key in a single pipeline, one round trip for 1,000 timelines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import redis

SENTINEL = "!"
PAD = 20
# Lower bound of every real member in lexicographic ranges (the sentinel is below it).
_FIRST = "[0"

# KEYS[1] timeline; ARGV[1] cap; ARGV[2..] members. Adds only to a materialised
# timeline, then keeps the sentinel (rank 0) and the newest ``cap`` entries.
_ADD = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 0, ARGV[i]) end
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[1]) + 1))
return 1
"""

# KEYS[1] timeline; ARGV[1] cap; ARGV[2..] members: the timeline holds exactly these.
_REPLACE = """
redis.call('DEL', KEYS[1])
redis.call('ZADD', KEYS[1], 0, '!')
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 0, ARGV[i]) end
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[1]) + 1))
return 1
"""


def member(post_id: int) -> str:
    return str(post_id).zfill(PAD)


class RedisTimelineStore:
    def __init__(self, client: redis.Redis, *, prefix: str = "roost:", cap: int = 800) -> None:
        self.client = client
        self.prefix = f"{prefix}tl:"
        self.cap = cap
        self._add = client.register_script(_ADD)
        self._replace = client.register_script(_REPLACE)

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
        """One script call per key, all in one pipeline: one round trip per batch. If
        Redis lost the script (restart, ``SCRIPT FLUSH``) it is loaded and the batch
        sent again, which is safe because adding is idempotent."""
        if not keys:
            return
        args: list[str | int] = [self.cap, member(post_id)]
        for attempt in range(2):
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.evalsha(self._add.sha, 1, self._key(key), *args)
            try:
                pipe.execute()
                return
            except redis.exceptions.NoScriptError:
                if attempt:
                    raise
                self.client.script_load(_ADD)

    def add_many(self, key: str, post_ids: Iterable[int]) -> None:
        members = [member(p) for p in post_ids]
        if members:
            self._call(self._add, self._key(key), [self.cap, *members])

    def remove_from_many(self, keys: Sequence[str], post_id: int) -> None:
        if not keys:
            return
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.zrem(self._key(key), member(post_id))
        pipe.execute()

    def remove_many(self, key: str, post_ids: Iterable[int]) -> None:
        members = [member(p) for p in post_ids]
        if members:
            self.client.zrem(self._key(key), *members)

    def replace(self, key: str, post_ids: Iterable[int]) -> None:
        members = [member(p) for p in sorted(set(post_ids), reverse=True)[: self.cap]]
        self._call(self._replace, self._key(key), [self.cap, *members])

    def drop(self, key: str) -> None:
        self.client.delete(self._key(key))

    def _call(self, script: Any, redis_key: str, args: list[Any]) -> None:
        # A registered Script reloads itself on NOSCRIPT.
        script(keys=[redis_key], args=args)
