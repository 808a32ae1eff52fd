"""Streaming events are rendered once per audience (issue 9, finding 2), and each
viewer still gets the event as they may see it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from roost.channels import public_channel
from roost.graph.blocks import do_block
from roost.posts.actions import do_create_post
from roost.posts.marks import do_favourite
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People


@contextlib.contextmanager
def counted_statements(rt: Runtime) -> Iterator[list[str]]:
    """The SQL the server runs meanwhile (the cost of rendering is its reads)."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(rt.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", count)


def _statements_to_deliver(
    client: TestClient, rt: Runtime, people: People, listeners: int, text: str
) -> int:
    post = do_create_post(rt, people.alice, text)
    with contextlib.ExitStack() as stack:
        sockets = [
            stack.enter_context(client.websocket_connect("/api/v1/streaming?stream=public"))
            for _ in range(listeners)
        ]
        with counted_statements(rt) as seen:
            rt.pubsub.publish(public_channel(), f"update:{post}")
            payloads = [json.loads(ws.receive_json()["payload"]) for ws in sockets]
    assert [p["id"] for p in payloads] == [str(post)] * listeners
    return len(seen)


def test_signed_out_listeners_share_one_rendering(
    client: TestClient, rt: Runtime, people: People
) -> None:
    # given the cost of one signed-out listener hearing a post, once the author's
    # rendered account is cached (the first post renders it)
    _statements_to_deliver(client, rt, people, 1, "warm-up")
    one = _statements_to_deliver(client, rt, people, 1, "first")
    assert one > 0
    # when five listen to the next post
    five = _statements_to_deliver(client, rt, people, 5, "second")
    # then it costs the same: one rendering for the audience
    assert five == one


def test_listeners_of_one_stream_with_different_rights_get_their_own_event(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People
) -> None:
    # given alice's public post, which bob liked, and dave whom alice blocks
    post = do_create_post(rt, people.alice, "one post, four audiences")
    do_favourite(rt, people.bob, post)
    do_block(rt, people.alice, people.dave)
    later = do_create_post(rt, people.carol, "everyone may see this")
    urls = {
        "anyone": "/api/v1/streaming?stream=public",
        "bob": f"/api/v1/streaming?stream=public&access_token={tokens.bob}",
        "carol": f"/api/v1/streaming?stream=public&access_token={tokens.carol}",
        "dave": f"/api/v1/streaming?stream=public&access_token={tokens.dave}",
    }
    with contextlib.ExitStack() as stack:
        sockets = {who: stack.enter_context(client.websocket_connect(u)) for who, u in urls.items()}
        # when both posts go out on the public channel
        rt.pubsub.publish(public_channel(), f"update:{post}")
        rt.pubsub.publish(public_channel(), f"update:{later}")
        first = {who: json.loads(ws.receive_json()["payload"]) for who, ws in sockets.items()}
    # then each viewer has their own flags, and dave does not get the post at all
    assert first["anyone"]["id"] == str(post)
    assert not first["anyone"].get("favourited")
    assert first["bob"]["id"] == str(post)
    assert first["bob"]["favourited"] is True
    assert first["carol"]["id"] == str(post)
    assert first["carol"]["favourited"] is False
    assert first["dave"]["id"] == str(later)
