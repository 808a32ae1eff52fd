"""Asking a timeline store, in bulk, which home timelines hold a post.

The store protocol reads one timeline at a time (``page``), which is right for
serving a client and far too slow for watching 100,000 timelines fill during a
fan-out. So the benchmark reads each store's representation directly: the SQL
store's primary key (``key, post_id``) answers "which of these keys hold this
post" in one indexed query per chunk; the Redis store answers ``ZSCORE`` for a
whole chunk in one pipelined round trip. Materialising many timelines at once
(seeding) takes the same shortcut, for the same reason. Any other store falls
back to ``page`` and ``replace``, one timeline at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select

from roost.runtime import Runtime
from roost.store.redis_timelines import SENTINEL, RedisTimelineStore, member
from roost.store.timelines import SqlTimelineStore, timeline_entries

CHUNK = 5_000


def holders(rt: Runtime, keys: Sequence[str], post_id: int) -> set[str]:
    """The subset of ``keys`` whose timeline holds ``post_id``."""
    store = rt.timelines
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = list(keys[start : start + CHUNK])
        if isinstance(store, SqlTimelineStore):
            query = select(timeline_entries.c.key).where(
                timeline_entries.c.post_id == post_id,
                timeline_entries.c.key.in_(bindparam("keys", expanding=True)),
            )
            with rt.db.read() as conn:
                found.update(conn.scalars(query, {"keys": chunk}))
        elif isinstance(store, RedisTimelineStore):
            pipe = store.client.pipeline(transaction=False)
            wanted = member(post_id)
            for key in chunk:
                pipe.zscore(store.prefix + key, wanted)
            found.update(
                k for k, score in zip(chunk, pipe.execute(), strict=True) if score is not None
            )
        else:
            for key in chunk:
                if post_id in (store.page(key, since_id=post_id - 1, limit=1) or []):
                    found.add(key)
    return found


def materialise_empty(rt: Runtime, keys: Sequence[str]) -> None:
    """Materialised and empty, as ``do_register`` leaves a new account's home."""
    store = rt.timelines
    if isinstance(store, RedisTimelineStore):
        for start in range(0, len(keys), CHUNK):
            pipe = store.client.pipeline(transaction=False)
            for key in keys[start : start + CHUNK]:
                pipe.zadd(store.prefix + key, {SENTINEL: 0})
            pipe.execute()
        return
    for key in keys:
        store.replace(key, [])


def replace_many(rt: Runtime, homes: Sequence[tuple[str, list[int]]]) -> None:
    """What ``replace`` does for each timeline, pipelined for Redis."""
    store = rt.timelines
    if not isinstance(store, RedisTimelineStore):
        for key, ids in homes:
            store.replace(key, ids)
        return
    for start in range(0, len(homes), 1_000):
        pipe = store.client.pipeline(transaction=False)
        for key, ids in homes[start : start + 1_000]:
            name = store.prefix + key
            pipe.delete(name)
            newest = sorted(set(ids), reverse=True)[: store.cap]
            pipe.zadd(name, {SENTINEL: 0, **{member(p): 0 for p in newest}})
        pipe.execute()
