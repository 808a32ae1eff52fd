"""Bulk-loading a benchmark world: accounts, follows, posts, tokens, home timelines.

Why bulk inserts and not the actions: ``do_register`` hashes a password with
argon2 (about 50 ms by design), ``do_follow`` and ``do_create_post`` each take a
write transaction and enqueue jobs. Seeding 100,000 accounts and a million posts
that way would take hours, and none of it is what the benchmark measures. So the
rows are written directly, with the same values the actions would write (the
denormalised follower, following and status counters included, every account
active now so fan-out reaches it), and each home timeline is materialised as
``rebuild_home`` would leave it: the newest posts of the account and of those it
follows. Tokens are rows in ``access_tokens`` whose digest is
``roost.oauth.queries.digest`` of a random secret, exactly what the OAuth flow
stores, so every request in the run authenticates through the real code path.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table

from roost.accounts.models import accounts
from roost.graph.models import follows
from roost.ids import new_id
from roost.oauth.models import access_tokens
from roost.oauth.queries import digest
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.store.timelines import SqlTimelineStore, timeline_entries, timeline_heads
from roost_bench.graphs import Graph
from roost_bench.presence import replace_many

CHUNK = 20_000
SCOPES = "read write follow"
Advance = Callable[[int], None]


@dataclass
class People:
    """Seeded accounts, by graph index: what the load generator needs to act as them."""

    ids: list[int] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    def extend(self, other: People) -> None:
        self.ids += other.ids
        self.usernames += other.usernames
        self.tokens += other.tokens


@dataclass
class World:
    people: People
    posts: int
    timeline_entries: int
    seconds: float
    # Every seeded post and its author's account ID, for later steps that refer to posts.
    post_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    post_authors: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(
    rt: Runtime, table: Table, rows: Iterable[dict[str, Any]], advance: Advance | None = None
) -> int:
    """One transaction per chunk: a long load never holds SQLite's write lock for long.
    Both backends are fed through their driver, below SQLAlchemy's per-row work (the
    column types' own bind processors still format every value): PostgreSQL with
    ``COPY``, SQLite with ``executemany``; either is several times faster here."""
    total = 0
    for batch in _chunks(rows):
        with rt.db.write() as tx:
            if rt.db.is_sqlite:
                _executemany(tx.conn, table, batch)
            else:
                _copy(tx.conn, table, batch)
        total += len(batch)
        if advance:
            advance(len(batch))
    return total


def _executemany(conn: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    names = list(batch[0])
    processors = [table.c[n].type.bind_processor(conn.dialect) for n in names]
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.executemany(
        f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",  # noqa: S608 (our own names)
        [
            tuple(p(row[n]) if p else row[n] for n, p in zip(names, processors, strict=True))
            for row in batch
        ],
    )


def _copy(conn: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    names = list(batch[0])
    raw = conn.connection.driver_connection
    assert raw is not None
    columns = ", ".join(f'"{n}"' for n in names)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
        for row in batch:
            copy.write_row([row[n] for n in names])


def create_people(
    rt: Runtime,
    usernames: Sequence[str],
    *,
    followers: Sequence[int] | None = None,
    following: Sequence[int] | None = None,
    statuses: Sequence[int] | None = None,
    advance: Advance | None = None,
) -> People:
    """Accounts with one token each; counters are given because the follows and
    posts that justify them are inserted afterwards in bulk."""
    now = utcnow()
    ids = [new_id() for _ in usernames]
    tokens = [secrets.token_urlsafe(24) for _ in usernames]
    n = len(usernames)
    followers = followers if followers is not None else [0] * n
    following = following if following is not None else [0] * n
    statuses = statuses if statuses is not None else [0] * n
    bulk_insert(
        rt,
        accounts,
        (
            {
                "id": ids[i],
                "username": usernames[i],
                "email": None,
                "display_name": usernames[i].capitalize(),
                "note": "",
                "password_hash": None,
                "locked": False,
                "bot": False,
                "discoverable": True,
                "created_at": now,
                "last_status_at": now if statuses[i] else None,
                "last_active_at": now,
                "followers_count": int(followers[i]),
                "following_count": int(following[i]),
                "statuses_count": int(statuses[i]),
                "session_epoch": 0,
            }
            for i in range(n)
        ),
        advance,
    )
    bulk_insert(
        rt,
        access_tokens,
        (
            {
                "id": new_id(),
                "token_digest": digest(tokens[i]),
                "application_id": None,
                "account_id": ids[i],
                "scopes": SCOPES,
                "created_at": now,
                "revoked_at": None,
                "account_epoch": 0,  # new accounts' session epoch: the token is live
            }
            for i in range(n)
        ),
    )
    return People(ids=ids, usernames=list(usernames), tokens=tokens)


def insert_follows(
    rt: Runtime, pairs: Iterable[tuple[int, int]], advance: Advance | None = None
) -> int:
    """(follower id, followee id) pairs; the counters must already account for them."""
    now = utcnow()
    return bulk_insert(
        rt,
        follows,
        (
            {"id": new_id(), "account_id": a, "target_account_id": b, "created_at": now}
            for a, b in pairs
        ),
        advance,
    )


def post_ids_between(count: int, start: datetime, end: datetime) -> list[int]:
    """Distinct time-sortable IDs spread evenly over ``[start, end)``, as ``roost.ids``
    lays them out, so seeded posts sort before anything the run creates."""
    first = int(start.timestamp() * 1000)
    span = max(int(end.timestamp() * 1000) - first, 1)
    return [((first + span * j // max(count, 1)) << 16) | (j & 0xFFFF) for j in range(count)]


def seed_graph(
    rt: Runtime,
    graph: Graph,
    *,
    posts_total: int,
    home_depth: int,
    advance: Callable[[str, int, int], None],
    seed: int = 11,
) -> World:
    """``advance(stage, done, total)`` reports progress for the caller's progress bar."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    n = graph.people
    authors = rng.integers(0, n, size=posts_total) if n else np.zeros(0, dtype=np.int64)
    statuses = np.bincount(authors, minlength=n)
    people = create_people(
        rt,
        [f"u{i}" for i in range(n)],
        followers=graph.follower_counts().tolist(),
        following=graph.following_counts().tolist(),
        statuses=statuses.tolist(),
        advance=_stage(advance, "accounts", n),
    )
    ids = np.array(people.ids, dtype=np.int64)
    edges = ids[graph.follows]
    insert_follows(
        rt,
        ((int(a), int(b)) for a, b in edges),
        _stage(advance, "follows", graph.follow_count),
    )

    now = datetime.now(UTC)
    post_ids = post_ids_between(
        posts_total, datetime.fromtimestamp(now.timestamp() - 30 * 86400, UTC), now
    )
    bulk_insert(
        rt,
        posts,
        (post_row(post_ids[j], people.ids[int(authors[j])], j) for j in range(posts_total)),
        _stage(advance, "posts", posts_total),
    )
    entries = materialise_homes(
        rt, graph, people.ids, post_ids, authors, home_depth, _stage(advance, "timelines", n)
    )
    return World(
        people=people,
        posts=posts_total,
        timeline_entries=entries,
        seconds=time.perf_counter() - started,
        post_ids=np.array(post_ids, dtype=np.int64),
        post_authors=ids[authors] if n else np.zeros(0, dtype=np.int64),
    )


