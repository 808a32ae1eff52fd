"""Trends over a synthetic week: a steady background, a burst, and a spammer.

Posts are written through the real action, then moved back in time (their
``created_at``) before the trends job records them; the queries are told ``now``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from roost.graph.actions import do_follow
from roost.graph.blocks import do_block, do_mute
from roost.posts.actions import do_create_post, do_delete_post
from roost.posts.marks import do_favourite
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.memo import Memo
from roost.store.schema import utcnow
from roost.trends.queries import (
    CACHE_SECONDS,
    current_trends,
    poisson_surprise,
    trending_links,
    trending_statuses,
    trending_tags,
)
from tests.conftest import People

Settle = Callable[[], None]


def post_at(rt: Runtime, account_id: int, text: str, at: datetime) -> int:
    post_id = do_create_post(rt, account_id, text)
    with rt.db.write() as tx:
        tx.conn.execute(update(posts).where(posts.c.id == post_id).values(created_at=at))
    return post_id


@pytest.fixture
def now() -> datetime:
    """Half past this hour, or yesterday 23:30 in the first hours of a day: the tests
    post a few hours back and read today's figure, which must hold those posts."""
    at = utcnow().replace(minute=30, second=0, microsecond=0)
    if at.hour < 4:
        at -= timedelta(hours=at.hour + 1)
    return at


def week_of_background(rt: Runtime, people: People, now: datetime) -> None:
    """#steady: four people every four hours for a week, and as many in the last hours."""
    for window in range(7 * 6):
        at = now - timedelta(hours=4 * window + 1)
        for i in range(4):
            post_at(rt, getattr(people, f"steady{i}"), f"as usual #steady {window}", at)


def test_a_burst_trends_and_a_steady_tag_does_not(
    rt: Runtime, people: People, settle: Settle, now: datetime
) -> None:
    # given a week of #steady and, in the last hours, six people taking up #burst
    week_of_background(rt, people, now)
    for i in range(6):
        post_at(rt, getattr(people, f"new{i}"), "look at this #Burst", now - timedelta(hours=2))
    settle()
    # when trends are read
    found = trending_tags(rt, now)
    # then only the burst trends, although #steady is used far more
    assert [t.name for t in found] == ["Burst"]
    burst = found[0]
    assert burst.observed == 6
    assert burst.history[0].uses == 6
    assert burst.history[0].accounts == 6
    assert len(burst.history) == 7
    assert all(day.uses == 0 for day in burst.history[1:])


def test_one_account_spamming_a_tag_does_not_trend_it(
    rt: Runtime, people: People, settle: Settle, now: datetime
) -> None:
    for n in range(30):
        post_at(rt, people.loud, f"buy now #spam {n}", now - timedelta(minutes=n))
    post_at(rt, people.alice, "what is #spam", now - timedelta(hours=1))
    settle()
    assert trending_tags(rt, now) == []


def test_only_public_posts_count(
    rt: Runtime, people: People, settle: Settle, now: datetime
) -> None:
    # given five people using #secret in posts that are not public
    for i, visibility in enumerate(("unlisted", "private", "direct", "unlisted", "private")):
        do_create_post(rt, getattr(people, f"p{i}"), "#secret plans", visibility=visibility)
    settle()
    assert trending_tags(rt, now) == []


def test_a_deleted_post_stops_counting(
    rt: Runtime, people: People, settle: Settle, now: datetime
) -> None:
    ids = [
        (who, post_at(rt, who, "#gone soon", now - timedelta(hours=1)))
        for who in (people.a1, people.a2, people.a3, people.a4, people.a5)
    ]
    settle()
    assert [t.name for t in trending_tags(rt, now)] == ["gone"]
    for who, post_id in ids[:3]:
        do_delete_post(rt, who, post_id)
    settle()
    assert trending_tags(rt, now) == []


def test_the_burst_is_over_when_its_hours_have_passed(
    rt: Runtime, people: People, settle: Settle, now: datetime
) -> None:
    for i in range(6):
        post_at(rt, getattr(people, f"new{i}"), "#Burst", now - timedelta(hours=1))
    settle()
    assert trending_tags(rt, now)
    assert trending_tags(rt, now + timedelta(hours=6)) == []
    # and before it happened there was nothing to see
    assert trending_tags(rt, now - timedelta(hours=3)) == []


def test_links_trend_like_tags(rt: Runtime, people: People, settle: Settle, now: datetime) -> None:
    for i in range(6):
        post_at(
            rt,
            getattr(people, f"reader{i}"),
            f"read https://News.example/story#part{i}",
            now - timedelta(hours=1),
        )
    post_at(rt, people.alice, "mine https://alice.example/", now - timedelta(hours=1))
    settle()
    found = trending_links(rt, now)
    assert [t.key for t in found] == ["https://news.example/story"]
    assert found[0].history[0].accounts == 6


def test_liked_posts_trend_for_those_who_may_see_them(
    rt: Runtime, people: People, settle: Settle
) -> None:
    # given a public post liked by three people, and a followers-only post liked by two
    liked = do_create_post(rt, people.alice, "a good one")
    hidden = do_create_post(rt, people.alice, "for followers", visibility="private")
    for who in (people.bob, people.carol, people.dave):
        do_follow(rt, who, people.alice)
        do_favourite(rt, who, liked)
        do_favourite(rt, who, hidden)
    settle()
    now = utcnow()
    # then a stranger sees the public one trending, never the followers-only one
    assert [v.post.id for v in trending_statuses(rt, people.erin, now)] == [liked]
    assert [v.post.id for v in trending_statuses(rt, None, now)] == [liked]
    assert [v.post.id for v in trending_statuses(rt, people.bob, now)] == [liked]
    # and neither someone alice blocks nor someone who mutes alice sees it
    do_block(rt, people.alice, people.frank)
    do_mute(rt, people.grace, people.alice)
    assert trending_statuses(rt, people.frank, now) == []
    assert trending_statuses(rt, people.grace, now) == []


def test_poisson_surprise_grows_with_the_distance_from_the_usual_rate() -> None:
    assert poisson_surprise(3, 4.0) == 0.0
    assert poisson_surprise(4, 4.0) == 0.0
    assert 0 < poisson_surprise(6, 4.0) < poisson_surprise(6, 1.0) < poisson_surprise(12, 1.0)
    assert poisson_surprise(1000, 1.0) > 100  # no overflow at large counts


def test_current_trends_are_shared_for_a_minute(
    rt: Runtime, people: People, settle: Settle
) -> None:
    # given a clock the cache reads, and nothing trending yet
    clock = [0.0]
    rt.memo = Memo(clock=lambda: clock[0])
    assert current_trends(rt, "tag") == []
    for i in range(6):
        do_create_post(rt, getattr(people, f"p{i}"), "#Fresh news")
    settle()
    # then within the minute every reader gets the cached answer, after it the new one
    clock[0] = CACHE_SECONDS - 1
    assert current_trends(rt, "tag") == []
    clock[0] = CACHE_SECONDS + 1
    assert [t.name for t in current_trends(rt, "tag")] == ["Fresh"]
