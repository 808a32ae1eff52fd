"""Blocks and mutes through the API: what a blocked person gets back (404s, a
refused follow, nothing live), and the mute's options."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from roost.channels import public_channel
from roost.graph.blocks import do_block, do_mute
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People


def test_blocked_person_gets_404s_and_a_refused_follow(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime
) -> None:
    # given
    post = do_create_post(rt, people.alice, "hello")
    do_block(rt, people.alice, people.bob)
    bob = tokens.auth("bob")
    # then: the post does not exist for him, whatever he tries
    assert client.get(f"/api/v1/statuses/{post}", headers=bob).status_code == 404
    for action in ("favourite", "reblog", "bookmark"):
        answer = client.post(f"/api/v1/statuses/{post}/{action}", headers=bob)
        assert answer.status_code == 404, action
    reply = client.post(
        "/api/v1/statuses", data={"status": "hey", "in_reply_to_id": str(post)}, headers=bob
    )
    assert reply.status_code == 404
    assert client.post(f"/api/v1/accounts/{people.alice}/follow", headers=bob).status_code == 403
    # the block is silent: her profile shows, her posts do not
    assert client.get(f"/api/v1/accounts/{people.alice}", headers=bob).status_code == 200
    assert client.get(f"/api/v1/accounts/{people.alice}/statuses", headers=bob).json() == []
    # and she does not see his posts either
    his = do_create_post(rt, people.bob, "mine")
    alice = tokens.auth("alice")
    assert client.get(f"/api/v1/statuses/{his}", headers=alice).status_code == 404


def test_mute_defaults_to_notifications_and_for_ever(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    answer = client.post(f"/api/v1/accounts/{people.bob}/mute", headers=tokens.auth("alice"))
    assert answer.status_code == 200
    assert (answer.json()["muting"], answer.json()["muting_notifications"]) == (True, True)
    form = client.post(
        f"/api/v1/accounts/{people.bob}/mute",
        data={"notifications": "false"},
        headers=tokens.auth("alice"),
    )
    assert form.json()["muting_notifications"] is False


def test_block_and_mute_need_their_scopes(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    read_only = {"Authorization": f"Bearer {tokens.issue('alice', 'read')}"}
    for action in ("block", "mute"):
        answer = client.post(f"/api/v1/accounts/{people.bob}/{action}", headers=read_only)
        assert answer.status_code == 403, action


def test_a_blocked_authors_post_does_not_reach_the_blockers_public_stream(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    do_block(rt, people.alice, people.bob)
    do_mute(rt, people.alice, people.carol)
    blocked = do_create_post(rt, people.bob, "from bob")
    muted = do_create_post(rt, people.carol, "from carol")
    shown = do_create_post(rt, people.dave, "from dave")
    with client.websocket_connect(
        f"/api/v1/streaming?stream=public&access_token={tokens.alice}"
    ) as ws:
        for post in (blocked, muted, shown):
            rt.pubsub.publish(public_channel(), f"update:{post}")
        event = ws.receive_json()
    assert json.loads(event["payload"])["id"] == str(shown)
