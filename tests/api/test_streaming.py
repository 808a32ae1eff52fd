"""The streaming API: a Mastodon client's WebSocket receives posts live, and only
the posts its viewer may see."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from roost.channels import home_channel
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post, do_delete_post
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


def test_a_mention_arrives_as_a_notification_on_user_notification_only(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.bob, people.alice)
    settle()
    with client.websocket_connect(
        f"/api/v1/streaming?stream=user:notification&access_token={tokens.bob}"
    ) as ws:
        do_create_post(rt, people.alice, "not about bob")  # reaches bob's home, not here
        mention = do_create_post(rt, people.alice, "hello @bob")
        settle()
        event = ws.receive_json()
    assert event["stream"] == ["user:notification"]
    assert event["event"] == "notification"
    payload = json.loads(event["payload"])
    assert payload["type"] == "mention"
    assert payload["status"]["id"] == str(mention)


def test_the_user_stream_carries_updates_notifications_and_conversations(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.bob, people.alice)
    settle()
    with client.websocket_connect(f"/api/v1/streaming?stream=user&access_token={tokens.bob}") as ws:
        direct = do_create_post(rt, people.alice, "@bob just us", visibility="direct")
        settle()
        events = {ws.receive_json()["event"] for _ in range(3)}
    assert events == {"update", "notification", "conversation"}
    assert direct


def test_a_direct_post_arrives_as_a_conversation_on_the_direct_stream(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    people.bob  # noqa: B018
    with client.websocket_connect(
        f"/api/v1/streaming?stream=direct&access_token={tokens.bob}"
    ) as ws:
        do_create_post(rt, people.alice, "public, not a conversation @bob")
        direct = do_create_post(rt, people.alice, "@bob psst", visibility="direct")
        settle()
        event = ws.receive_json()
    assert (event["stream"], event["event"]) == (["direct"], "conversation")
    payload = json.loads(event["payload"])
    assert payload["last_status"]["id"] == str(direct)
    assert payload["unread"] is True
    assert [a["username"] for a in payload["accounts"]] == ["alice"]


def test_a_follower_not_mentioned_hears_nothing_of_a_direct_post_or_its_deletion(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.carol, people.alice)
    people.bob  # noqa: B018
    settle()
    with client.websocket_connect(
        f"/api/v1/streaming?stream=user&access_token={tokens.carol}"
    ) as ws:
        direct = do_create_post(rt, people.alice, "@bob secret", visibility="direct")
        settle()
        do_delete_post(rt, people.alice, direct)
        settle()
        marker = do_create_post(rt, people.alice, "public marker")
        settle()
        event = ws.receive_json()  # the first thing carol hears is the public post
    assert (event["event"], json.loads(event["payload"])["id"]) == ("update", str(marker))


def test_deleting_a_followers_only_post_is_not_announced_publicly(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    with client.websocket_connect("/api/v1/streaming?stream=public") as ws:
        private = do_create_post(rt, people.alice, "followers only", visibility="private")
        settle()
        do_delete_post(rt, people.alice, private)
        public = do_create_post(rt, people.alice, "for everyone")
        settle()
        first = ws.receive_json()  # before the delete: a deleted post's update is dropped
        do_delete_post(rt, people.alice, public)
        settle()
        second = ws.receive_json()
    assert (first["event"], json.loads(first["payload"])["id"]) == ("update", str(public))
    assert (second["event"], second["payload"]) == ("delete", str(public))


def test_each_stream_asks_for_its_own_scope(client: TestClient, tokens: Tokens) -> None:
    notes_only = tokens.issue("alice", "read:notifications")
    ok = client.get(f"/api/v1/streaming/public?access_token={notes_only}")
    assert ok.status_code == 403  # public posts need read:statuses
    refused = client.get(f"/api/v1/streaming/user?access_token={notes_only}")
    assert refused.status_code == 403
    statuses_only = tokens.issue("alice", "read:statuses")
    refused = client.get(f"/api/v1/streaming/user/notification?access_token={statuses_only}")
    assert refused.status_code == 403
