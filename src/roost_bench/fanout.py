"""Fan-out delay: from a post's HTTP answer to its presence in every follower's home.

Each measured account is a dedicated "celebrity" with exactly N followers, drawn
at random from the seeded people plus filler accounts when N exceeds them, so the
follower counts are exact whatever graph the run uses. The post goes through the
real API; the clock starts when its answer arrives. Presence is read from the
timeline store itself (``bench.presence``), never through the API, so the
measurement does not queue behind the requests it is timing. Watching is cheap
while delivery is under way (a random sample of the timelines still missing the
post) and exact at the end: the clock stops only when a check of *every*
remaining timeline finds the post, so no follower is left unchecked.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
from sqlalchemy import delete, func, select, update

from roost.accounts.models import accounts
from roost.graph.models import follows
from roost.runtime import Runtime
from roost.store.jobs import jobs
from roost_bench.presence import holders
from roost_bench.seed import Advance, People, create_people, insert_follows, write_homes

SAMPLE = 64


@dataclass
class Celebrity:
    followers_wanted: int
    people: People  # the celebrity itself: one account
    follower_ids: list[int]
    follower_tokens: list[str]  # a few, for reading their home timelines over HTTP

    @property
    def account_id(self) -> int:
        return self.people.ids[0]


@dataclass
class FanoutResult:
    followers: int
    threshold: int
    budget_s: float
    delays_s: list[float] = field(default_factory=list)
    timeouts: int = 0
    reached_at_timeout: float | None = None  # share of timelines holding the late post
    discarded_jobs: int = 0
    checked: str = "every follower's home timeline, through the timeline store"

    def as_dict(self) -> dict[str, Any]:
        delays = np.array(self.delays_s) if self.delays_s else np.array([np.nan])
        return {
            "followers": self.followers,
            "threshold": self.threshold,
            "posts": len(self.delays_s),
            "timeouts": self.timeouts,
            "budget_s": self.budget_s,
            "reached_at_timeout": self.reached_at_timeout,
            "discarded_jobs": self.discarded_jobs,
            "p50_s": _rounded(np.percentile(delays, 50)),
            "p99_s": _rounded(np.percentile(delays, 99)),
            "max_s": _rounded(delays.max()),
            "delays_s": [round(d, 4) for d in self.delays_s],
            "checked": self.checked,
        }


def _rounded(value: Any) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def seed_celebrities(
    rt: Runtime, sizes: list[int], pool: People, advance: Advance, *, seed: int = 5
) -> list[Celebrity]:
    rng = np.random.default_rng(seed)
    need = max(sizes, default=0)
    everyone = People(list(pool.ids), list(pool.usernames), list(pool.tokens))
    if need > len(everyone.ids):
        filler = create_people(rt, [f"f{i}" for i in range(need - len(everyone.ids))])
        write_homes(rt, [(a, []) for a in filler.ids], advance)
        everyone.extend(filler)
    celebrities = []
    for size in sizes:
        star = create_people(rt, [f"star{size}"], followers=[size])
        write_homes(rt, [(star.ids[0], [])], lambda _n: None)
        chosen = rng.choice(len(everyone.ids), size=size, replace=False)
        follower_ids = [everyone.ids[int(i)] for i in chosen]
        insert_follows(rt, ((f, star.ids[0]) for f in follower_ids))
        tokens = [everyone.tokens[int(i)] for i in chosen[:5]]
        celebrities.append(Celebrity(size, star, follower_ids, tokens))
    _recount_following(rt)
    return celebrities


def _recount_following(rt: Runtime) -> None:
    """The celebrities' followers follow one more account each: one UPDATE puts every
    ``following_count`` right instead of bumping 100,000 rows one by one."""
    counted = (
        select(func.count())
        .select_from(follows)
        .where(follows.c.account_id == accounts.c.id)
        .scalar_subquery()
    )
    with rt.db.write() as tx:
        tx.conn.execute(update(accounts).values(following_count=counted))


def post(client: httpx.Client, token: str, text: str) -> int:
    response = client.post(
        "/api/v1/statuses", json={"status": text}, headers={"Authorization": f"Bearer {token}"}
    )
    response.raise_for_status()
    return int(response.json()["id"])


def wait_for_idle_queue(rt: Runtime, timeout: float) -> float:
    """Seconds until no job is pending: measurements start from a quiet queue."""
    started = time.perf_counter()
    while rt.jobs.pending_count() and time.perf_counter() - started < timeout:
        time.sleep(0.02)
    return time.perf_counter() - started


def measure_delivery(
    rt: Runtime,
    client: httpx.Client,
    celebrity: Celebrity,
    *,
    posts: int,
    threshold: int,
    budget: float,
) -> FanoutResult:
    """Times up to ``posts`` posts within ``budget`` seconds. A post still not everywhere
    when the budget runs out is a timeout: the share of timelines it reached is
    recorded and this size stops there; the caller restarts the stack without the
    leftover jobs so the next size starts from a quiet queue."""
    keys = [f"home:{a}" for a in (*celebrity.follower_ids, celebrity.account_id)]
    result = FanoutResult(celebrity.followers_wanted, threshold, budget)
    rng = random.Random(celebrity.followers_wanted)
    deadline = time.perf_counter() + budget
    for n in range(posts):
        wait_for_idle_queue(rt, max(deadline - time.perf_counter(), 1.0))
        if n and time.perf_counter() > deadline:
            break
        post_id = post(client, celebrity.people.tokens[0], f"Fan-out probe {n}")
        started = time.perf_counter()
        remaining = keys
        while remaining and time.perf_counter() < max(deadline, started + 1.0):
            sample = rng.sample(remaining, min(SAMPLE, len(remaining)))
            if len(holders(rt, sample, post_id)) < len(sample):
                time.sleep(0.005)
                continue
            found = holders(rt, remaining, post_id)
            remaining = [k for k in remaining if k not in found]
        if not remaining:
            result.delays_s.append(time.perf_counter() - started)
            continue
        result.timeouts += 1
        missing = len(keys) - len(holders(rt, keys, post_id))
        result.reached_at_timeout = round(1 - missing / len(keys), 4)
        break
    return result


def discard_jobs(rt: Runtime) -> int:
    """Empties the queue of the benchmark's own, private database. Called with the
    stack stopped: a SQLite worker mid-delivery would hold the write lock for long."""
    with rt.db.write() as tx:
        return int(tx.conn.execute(delete(jobs)).rowcount)


def measure_hybrid(
    rt: Runtime, client: httpx.Client, celebrity: Celebrity, *, threshold: int, posts: int = 5
) -> dict[str, Any]:
    """An account above the threshold is not fanned out: its posts are merged into
    followers' homes at read time, so the first read after the answer must show them."""
    first_read_hits = 0
    delays: list[float] = []
    for n in range(posts):
        wait_for_idle_queue(rt, 5)
        post_id = post(client, celebrity.people.tokens[0], f"Hybrid probe {n}")
        started = time.perf_counter()
        token = celebrity.follower_tokens[n % len(celebrity.follower_tokens)]
        for attempt in range(200):
            response = client.get(
                "/api/v1/timelines/home", headers={"Authorization": f"Bearer {token}"}
            )
            response.raise_for_status()
            if any(int(s["id"]) == post_id for s in response.json()):
                first_read_hits += attempt == 0
                delays.append(time.perf_counter() - started)
                break
            time.sleep(0.01)
    return {
        "followers": celebrity.followers_wanted,
        "threshold": threshold,
        "posts": posts,
        "visible_on_first_read": first_read_hits,
        "delays_s": [round(d, 4) for d in delays],
        "max_s": round(max(delays), 4) if delays else None,
        "checked": "GET /api/v1/timelines/home as a follower, right after the post's answer",
    }
