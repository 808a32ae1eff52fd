"""The ``PubSub`` contract (``roost.store.pubsub``) for the in-process, the Redis and
the embedded socket implementation, and the job doorbells. Redis tests use a prefix of their own on
the shared Redis; pub/sub keeps no keys, so there is nothing to delete."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from roost.store.jobs import Doorbell, LocalDoorbell
from roost.store.pubsub import MemoryPubSub, PubSub
from roost.store.redis_pubsub import RedisDoorbell, RedisPubSub
from roost.store.socket_bus import SocketBus
from tests.conftest import REDIS_URL

TIMEOUT = 5.0


def new_prefix() -> str:
    return f"roost_test:{uuid.uuid4().hex[:12]}:"


@pytest.fixture(params=["memory", "redis", "socket"])
def pubsub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PubSub]:
    bus: PubSub
    if request.param == "memory":
        bus = MemoryPubSub()
    elif request.param == "redis":
        bus = RedisPubSub(REDIS_URL, prefix=new_prefix())
    else:
        bus = SocketBus(tmp_path / "bus")
    try:
        yield bus
    finally:
        bus.close()


def publish_from_thread(bus: PubSub, items: list[tuple[str, str]]) -> None:
    """Job handlers publish from worker threads, never from the listener's loop."""

    def publish_all() -> None:
        for channel, message in items:
            bus.publish(channel, message)

    thread = threading.Thread(target=publish_all)
    thread.start()
    thread.join()


def test_subscriber_receives_what_is_published_after_it_subscribed(pubsub: PubSub) -> None:
    async def scenario() -> tuple[str, str]:
        async with pubsub.subscribe(["timeline:home:1"]) as sub:
            publish_from_thread(pubsub, [("timeline:home:1", "update:42")])
            return await asyncio.wait_for(sub.get(), TIMEOUT)

    assert asyncio.run(scenario()) == ("timeline:home:1", "update:42")


def test_one_message_on_many_channels_reaches_the_listened_ones(pubsub: PubSub) -> None:
    async def scenario() -> list[tuple[str, str]]:
        async with pubsub.subscribe(["timeline:home:2", "timeline:home:4"]) as sub:
            channels = [f"timeline:home:{n}" for n in range(1, 6)]
            thread = threading.Thread(target=pubsub.publish_many, args=(channels, "update:7"))
            thread.start()
            thread.join()
            return [await asyncio.wait_for(sub.get(), TIMEOUT) for _ in range(2)]

    assert asyncio.run(scenario()) == [
        ("timeline:home:2", "update:7"),
        ("timeline:home:4", "update:7"),
    ]


def test_subscriber_hears_only_its_channels_in_order(pubsub: PubSub) -> None:
    async def scenario() -> list[tuple[str, str]]:
        async with pubsub.subscribe(["timeline:public", "timeline:home:1"]) as sub:
            publish_from_thread(
                pubsub,
                [
                    ("timeline:home:2", "update:1"),
                    ("timeline:public", "update:2"),
                    ("timeline:home:1", "update:3"),
                    ("timeline:public", "delete:2"),
                ],
            )
            return [await asyncio.wait_for(sub.get(), TIMEOUT) for _ in range(3)]

    assert asyncio.run(scenario()) == [
        ("timeline:public", "update:2"),
        ("timeline:home:1", "update:3"),
        ("timeline:public", "delete:2"),
    ]


def test_publishing_without_listeners_is_harmless(pubsub: PubSub) -> None:
    pubsub.publish("timeline:home:98", "update:1")  # nobody listens there, ever

    async def scenario() -> tuple[str, str]:
        async with pubsub.subscribe(["timeline:home:99"]) as sub:
            publish_from_thread(pubsub, [("timeline:home:99", "update:2")])
            return await asyncio.wait_for(sub.get(), TIMEOUT)

    assert asyncio.run(scenario()) == ("timeline:home:99", "update:2")


