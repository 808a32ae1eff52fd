"""The streaming API in scale mode (issue 9, finding 2): one process's WebSockets,
however many streams they hold, listen to Redis over one connection, and every
listener still gets its own events."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator

import pytest
import redis
from starlette.testclient import TestClient

from roost.app import create_app
from roost.channels import home_channel, public_channel, tag_channel
from roost.posts.actions import do_create_post
from roost.posts.marks import do_favourite
from roost.runtime import Runtime, build_runtime
from tests.api.conftest import BASE_URL, Tokens
from tests.conftest import REDIS_URL, People, delete_redis_prefix


@pytest.fixture
def scaled(rt: Runtime) -> Iterator[tuple[TestClient, Runtime]]:
    """A web process in scale mode over the test's database, with a Redis prefix of its own."""
    prefix = f"roost_test:{uuid.uuid4().hex[:12]}:"
    settings = rt.settings.model_copy(
        update={"redis_url": REDIS_URL, "redis_prefix": prefix, "inprocess_worker": False}
    )
    runtime = build_runtime(settings, pool_size=2)
    try:
        with TestClient(create_app(settings, rt=runtime), base_url=BASE_URL) as client:
            yield client, runtime
    finally:
        runtime.close()
        delete_redis_prefix(REDIS_URL, prefix)


def _listening_connections(prefix: str) -> int:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        return sum(1 for c in client.client_list() if c.get("name") == f"{prefix}pubsub")
    finally:
        client.close()


def test_many_streams_share_one_redis_connection_and_each_gets_its_events(
    scaled: tuple[TestClient, Runtime], tokens: Tokens, rt: Runtime, people: People
) -> None:
    client, runtime = scaled
    post = do_create_post(rt, people.alice, "out to everyone #scale")
    do_favourite(rt, people.bob, post)
    with contextlib.ExitStack() as stack:
        # given three sockets holding seven streams between them
        anyone = stack.enter_context(client.websocket_connect("/api/v1/streaming?stream=public"))
        bob = stack.enter_context(
            client.websocket_connect(f"/api/v1/streaming?stream=user&access_token={tokens.bob}")
        )
        carol = stack.enter_context(
            client.websocket_connect(f"/api/v1/streaming?stream=public&access_token={tokens.carol}")
        )
        for stream in ({"stream": "public"}, {"stream": "hashtag", "tag": "scale"}):
            bob.send_text(json.dumps({"type": "subscribe", **stream}))
        bob.send_text(json.dumps({"type": "subscribe", "stream": "nonsense"}))
        assert bob.receive_json() == {"error": "Unknown stream type"}  # the others are live
        # then the process listens over one Redis connection
        assert _listening_connections(runtime.settings.redis_prefix) == 1
        # when events go out through Redis
        runtime.pubsub.publish(home_channel(people.bob), f"update:{post}")
        runtime.pubsub.publish(public_channel(), f"update:{post}")
        runtime.pubsub.publish(tag_channel("scale"), f"update:{post}")
        # then each socket gets them, rendered for its viewer
        heard_by_bob = [bob.receive_json() for _ in range(3)]
        heard_by_anyone = anyone.receive_json()
        heard_by_carol = carol.receive_json()
    assert sorted(tuple(e["stream"]) for e in heard_by_bob) == [
        ("hashtag", "scale"),
        ("public",),
        ("user",),
    ]
    assert all(json.loads(e["payload"])["favourited"] is True for e in heard_by_bob)
    assert not json.loads(heard_by_anyone["payload"]).get("favourited")
    assert json.loads(heard_by_carol["payload"])["favourited"] is False
    assert json.loads(heard_by_carol["payload"])["id"] == str(post)