def _stage(advance: Callable[[str, int, int], None], stage: str, total: int) -> Advance:
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        advance(stage, done, total)

    advance(stage, 0, total)
    return step


def post_row(post_id: int, account_id: int, j: int) -> dict[str, Any]:
    text = f"Seeded post {j}: the benchmark's history."
    return {
        "id": post_id,
        "account_id": account_id,
        "text": text,
        "content": f"<p>{text}</p>",
        "spoiler_text": "",
        "sensitive": False,
        "visibility": "public",
        "language": "en",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog_of_id": None,
        "quote_of_id": None,
        "application_id": None,
        "created_at": datetime.fromtimestamp((post_id >> 16) / 1000, UTC),
        "edited_at": None,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
    }


def materialise_homes(
    rt: Runtime,
    graph: Graph,
    account_ids: Sequence[int],
    post_ids: Sequence[int],
    authors: np.ndarray,
    depth: int,
    advance: Advance,
) -> int:
    """Each home timeline holds the newest ``depth`` posts of the account and those it
    follows: what ``rebuild_home`` computes, done for everyone at once in memory."""
    n = graph.people
    depth = min(depth, rt.timelines.cap)
    order = np.argsort(authors, kind="stable")
    post_array = np.array(post_ids, dtype=np.int64)[order]
    bounds = np.searchsorted(authors[order], np.arange(n + 1))
    by_follower = graph.follows[np.argsort(graph.follows[:, 0], kind="stable")]
    follow_bounds = np.searchsorted(by_follower[:, 0], np.arange(n + 1))
    homes: list[tuple[int, list[int]]] = []
    for i in range(n):
        sources = [i, *by_follower[follow_bounds[i] : follow_bounds[i + 1], 1].tolist()]
        candidates = np.concatenate([post_array[bounds[s] : bounds[s + 1]] for s in sources])
        if candidates.shape[0] > depth:
            candidates = np.partition(candidates, -depth)[-depth:]
        homes.append((account_ids[i], candidates.tolist()))
    return write_homes(rt, homes, advance)


def write_homes(rt: Runtime, homes: Sequence[tuple[int, list[int]]], advance: Advance) -> int:
    """The SQL store gets its rows in bulk; Redis gets pipelines (``bench.presence``)."""
    store = rt.timelines
    total = sum(len(ids) for _, ids in homes)
    if isinstance(store, SqlTimelineStore):
        heads = ({"key": f"home:{a}", "length": len(ids)} for a, ids in homes)
        bulk_insert(rt, timeline_heads, heads)
    for start in range(0, len(homes), 500):
        part = homes[start : start + 500]
        if isinstance(store, SqlTimelineStore):
            bulk_insert(
                rt,
                timeline_entries,
                ({"key": f"home:{a}", "post_id": p} for a, ids in part for p in ids),
            )
        else:
            replace_many(rt, [(f"home:{a}", ids) for a, ids in part])
        advance(len(part))
    return total