def test_redis_pubsub_reaches_listeners_of_another_instance() -> None:
    """Two RedisPubSub objects stand for two web processes."""
    prefix = new_prefix()
    publisher, listener = (
        RedisPubSub(REDIS_URL, prefix=prefix),
        RedisPubSub(REDIS_URL, prefix=prefix),
    )
    stranger = RedisPubSub(REDIS_URL, prefix=new_prefix())

    async def scenario() -> tuple[str, str]:
        async with listener.subscribe(["timeline:home:1"]) as sub:
            stranger.publish("timeline:home:1", "update:other-instance")
            stranger.close()
            publisher.publish("timeline:home:1", "update:7")
            return await asyncio.wait_for(sub.get(), TIMEOUT)

    try:
        assert asyncio.run(scenario()) == ("timeline:home:1", "update:7")
    finally:
        publisher.close()
        listener.close()


def test_redis_subscription_releases_its_connection() -> None:
    prefix = new_prefix()
    bus = RedisPubSub(REDIS_URL, prefix=prefix)
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    channel = f"{prefix}ch:timeline:home:1"

    async def scenario() -> int:
        async with bus.subscribe(["timeline:home:1"]):
            inside = client.pubsub_numsub(channel)[0][1]
        return int(inside)

    try:
        assert asyncio.run(scenario()) == 1
        assert client.pubsub_numsub(channel)[0][1] == 0
    finally:
        bus.close()
        client.close()


def test_close_sends_what_is_still_queued() -> None:
    prefix = new_prefix()
    listener = RedisPubSub(REDIS_URL, prefix=prefix)

    async def scenario() -> list[tuple[str, str]]:
        async with listener.subscribe(["timeline:home:1"]) as sub:
            publisher = RedisPubSub(REDIS_URL, prefix=prefix)
            for i in range(2000):
                publisher.publish("timeline:home:1", f"update:{i}")
            publisher.close()
            return [await asyncio.wait_for(sub.get(), TIMEOUT) for _ in range(2000)]

    try:
        received = asyncio.run(scenario())
    finally:
        listener.close()
    assert [m for _, m in received] == [f"update:{i}" for i in range(2000)]


