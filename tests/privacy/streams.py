"""The streams: every account listens to its user stream and a signed-out visitor to
the public one, over the WebSocket, while one more post of each visibility is made.

Streams carry only what arrives after subscribing, so the check is small: each
listener reads until a sentinel (its own post, published straight to its channel
after every job has run) and judges everything before it. Nothing the oracle keeps
from a listener may arrive (nor, in the user stream, anything that does not belong
in home, nor a mention notification from someone muted with notifications), and
every probe post the rules put in the listener's home (or, for the visitor, in the
public timeline) must.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from roost.channels import home_channel, public_channel
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.worker import drain
from tests.privacy.oracle import Oracle
from tests.privacy.reads import statuses_in
from tests.privacy.world import VISIBILITIES, Post, World

if TYPE_CHECKING:  # imported for real (with its warning silenced) by the test module
    from starlette.testclient import TestClient


def _probe(rt: Runtime, world: World) -> list[int]:
    """One post of each visibility, each by another author, mentioning the next one."""
    made = []
    accounts = world.accounts
    for i, visibility in enumerate(VISIBILITIES):
        author, mentioned = accounts[i % len(accounts)], (i + 1) % len(accounts)
        post_id = do_create_post(rt, author, f"probe @user{mentioned}", visibility=visibility)
        world.posts[post_id] = Post(post_id, author, visibility, frozenset({accounts[mentioned]}))
        made.append(post_id)
    return made


def _read_until(ws: Any, sentinel: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        event = ws.receive_json()
        if event.get("event") == "update" and int(json.loads(event["payload"])["id"]) == sentinel:
            return events
        events.append(event)


def check_streams(rt: Runtime, client: TestClient, world: World, tokens: dict[int, str]) -> None:
    with ExitStack() as stack:
        sockets = {
            viewer: stack.enter_context(
                client.websocket_connect(f"/api/v1/streaming?stream=user&access_token={token}")
            )
            for viewer, token in tokens.items()
        }
        visitor = stack.enter_context(client.websocket_connect("/api/v1/streaming?stream=public"))
        probes = _probe(rt, world)
        drain(rt)
        oracle = Oracle(world)
        sentinels = {}
        for viewer in tokens:
            sentinel = do_create_post(rt, viewer, "sentinel")  # not fanned out: never drained
            world.posts[sentinel] = Post(sentinel, viewer, "public")
            sentinels[viewer] = sentinel
            rt.pubsub.publish(home_channel(viewer), f"update:{sentinel}")
        any_sentinel = next(iter(sentinels.values()))
        rt.pubsub.publish(public_channel(), f"update:{any_sentinel}")
        for viewer, ws in sockets.items():
            _judge_user_stream(oracle, viewer, _read_until(ws, sentinels[viewer]), probes)
        arrived = set()
        for event in _read_until(visitor, any_sentinel):
            for status in statuses_in(json.loads(event["payload"])):
                assert oracle.can_see(None, int(status["id"])), f"LEAK: public stream {status}"
            arrived.add(int(json.loads(event["payload"])["id"]))
        expected = {p for p in probes if p in oracle.public(None)}
        assert expected <= arrived, f"public stream lacks {expected - arrived}"


def _judge_user_stream(
    oracle: Oracle, viewer: int, events: list[dict[str, Any]], probes: list[int]
) -> None:
    updates = set()
    for event in events:
        if event["event"] not in ("update", "notification", "conversation"):
            continue
        payload = json.loads(event["payload"])
        for status in statuses_in(payload):
            assert oracle.can_see(viewer, int(status["id"])), (
                f"LEAK: account {viewer}'s stream got {status['id']} ({event['event']})"
            )
        if event["event"] == "update":
            post_id = int(payload["id"])
            updates.add(post_id)
            assert oracle.home_may(viewer, post_id), (
                f"account {viewer}'s stream: {oracle.post(post_id)} does not belong in home"
            )
        elif event["event"] == "notification":
            sender = int(payload["account"]["id"])
            assert not oracle.blocked(viewer, sender), f"account {viewer} notified across block"
            if payload["type"] == "mention":
                assert not oracle.mutes_notifications(viewer, sender), (
                    f"account {viewer} got a mention from {sender}, muted with notifications"
                )
    expected = {p for p in probes if oracle.home_may(viewer, p, must=True)}
    assert expected <= updates, f"account {viewer}'s stream lacks {expected - updates}"
