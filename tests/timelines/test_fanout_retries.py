"""Fan-out under retries and threshold changes: a retried fan-out enqueues no batch
twice and announces the post once; an account that falls back under the fan-out
threshold keeps the posts it made above it in its followers' homes."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from roost.channels import home_channel, public_channel
from roost.graph.actions import do_follow, do_unfollow
from roost.paging import Page
from roost.posts.actions import FANOUT_JOB, do_create_post
from roost.runtime import Runtime
from roost.store.jobs import jobs
from roost.store.memo import Memo
from roost.timelines import actions as timeline_actions
from roost.timelines.actions import DELIVER_JOB, handle_fanout
from roost.timelines.feeds import home_key, home_timeline
from tests.conftest import People

END = "end-of-test"


def heard(rt: Runtime, channels: list[str], scenario: Callable[[], None]) -> Counter[str]:
    """Every message the channels carry while ``scenario`` runs (in a worker thread, as
    jobs do), counted; an end marker published last tells when all have arrived."""

    async def listen() -> Counter[str]:
        messages: Counter[str] = Counter()
        async with rt.pubsub.subscribe(channels) as sub:
            thread = threading.Thread(target=scenario)
            thread.start()
            await asyncio.to_thread(thread.join)
            for channel in channels:
                rt.pubsub.publish(channel, END)
            ended = 0
            while ended < len(channels):
                channel, message = await asyncio.wait_for(sub.get(), 30)
                if message == END:
                    ended += 1
                else:
                    messages[f"{channel} {message}"] += 1
        return messages

    return asyncio.run(listen())


def pending(rt: Runtime, kind: str) -> int:
    with rt.db.read() as conn:
        return int(conn.scalar(select(func.count()).where(jobs.c.kind == kind)) or 0)


def test_a_retried_fanout_enqueues_each_batch_once_and_announces_once(
    rt: Runtime, people: People, settle: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given alice with five followers and delivery batches of two (first batch inline)
    monkeypatch.setattr(timeline_actions, "DELIVERY_BATCH", 2)
    alice = people.alice
    fans = [getattr(people, f"fan{i}") for i in range(5)]
    for fan in fans:
        do_follow(rt, fan, alice)
    settle()
    post = do_create_post(rt, alice, "hello, everyone")
    with rt.db.read() as conn:
        payload = conn.scalar(select(jobs.c.payload).where(jobs.c.kind == FANOUT_JOB))
    assert payload is not None

    # when the fan-out runs twice (its worker died before reporting), then the queue drains
    def run() -> None:
        handle_fanout(rt, dict(payload))
        handle_fanout(rt, dict(payload))
        assert pending(rt, DELIVER_JOB) == 2  # six homes: two inline, two batches of two
        settle()

    channels = [public_channel(), home_channel(alice), home_channel(fans[-1])]
    messages = heard(rt, channels, run)
    # then each listener heard of the post once, and every home holds it
    assert messages == Counter({f"{channel} update:{post}": 1 for channel in channels})
    for account in (alice, *fans):
        assert rt.timelines.page(home_key(account)) == [post]


def test_posts_made_above_the_fanout_threshold_stay_in_homes_when_it_falls_below(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given a star with four followers over a threshold of three (reads merge down to two)
    rt.settings = rt.settings.model_copy(update={"fanout_max_followers": 3})
    alice, star = people.alice, people.star
    fans = [people.fan1, people.fan2, people.fan3]
    for follower in (alice, *fans):
        do_follow(rt, follower, star)
    settle()
    famous = do_create_post(rt, star, "posted while famous")
    settle()
    assert rt.timelines.page(home_key(alice)) == []  # not fanned out: merged when read

    def home() -> list[int]:
        rt.memo = Memo()  # the per-process cache of large accounts has expired
        return [v.post.id for v in home_timeline(rt, alice, Page(limit=20))]

    assert home() == [famous]
    # when it falls to the threshold (inside the margin), its old post is still merged
    do_unfollow(rt, fans[0], star)
    settle()
    assert home() == [famous]
    # and when it falls to the merge floor, the homes are rebuilt with that post stored
    do_unfollow(rt, fans[1], star)
    settle()
    assert home() == [famous]
    assert rt.timelines.page(home_key(alice)) == [famous]
    # and its new posts are fanned out again
    later = do_create_post(rt, star, "back among friends")
    settle()
    assert rt.timelines.page(home_key(alice)) == [later, famous]
    assert home() == [later, famous]