def _pubsub_connections(prefix: str) -> int:
    """Connections the bus opened for listening, by the client name it gives them."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return sum(1 for c in client.client_list() if c.get("name") == f"{prefix}pubsub")
    finally:
        client.close()


def test_one_redis_connection_carries_every_subscription_of_a_process() -> None:
    # given one process's bus and 50 listeners on 50 channels (and 5 on a shared one)
    prefix = new_prefix()
    bus = RedisPubSub(REDIS_URL, prefix=prefix)

    async def scenario() -> tuple[int, list[tuple[str, str]], int]:
        async with contextlib.AsyncExitStack() as stack:
            subs = [
                await stack.enter_async_context(bus.subscribe([f"timeline:home:{i}"]))
                for i in range(50)
            ]
            shared = [
                await stack.enter_async_context(bus.subscribe(["timeline:public"]))
                for _ in range(5)
            ]
            connections = _pubsub_connections(prefix)
            # when a message goes to one home and one to the public channel
            publish_from_thread(
                bus, [("timeline:home:7", "update:1"), ("timeline:public", "update:2")]
            )
            got = [await asyncio.wait_for(subs[7].get(), TIMEOUT)]
            got += [await asyncio.wait_for(s.get(), TIMEOUT) for s in shared]
            others = sum(s.queue.qsize() for i, s in enumerate(subs) if i != 7)
        return connections, got, others

    try:
        connections, got, others = asyncio.run(scenario())
    finally:
        bus.close()
    # then one connection listened for all of them, and each listener heard its own
    assert connections == 1
    assert got == [("timeline:home:7", "update:1")] + [("timeline:public", "update:2")] * 5
    assert others == 0


def test_a_channel_left_and_listened_again_is_heard_again() -> None:
    prefix = new_prefix()
    bus = RedisPubSub(REDIS_URL, prefix=prefix)

    async def scenario() -> tuple[str, str]:
        async with bus.subscribe(["timeline:home:1"]):
            pass
        async with bus.subscribe(["timeline:home:1"]) as again:
            publish_from_thread(bus, [("timeline:home:1", "update:3")])
            return await asyncio.wait_for(again.get(), TIMEOUT)

    try:
        assert asyncio.run(scenario()) == ("timeline:home:1", "update:3")
    finally:
        bus.close()


# -- doorbells -------------------------------------------------------------------------


def make_doorbells(kind: str) -> tuple[Doorbell, Doorbell]:
    """(ringer, listener): separate objects in scale mode, as in separate processes."""
    if kind == "local":
        bell = LocalDoorbell()
        return bell, bell
    prefix = new_prefix()
    return RedisDoorbell(REDIS_URL, prefix=prefix), RedisDoorbell(REDIS_URL, prefix=prefix)


@pytest.mark.parametrize("kind", ["local", "redis"])
def test_ringing_wakes_a_listening_worker_within_milliseconds(kind: str) -> None:
    ringer, listener = make_doorbells(kind)
    woken = threading.Event()
    try:
        listener.listen(woken.set)
        time.sleep(0.2)  # the Redis listener thread subscribes
        started = time.monotonic()
        ringer.ring()
        assert woken.wait(TIMEOUT)
        assert time.monotonic() - started < 0.3  # polling would take up to a second
    finally:
        ringer.close()
        listener.close()


def test_a_redis_doorbell_of_another_prefix_stays_silent() -> None:
    ours, theirs = (
        RedisDoorbell(REDIS_URL, prefix=new_prefix()),
        RedisDoorbell(REDIS_URL, prefix=new_prefix()),
    )
    woken = threading.Event()
    try:
        ours.listen(woken.set)
        time.sleep(0.2)
        theirs.ring()
        assert not woken.wait(0.3)
    finally:
        ours.close()
        theirs.close()


def test_a_listener_that_stopped_waiting_still_hears_later_messages(pubsub: PubSub) -> None:
    """Live streams wait with a timeout to send keep-alives, cancelling ``get``."""

    async def scenario() -> tuple[str, str]:
        async with pubsub.subscribe(["timeline:home:1"]) as sub:
            for _ in range(3):
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(sub.get(), 0.05)
            publish_from_thread(pubsub, [("timeline:home:1", "update:5")])
            return await asyncio.wait_for(sub.get(), TIMEOUT)

    assert asyncio.run(scenario()) == ("timeline:home:1", "update:5")


def test_the_doorbell_rings_over_the_connection_live_updates_use() -> None:
    # given a process whose bus has a live listener and whose worker listens for rings
    prefix = new_prefix()
    bus = RedisPubSub(REDIS_URL, prefix=prefix)
    listener = RedisDoorbell(REDIS_URL, prefix=prefix, bus=bus)
    ringer = RedisDoorbell(REDIS_URL, prefix=prefix)  # another process, without a bus
    woken = threading.Event()

    async def scenario() -> tuple[int, tuple[str, str]]:
        async with bus.subscribe(["timeline:public"]) as sub:
            listener.listen(woken.set)
            # when another process rings, and a live update goes out
            for _ in range(25):  # the doorbell does not wait for Redis to confirm
                await asyncio.to_thread(ringer.ring)
                if await asyncio.to_thread(woken.wait, 0.2):
                    break
            assert woken.is_set()
            publish_from_thread(bus, [("timeline:public", "update:9")])
            heard = await asyncio.wait_for(sub.get(), TIMEOUT)
            return _pubsub_connections(prefix), heard

    try:
        connections, heard = asyncio.run(scenario())
    finally:
        ringer.close()
        listener.close()
        bus.close()
    # then both arrived over the process's one listening connection
    assert connections == 1
    assert heard == ("timeline:public", "update:9")


def test_listeners_hear_again_after_the_listening_connection_is_killed() -> None:
    # given a listener on a process's bus
    prefix = new_prefix()
    bus = RedisPubSub(REDIS_URL, prefix=prefix)
    admin = redis.Redis.from_url(REDIS_URL, decode_responses=True)

    async def scenario() -> tuple[str, str]:
        async with bus.subscribe(["timeline:home:1"]) as sub:
            # when Redis drops its connection
            ours = [c["id"] for c in admin.client_list() if c.get("name") == f"{prefix}pubsub"]
            assert len(ours) == 1
            admin.client_kill_filter(_id=ours[0])
            # then the bus subscribes again, and later messages arrive
            for _ in range(50):
                publish_from_thread(bus, [("timeline:home:1", "update:11")])
                try:
                    return await asyncio.wait_for(sub.get(), 0.2)
                except TimeoutError:
                    continue
            raise AssertionError("never heard again")

    try:
        assert asyncio.run(scenario()) == ("timeline:home:1", "update:11")
    finally:
        bus.close()
        admin.close()
    assert _pubsub_connections(prefix) == 0  # closed with the bus
