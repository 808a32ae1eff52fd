"""What is trending: tags and links whose use in the last hours stands out against
their own usual rate, and posts that many people are sharing and liking right now.

The score is a **Poisson surprise**. For a tag, ``observed`` is the number of
distinct accounts that used it in the last ``WINDOW_HOURS``; ``expected`` is the
mean number of distinct accounts per window of the same length over the previous
``BASELINE_DAYS`` (at least ``EXPECTED_FLOOR``, so a brand-new tag is compared with
"about one person"). The score is ``-log10 P(X >= observed)`` for X ~ Poisson(expected):
how unlikely the recent window is under the tag's own usual rate. A tag everybody
uses all day scores near zero however big it is; five people taking up a quiet tag
in one afternoon scores high. A tag trends when the score passes ``MIN_SCORE`` and at
least ``MIN_ACCOUNTS`` distinct people used it, so one account posting a tag a
hundred times counts once and never trends it. Why not a z-score: counts in a small
community are small and skewed, where a normal approximation calls 3 uses against a
mean of 0.2 "ten sigmas"; the Poisson tail stays honest at small counts.

Posts have no history of their own, so a post's score is the same surprise of the
distinct accounts that reposted or liked it in the last ``STATUS_HOURS`` against
``EXPECTED_FLOOR``, halved every ``STATUS_HALF_LIFE_HOURS`` of its age.

Every function takes ``now``: tests (and a "what trended yesterday" view) give it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, cast, func, select, union_all

from roost.ids import min_id_for
from roost.posts.hydration import StatusView, hydrate
from roost.posts.models import favourites, posts, tags
from roost.posts.visibility import limited_accounts, listed_clause, suspended_accounts
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.trends.actions import hour_of
from roost.trends.models import trend_uses

WINDOW_HOURS = 4
BASELINE_DAYS = 7
EXPECTED_FLOOR = 1.0
MIN_ACCOUNTS = 3
MIN_SCORE = 2.0  # p < 0.01
HISTORY_DAYS = 7
STATUS_HOURS = 48
STATUS_MIN_ACCOUNTS = 2
STATUS_HALF_LIFE_HOURS = 6.0
MAX_TRENDS = 40
CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class DayUse:
    day: int  # Unix time of the day's start (UTC)
    uses: int
    accounts: int


@dataclass(frozen=True)
class Trend:
    """A trending tag (``name``) or link (``key`` is its URL), with its daily history,
    newest day first."""

    key: str
    name: str
    score: float
    observed: int
    expected: float
    history: list[DayUse]


def poisson_surprise(observed: int, expected: float) -> float:
    """``-log10 P(X >= observed)`` for X ~ Poisson(expected); 0 when not above it."""
    if observed <= expected:
        return 0.0
    # The upper tail's terms, summed in log space from ``observed`` up: past the
    # mean they shrink geometrically, so a few hundred terms are more than enough.
    logs = [
        -expected + k * math.log(expected) - math.lgamma(k + 1)
        for k in range(observed, observed + 400)
    ]
    top = max(logs)
    log_tail = top + math.log(sum(math.exp(x - top) for x in logs))
    return -log_tail / math.log(10)


def current_trends(rt: Runtime, kind: str) -> list[Trend]:
    """The trending tags or links now, as every page and API read shows them: the same
    for everyone, so each process computes them at most once a ``CACHE_SECONDS``."""

    def compute() -> list[Trend]:
        now = utcnow()
        if kind == "tag":
            return trending_tags(rt, now, limit=MAX_TRENDS)
        return trending_links(rt, now, limit=MAX_TRENDS)

    return rt.memo.get(("trends", kind), CACHE_SECONDS, compute)


def trending_tags(rt: Runtime, now: datetime, *, limit: int = 10, offset: int = 0) -> list[Trend]:
    found = _trending(rt, "tag", now)
    page = found[offset : offset + limit]
    if page:
        with rt.db.read() as conn:
            names = {
                str(r.id): r.name
                for r in conn.execute(
                    select(tags.c.id, tags.c.name).where(tags.c.id.in_([int(t.key) for t in page]))
                )
            }
        page = [_named(t, names.get(t.key, "")) for t in page if t.key in names]
    return page


def trending_links(rt: Runtime, now: datetime, *, limit: int = 10, offset: int = 0) -> list[Trend]:
    return _trending(rt, "link", now)[offset : offset + limit]


def _named(trend: Trend, name: str) -> Trend:
    return Trend(trend.key, name, trend.score, trend.observed, trend.expected, trend.history)


def _trending(rt: Runtime, kind: str, now: datetime) -> list[Trend]:
    """Every trending key of this kind, best first (at most ``MAX_TRENDS``)."""
    now_hour = hour_of(now.timestamp())
    window_start = now_hour - WINDOW_HOURS  # exclusive: the window is the last N hours
    accounts = func.count(func.distinct(trend_uses.c.account_id))
    recent = select(trend_uses.c.key, accounts).where(
        trend_uses.c.kind == kind,
        # Suspended and limited accounts do not push anything into trends.
        trend_uses.c.account_id.not_in(suspended_accounts()),
        trend_uses.c.account_id.not_in(limited_accounts()),
        trend_uses.c.hour > window_start,
        trend_uses.c.hour <= now_hour,
    )
    slots = BASELINE_DAYS * 24 // WINDOW_HOURS
    with rt.db.read() as conn:
        observed = {
            key: int(n)
            for key, n in conn.execute(
                recent.group_by(trend_uses.c.key).having(accounts >= MIN_ACCOUNTS)
            )
        }
        if not observed:
            return []
        # Distinct accounts per earlier window ("slot" 1 is the window before the last).
        slot = cast((now_hour - trend_uses.c.hour) // WINDOW_HOURS, Integer)
        baseline: dict[str, int] = defaultdict(int)
        for key, _slot, n in conn.execute(
            select(trend_uses.c.key, slot, accounts)
            .where(
                trend_uses.c.kind == kind,
                trend_uses.c.key.in_(list(observed)),
                trend_uses.c.hour > window_start - slots * WINDOW_HOURS,
                trend_uses.c.hour <= window_start,
            )
            .group_by(trend_uses.c.key, slot)
        ):
            baseline[key] += int(n)
    scored = []
    for key, count in observed.items():
        expected = max(baseline[key] / slots, EXPECTED_FLOOR)
        score = poisson_surprise(count, expected)
        if score >= MIN_SCORE:
            scored.append((score, key, count, expected))
    scored.sort(key=lambda s: (-s[0], s[1]))
    scored = scored[:MAX_TRENDS]
    history = histories(rt, kind, [key for _s, key, _c, _e in scored], now)
    return [
        Trend(key, key, round(score, 3), count, round(expected, 3), history[key])
        for score, key, count, expected in scored
    ]


def histories(rt: Runtime, kind: str, keys: list[str], now: datetime) -> dict[str, list[DayUse]]:
    """Uses and distinct accounts per day for the last ``HISTORY_DAYS`` days (today
    first, days without use included), in one query for all keys."""
    today = hour_of(now.timestamp()) // 24
    first_day = today - HISTORY_DAYS + 1
    counts: dict[tuple[str, int], tuple[int, int]] = {}
    if keys:
        day = cast(trend_uses.c.hour // 24, Integer)
        with rt.db.read() as conn:
            for key, d, uses, people in conn.execute(
                select(
                    trend_uses.c.key,
                    day,
                    func.count(),
                    func.count(func.distinct(trend_uses.c.account_id)),
                )
                .where(
                    trend_uses.c.kind == kind,
                    trend_uses.c.key.in_(keys),
                    trend_uses.c.hour >= first_day * 24,
                    trend_uses.c.hour < (today + 1) * 24,
                )
                .group_by(trend_uses.c.key, day)
            ):
                counts[(key, int(d))] = (int(uses), int(people))
    return {
        key: [
            DayUse(d * 86400, *counts.get((key, d), (0, 0)))
            for d in range(today, first_day - 1, -1)
        ]
        for key in keys
    }


def trending_statuses(
    rt: Runtime, viewer_id: int | None, now: datetime, *, limit: int = 20, offset: int = 0
) -> list[StatusView]:
    """Public posts many distinct people reposted or liked lately, as the viewer may
    see them: ``hydrate`` applies visibility and blocks, and (as a timeline) drops
    posts by people the viewer mutes; what it drops leaves no hole in the page."""
    since = now - timedelta(hours=STATUS_HOURS)
    floor = min_id_for(since)
    likes = select(favourites.c.post_id.label("post_id"), favourites.c.account_id).where(
        favourites.c.id >= floor, favourites.c.created_at >= since, favourites.c.created_at <= now
    )
    reposts = select(posts.c.reblog_of_id.label("post_id"), posts.c.account_id).where(
        posts.c.id >= floor,
        posts.c.reblog_of_id.is_not(None),
        posts.c.created_at >= since,
        posts.c.created_at <= now,
    )
    engaged = union_all(likes, reposts).subquery()
    people = func.count(func.distinct(engaged.c.account_id))
    query = (
        select(posts.c.id, posts.c.created_at, people)
        .join(engaged, engaged.c.post_id == posts.c.id)
        .where(listed_clause(), engaged.c.account_id != posts.c.account_id)
        .group_by(posts.c.id, posts.c.created_at)
        .having(people >= STATUS_MIN_ACCOUNTS)
    )
    with rt.db.read() as conn:
        rows: list[Any] = list(conn.execute(query))
    scored = []
    for post_id, created_at, count in rows:
        age_hours = max((now - created_at).total_seconds() / 3600, 0.0)
        decay = 0.5 ** (age_hours / STATUS_HALF_LIFE_HOURS)
        scored.append((poisson_surprise(int(count), EXPECTED_FLOOR) * decay, post_id))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    ids = [post_id for score, post_id in scored[: MAX_TRENDS * 2] if score > 0]
    return hydrate(rt, viewer_id, ids, timeline=True)[offset : offset + limit]
