"""Notifications at volume: people with thousands of notifications each, bulk-loaded.

The issue's claim is that notifications page by index, never by scanning, so the
list must cost the same for someone with 10,000 notifications, first page or deep
in the list. The rows are written directly, as the delivery jobs would have left
them (``roost.notifications.delivery``), because creating 10 million through the
jobs would take hours:

- the recipients are dedicated accounts (``n0``, ``n1``, ...), each with its own
  posts spread over 30 days, so the count is exact whatever graph the run uses;
- the types are mixed as on a busy account: likes, mentions, reposts, posts of
  people one subscribed to, follows; the actors are the seeded graph's people;
- likes and reposts point at the recipient's own posts, mentions and statuses at
  the actor's seeded posts (every ``post_id`` is a real post: the foreign keys
  check it), and each cause is unique, as ``uq_notifications_cause`` demands;
- a notification comes after its post (uniformly between the post and now), and
  its ID is a ``roost.ids`` ID of that moment, with ``created_at`` to match;
- ``group_key`` is what ``delivery._group_key`` computes: ``ungrouped-<id>``, or
  ``<type>-<post>-<hour>`` where the hour is that of the group's first member
  while later ones come within 12 hours (``follow--<hour>`` for follows).

The likes, reposts and mention rows behind them are not seeded: only the
notifications are read here. Loading goes below SQLAlchemy (``executemany`` on
SQLite, ``COPY`` text on PostgreSQL) in ID order with the table's secondary
indexes dropped and built once at the end (on PostgreSQL its foreign keys too,
re-added and so validated in one pass each): building an index over sorted input
is several times cheaper than keeping it up to date row by row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.schema import AddConstraint, DropConstraint

from roost.notifications.models import notifications
from roost.posts.models import posts
from roost.runtime import Runtime
from roost_bench.seed import People, bulk_insert, create_people, post_ids_between, post_row

# The mix of a busy account's notifications, most common first.
TYPES = ("favourite", "mention", "reblog", "status", "follow")
SHARES = (0.50, 0.20, 0.15, 0.10, 0.05)
_GROUPED = np.array([t in ("favourite", "reblog", "follow") for t in TYPES])
_WITH_OWN_POST = ("favourite", "reblog")  # about the recipient's post
_WITH_ACTOR_POST = ("mention", "status")  # about the actor's post
DAYS = 30
HOUR_MS = 3_600_000
GROUP_SPAN_HOURS = 12  # delivery.GROUP_SPAN_HOURS
CHUNK = 100_000
COLUMNS = (
    "id",
    "account_id",
    "from_account_id",
    "type",
    "post_id",
    "group_key",
    "filtered",
    "created_at",
)
NULL = "\\N"  # COPY's text format
Progress = Callable[[str, int, int], None]


@dataclass
class Notified:
    """The seeded recipients and what the load generator needs to act as them."""

    people: People
    own_posts: list[list[int]]  # each recipient's posts: what others like
    cursors: list[list[int]]  # notification IDs at random depths, for max_id pages
    rows: int
    by_type: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "people": len(self.people.ids),
            "notifications": self.rows,
            "each": self.rows // max(len(self.people.ids), 1),
            "by_type": self.by_type,
            "their_posts": sum(len(p) for p in self.own_posts),
            "seconds": self.seconds,
        }


@dataclass
class _Rows:
    """The notifications as columns, sorted by ID."""

    ids: np.ndarray
    account: np.ndarray
    sender: np.ndarray
    kind: np.ndarray  # index into TYPES
    post: np.ndarray  # 0: none
    group_hour: np.ndarray


def seed_notifications(
    rt: Runtime,
    actors: Sequence[int],
    actor_posts: np.ndarray,
    actor_post_authors: np.ndarray,
    *,
    people: int,
    each: int,
    posts_each: int = 100,
    advance: Progress,
    seed: int = 7,
) -> Notified:
    """``people`` new accounts with ``each`` notifications from ``actors``; mentions
    and statuses refer to ``actor_posts`` (written by ``actor_post_authors``)."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    rng = np.random.default_rng(seed)
    counts = _type_counts(each, len(actors), posts_each, len(actor_posts))
    recipients = create_people(rt, [f"n{i}" for i in range(people)], statuses=[posts_each] * people)
    now = datetime.now(UTC)
    own = np.array(
        post_ids_between(
            people * posts_each, datetime.fromtimestamp(now.timestamp() - DAYS * 86400, UTC), now
        ),
        dtype=np.int64,
    ).reshape(posts_each, people)  # column i: recipient i's posts, spread over the days
    owners = np.tile(np.array(recipients.ids, dtype=np.int64), posts_each)
    bulk_insert(
        rt,
        posts,
        (
            post_row(int(p), int(a), j)
            for j, (p, a) in enumerate(zip(own.ravel(), owners, strict=True))
        ),
        _stage(advance, "their posts", own.size),
    )
    seconds["accounts_and_posts"] = round(time.perf_counter() - started, 1)

    mark = time.perf_counter()
    rows = _generate(
        rng,
        recipients.ids,
        own.T,
        np.array(actors, dtype=np.int64),
        actor_posts,
        actor_post_authors,
        counts,
        int(now.timestamp() * 1000),
    )
    seconds["generate"] = round(time.perf_counter() - mark, 1)
    mark = time.perf_counter()
    _drop_secondary(rt)
    _load(rt, rows, _stage(advance, "notifications", len(rows.ids)))
    seconds["insert"] = round(time.perf_counter() - mark, 1)
    mark = time.perf_counter()
    build = _stage(advance, "notification indexes", 1)
    _restore_secondary(rt)
    build(1)
    seconds["index"] = round(time.perf_counter() - mark, 1)
    seconds["total"] = round(time.perf_counter() - started, 1)
    return Notified(
        people=recipients,
        own_posts=own.T.tolist(),
        cursors=_cursors(rng, rows, recipients.ids),
        rows=len(rows.ids),
        by_type={t: c * people for t, c in zip(TYPES, counts, strict=True)},
        seconds=seconds,
    )


