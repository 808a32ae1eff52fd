"""The live streams behind the "new posts" bar and hashtag pages: what they send
when a post arrives, and what they catch up on after a page load or a reconnect."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from roost.channels import home_channel, public_channel, tag_channel
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post, do_delete_post
from roost.posts.edits import Edit, do_edit_post
from roost.runtime import Runtime
from roost.web.live import (
    events,
    home_backlog,
    public_backlog,
    tag_backlog,
)
from tests.conftest import People
from tests.web.conftest import WebClient


def update(post_id: int) -> str:
    return f"id: {post_id}\nevent: update\ndata: {post_id}\n\n"


def test_home_stream_catches_up_then_sends_new_posts_and_deletes(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    seen = do_create_post(rt, people.bob, "on the page already")
    missed = do_create_post(rt, people.bob, "written while the page loaded")
    settle()

    async def scenario() -> None:
        stream = events(
            rt, [home_channel(people.alice)], home_backlog(rt, people.alice, since=seen), seen
        )
        assert (await anext(stream)).startswith("retry: 3000")
        assert await anext(stream) == update(missed)
        live = do_create_post(rt, people.bob, "hot off the press")
        do_create_post(rt, people.carol, "not followed")
        settle()  # fan-out publishes to alice's channel
        assert await asyncio.wait_for(anext(stream), 5) == update(live)
        do_delete_post(rt, people.bob, live)
        settle()
        assert await asyncio.wait_for(anext(stream), 5) == f"event: delete\ndata: {live}\n\n"
        await stream.aclose()

    asyncio.run(scenario())


def test_hashtag_stream_sends_public_posts_with_the_tag(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    first = do_create_post(rt, people.bob, "Q1 #HCSM")
    second = do_create_post(rt, people.carol, "A1 #hcsm")
    settle()

    async def scenario() -> None:
        stream = events(rt, [tag_channel("HCSM")], tag_backlog(rt, "hcsm", since=first), first)
        await anext(stream)
        assert await anext(stream) == update(second)
        do_create_post(rt, people.bob, "followers only #hcsm", visibility="private")
        do_create_post(rt, people.bob, "other tag #roost")
        latest = do_create_post(rt, people.dave, "A2 #hcsm")
        settle()
        assert await asyncio.wait_for(anext(stream), 5) == update(latest)
        await stream.aclose()

    asyncio.run(scenario())


def test_public_stream_sends_public_posts_only(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    first = do_create_post(rt, people.bob, "hello world")
    settle()

    async def scenario() -> None:
        stream = events(rt, [public_channel()], public_backlog(rt, since=first), first)
        await anext(stream)
        do_create_post(rt, people.bob, "unlisted", visibility="unlisted")
        latest = do_create_post(rt, people.carol, "public again")
        settle()
        assert await asyncio.wait_for(anext(stream), 5) == update(latest)
        await stream.aclose()

    asyncio.run(scenario())


def test_home_stream_needs_a_session(web: WebClient) -> None:
    assert web.get("/live/home").status_code == 403
    assert web.get("/live/tags/not-a-tag").status_code == 404


def test_a_post_both_caught_up_on_and_published_live_is_sent_once(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    seen = do_create_post(rt, people.bob, "on the page #once")
    missed = do_create_post(rt, people.carol, "while it loaded #once")
    settle()

    async def scenario() -> None:
        stream = events(rt, [tag_channel("once")], tag_backlog(rt, "once", since=seen), seen)
        await anext(stream)
        assert await anext(stream) == update(missed)
        # the publisher may deliver these after the subscription began: not again
        rt.pubsub.publish(tag_channel("once"), f"update:{seen}")
        rt.pubsub.publish(tag_channel("once"), f"update:{missed}")
        latest = do_create_post(rt, people.dave, "new #once")
        settle()
        assert await asyncio.wait_for(anext(stream), 5) == update(latest)
        await stream.aclose()

    asyncio.run(scenario())


def test_home_stream_tells_of_an_edit(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    post = do_create_post(rt, people.bob, "Clinic opens at 9")
    settle()

    async def scenario() -> None:
        stream = events(rt, [home_channel(people.alice)], None, post)
        await anext(stream)
        do_edit_post(rt, people.bob, post, Edit("Clinic opens at 8"))
        settle()
        assert await asyncio.wait_for(anext(stream), 5) == f"event: edit\ndata: {post}\n\n"
        await stream.aclose()

    asyncio.run(scenario())
