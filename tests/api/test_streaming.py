"""The streaming API: a Mastodon client's WebSocket receives posts live, and only
the posts its viewer may see."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from roost.channels import home_channel
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People


def test_user_stream_receives_a_followed_accounts_post(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    # given
    do_follow(rt, people.bob, people.alice)
    settle()
    with client.websocket_connect(f"/api/v1/streaming?stream=user&access_token={tokens.bob}") as ws:
        # when
        post = client.post(
            "/api/v1/statuses", data={"status": "live!"}, headers=tokens.auth("alice")
        )
        settle()
        # then
        event = ws.receive_json()
    assert event["event"] == "update"
    assert event["stream"] == ["user"]
    assert json.loads(event["payload"])["id"] == post.json()["id"]


def test_stream_drops_posts_the_viewer_may_not_see(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime
) -> None:
    private = do_create_post(rt, people.alice, "followers only", visibility="private")
    public = do_create_post(rt, people.alice, "for everyone")
    with client.websocket_connect(
        f"/api/v1/streaming?stream=user&access_token={tokens.carol}"
    ) as ws:
        # Even if a private post's ID reaches Carol's channel, she must not get it.
        rt.pubsub.publish(home_channel(people.carol), f"update:{private}")
        rt.pubsub.publish(home_channel(people.carol), f"update:{public}")
        event = ws.receive_json()
    assert json.loads(event["payload"])["id"] == str(public)


def test_hashtag_stream_by_subscribe_command(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    with client.websocket_connect(f"/api/v1/streaming?access_token={tokens.bob}") as ws:
        ws.send_text(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "HCSM"}))
        # Commands run in order: once this error arrives, the hashtag subscription is live.
        ws.send_text(json.dumps({"type": "subscribe", "stream": "nonsense"}))
        assert ws.receive_json() == {"error": "Unknown stream type"}
        post = do_create_post(rt, people.alice, "chat time #hcsm")
        settle()
        event = ws.receive_json()
    assert event["stream"] == ["hashtag", "HCSM"]
    assert json.loads(event["payload"])["id"] == str(post)


def test_user_stream_needs_a_token(client: TestClient) -> None:
    response = client.get("/api/v1/streaming/user")
    assert response.status_code == 401
    assert "error" in response.json()
    assert client.get("/api/v1/streaming/health").text == "OK"
    assert client.get("/api/v1/streaming/hashtag").status_code == 400