def _type_counts(each: int, actors: int, posts_each: int, actor_posts: int) -> list[int]:
    counts = [int(each * share) for share in SHARES]
    counts[0] += each - sum(counts)
    room = {
        "favourite": actors * posts_each,
        "reblog": actors * posts_each,
        "mention": actor_posts,
        "status": actor_posts,
        "follow": actors,
    }
    for kind, count in zip(TYPES, counts, strict=True):
        if count > room[kind]:
            raise ValueError(f"{each} notifications each need {count} distinct {kind} causes")
    return counts


def _generate(
    rng: np.random.Generator,
    recipient_ids: Sequence[int],
    own: np.ndarray,
    actors: np.ndarray,
    actor_posts: np.ndarray,
    actor_post_authors: np.ndarray,
    counts: Sequence[int],
    now_ms: int,
) -> _Rows:
    """Distinct causes per recipient, each at a moment between its post and now."""
    per_person = sum(counts)
    kinds = np.repeat(np.arange(len(TYPES), dtype=np.int8), counts)
    sender = np.empty(per_person * len(recipient_ids), dtype=np.int64)
    post = np.empty_like(sender)
    for i in range(len(recipient_ids)):
        parts_from, parts_post = [], []
        for name, count in zip(TYPES, counts, strict=True):
            if name in _WITH_OWN_POST:  # distinct (actor, post) pairs
                pick = rng.choice(len(actors) * own.shape[1], count, replace=False)
                parts_from.append(actors[pick // own.shape[1]])
                parts_post.append(own[i][pick % own.shape[1]])
            elif name in _WITH_ACTOR_POST:  # distinct posts, by their authors
                pick = rng.choice(len(actor_posts), count, replace=False)
                parts_from.append(actor_post_authors[pick])
                parts_post.append(actor_posts[pick])
            else:  # distinct followers
                parts_from.append(rng.choice(actors, count, replace=False))
                parts_post.append(np.zeros(count, dtype=np.int64))
        block = slice(i * per_person, (i + 1) * per_person)
        sender[block] = np.concatenate(parts_from)
        post[block] = np.concatenate(parts_post)
    account = np.repeat(np.array(recipient_ids, dtype=np.int64), per_person)
    kind = np.tile(kinds, len(recipient_ids))
    start_ms = now_ms - DAYS * 86_400_000
    after = np.where(post > 0, post >> 16, start_ms)
    ms = after + (rng.random(len(post)) * (now_ms - after)).astype(np.int64)
    ids = _unique_ids(ms)
    order = np.argsort(ids, kind="stable")
    rows = _Rows(ids[order], account[order], sender[order], kind[order], post[order], ids[order])
    rows.group_hour = _group_hours(rows)
    return rows


def _unique_ids(ms: np.ndarray) -> np.ndarray:
    """``roost.ids`` layout (milliseconds << 16 | sequence); a rare clash moves one
    row a millisecond later."""
    ids = (ms << 16) | (np.arange(len(ms), dtype=np.int64) & 0xFFFF)
    while True:
        order = np.argsort(ids, kind="stable")
        clash = order[1:][ids[order][1:] == ids[order][:-1]]
        if not clash.size:
            return ids
        ids[clash] += 1 << 16


def _group_hours(rows: _Rows) -> np.ndarray:
    """The hour in a groupable row's key: its group's first member's, while the next
    like (repost, follow) of the same post comes within 12 hours of it."""
    hours = (rows.ids >> 16) // HOUR_MS
    out = hours.copy()
    grouped = np.nonzero(_GROUPED[rows.kind])[0]
    # Stable: within one (recipient, type, post), rows stay in ID order.
    order = grouped[np.lexsort((rows.post[grouped], rows.kind[grouped], rows.account[grouped]))]
    keys = zip(
        rows.account[order].tolist(),
        rows.kind[order].tolist(),
        rows.post[order].tolist(),
        hours[order].tolist(),
        strict=True,
    )
    starts: list[int] = []
    previous: tuple[int, int, int] | None = None
    start = 0
    for account, kind, post, hour in keys:
        if (account, kind, post) != previous or hour >= start + GROUP_SPAN_HOURS:
            start = hour
            previous = (account, kind, post)
        starts.append(start)
    out[order] = np.array(starts, dtype=np.int64)
    return out


def _group_keys(ids: list[int], kinds: list[int], posts_: list[int], hours: list[int]) -> list[str]:
    keys = []
    for i, k, p, h in zip(ids, kinds, posts_, hours, strict=True):
        if not _GROUPED[k]:
            keys.append(f"ungrouped-{i}")
        else:
            keys.append(f"{TYPES[k]}-{p or ''}-{h}")
    return keys


def _chunks(rows: _Rows) -> Iterator[tuple[list[Any], ...]]:
    """Columns of ``CHUNK`` rows as Python lists, in ``COLUMNS`` order."""
    for start in range(0, len(rows.ids), CHUNK):
        part = slice(start, start + CHUNK)
        ids = rows.ids[part].tolist()
        kinds = rows.kind[part].tolist()
        post_ids = rows.post[part].tolist()
        created = np.datetime_as_string((rows.ids[part] >> 16).astype("datetime64[ms]"), unit="us")
        yield (
            ids,
            rows.account[part].tolist(),
            rows.sender[part].tolist(),
            [TYPES[k] for k in kinds],
            [p or None for p in post_ids],
            _group_keys(ids, kinds, post_ids, rows.group_hour[part].tolist()),
            [s.replace("T", " ") for s in created.tolist()],  # UTC, as UTCDateTime stores it
        )


def _load(rt: Runtime, rows: _Rows, advance: Callable[[int], None]) -> None:
    sqlite = rt.db.is_sqlite
    for ids, account, sender, kinds, post_ids, keys, created in _chunks(rows):
        with rt.db.write() as tx:
            raw = tx.conn.connection.driver_connection
            assert raw is not None
            if sqlite:
                raw.executemany(
                    f"INSERT INTO notifications ({', '.join(COLUMNS)})"  # noqa: S608 (our names)
                    " VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                    list(zip(ids, account, sender, kinds, post_ids, keys, created, strict=True)),
                )
            else:
                lines = "".join(
                    f"{i}\t{a}\t{s}\t{k}\t{p or NULL}\t{g}\tf\t{c}+00\n"
                    for i, a, s, k, p, g, c in zip(
                        ids, account, sender, kinds, post_ids, keys, created, strict=True
                    )
                )
                with (
                    raw.cursor() as cursor,
                    cursor.copy(f"COPY notifications ({', '.join(COLUMNS)}) FROM STDIN") as copy,
                ):
                    copy.write(lines)
        advance(len(ids))


def _drop_secondary(rt: Runtime) -> None:
    with rt.db.write() as tx:
        for index in notifications.indexes:
            index.drop(tx.conn)
        if not rt.db.is_sqlite:
            for constraint in notifications.foreign_key_constraints:
                tx.conn.execute(DropConstraint(constraint))


def _restore_secondary(rt: Runtime) -> None:
    """The same indexes and foreign keys as the migration's (the model's names)."""
    with rt.db.write() as tx:
        if not rt.db.is_sqlite:
            tx.conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for index in sorted(notifications.indexes, key=lambda ix: str(ix.name)):
            index.create(tx.conn)
        if not rt.db.is_sqlite:
            for constraint in notifications.foreign_key_constraints:
                tx.conn.execute(AddConstraint(constraint))
    if not rt.db.is_sqlite:  # a live server's table has statistics; a fresh load has none
        with rt.db.write() as tx:
            tx.conn.execute(text("ANALYZE notifications"))


def _cursors(
    rng: np.random.Generator, rows: _Rows, recipient_ids: Sequence[int]
) -> list[list[int]]:
    """Eight notification IDs per recipient at uniformly random depths of the list."""
    by_account = np.argsort(rows.account, kind="stable")
    bounds = np.searchsorted(rows.account[by_account], np.array(recipient_ids, dtype=np.int64))
    per_person = len(rows.ids) // max(len(recipient_ids), 1)
    out = []
    for start in bounds.tolist():
        pick = rng.choice(per_person, min(8, per_person), replace=False)
        out.append(rows.ids[by_account[start + pick]].tolist())
    return out


def _stage(advance: Progress, stage: str, total: int) -> Callable[[int], None]:
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        advance(stage, done, total)

    advance(stage, 0, total)
    return step
