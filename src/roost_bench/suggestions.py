"""The ``suggestions`` step: who-to-follow latency on a large follow graph.

The graph (by default the 100,000-account power-law graph of ``graphs.powerlaw``,
about two million follows) is bulk-loaded: accounts and follows only when this step
runs alone, which takes a minute instead of the full world's posts and timelines.
Then ``get_suggestions`` (the query the API and the web app call) is timed in
process for sampled accounts: a uniform sample, the accounts that follow the most
people (the friends-of-friends walk is largest for them), and accounts that follow
nobody (the popular fallback).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import text

from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.suggestions.queries import get_suggestions
from roost_bench.graphs import Graph
from roost_bench.seed import People, create_people, insert_follows

TARGET_MS = 100.0


def seed_follow_graph(
    rt: Runtime, graph: Graph, advance: Callable[[str, int, int], None], seed: int = 13
) -> People:
    """Accounts (half of them with a recent post, for the activity order) and follows."""
    rng = np.random.default_rng(seed)
    n = graph.people
    statuses = (rng.random(n) < 0.5).astype(np.int64)
    people = create_people(
        rt,
        [f"u{i}" for i in range(n)],
        followers=graph.follower_counts().tolist(),
        following=graph.following_counts().tolist(),
        statuses=statuses.tolist(),
        advance=lambda k: advance("accounts", k, n),
    )
    ids = np.array(people.ids, dtype=np.int64)
    done = 0

    def step(k: int) -> None:
        nonlocal done
        done += k
        advance("follows", done, graph.follow_count)

    insert_follows(rt, ((int(a), int(b)) for a, b in ids[graph.follows]), step)
    if not rt.db.is_sqlite:
        # Bulk-loaded tables have no planner statistics until autovacuum's next round;
        # a live server's would have them, so the measurement starts from there.
        with rt.db.write() as tx:
            tx.conn.execute(text("ANALYZE accounts"))
            tx.conn.execute(text("ANALYZE follows"))
    return people


def _time(rt: Runtime, account_ids: Sequence[int], limit: int) -> dict[str, Any]:
    now = utcnow()
    times: list[float] = []
    cpu: list[float] = []
    found: list[int] = []
    for account_id in account_ids:
        started, started_cpu = time.perf_counter(), time.process_time()
        result = get_suggestions(rt, account_id, now, limit=limit)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        found.append(len(result))
    if not times:
        return {"samples": 0}
    ms = np.array(times)
    return {
        "samples": len(times),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
        # This process's CPU per call (all of it on SQLite, the client's share on
        # PostgreSQL): on a shared machine, wall-clock tails are mostly waiting for a core.
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 2),
        "cpu_p99_ms": round(float(np.percentile(cpu, 99)), 2),
        "mean_suggestions": round(float(np.mean(found)), 1),
    }


def measure_suggestions(
    rt: Runtime, graph: Graph, ids: Sequence[int], *, samples: int = 500, limit: int = 40
) -> dict[str, Any]:
    rng = np.random.default_rng(5)
    following = graph.following_counts()
    uniform = rng.choice(len(ids), size=min(samples, len(ids)), replace=False)
    heaviest = np.argsort(following)[::-1][: max(samples // 10, 1)]
    nobody_ids = [ids[int(i)] for i in np.flatnonzero(following == 0)[: max(samples // 10, 1)]]
    if not nobody_ids:  # newcomers, as the popular fallback serves them
        newcomers = [f"newcomer{i}" for i in range(max(samples // 10, 1))]
        nobody_ids = create_people(rt, newcomers).ids
    _time(rt, [ids[int(i)] for i in uniform[:20]], limit)  # warm the caches
    out: dict[str, Any] = {
        "limit": limit,
        "target_ms": TARGET_MS,
        "uniform": _time(rt, [ids[int(i)] for i in uniform], limit),
        "most_following": _time(rt, [ids[int(i)] for i in heaviest], limit)
        | {"following": int(following[heaviest[0]]) if len(heaviest) else 0},
        "following_nobody": _time(rt, nobody_ids, limit),
    }
    parts: list[dict[str, Any]] = [out["uniform"], out["most_following"], out["following_nobody"]]
    out["meets_target"] = all(part.get("p99_ms", 0) < TARGET_MS for part in parts)
    return out
