"""Edits through the API: the ``status.update`` event reaches the streams the post
went to (a follower's user stream, the hashtag stream), and nobody else's."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People


def test_an_edit_is_a_status_update_on_the_user_stream(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.bob, people.alice)
    posted = client.post("/api/v1/statuses", json={"status": "v1"}, headers=tokens.auth("alice"))
    settle()
    with client.websocket_connect(f"/api/v1/streaming?stream=user&access_token={tokens.bob}") as ws:
        edited = client.put(
            f"/api/v1/statuses/{posted.json()['id']}",
            json={"status": "v2"},
            headers=tokens.auth("alice"),
        )
        assert edited.status_code == 200, edited.text
        settle()
        event = ws.receive_json()
    assert event["event"] == "status.update"
    payload = json.loads(event["payload"])
    assert payload["id"] == posted.json()["id"]
    assert "v2" in payload["content"]
    assert payload["edited_at"] is not None


def test_an_edit_reaches_the_hashtag_stream(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    posted = client.post(
        "/api/v1/statuses", json={"status": "chat #hcsm"}, headers=tokens.auth("alice")
    )
    settle()
    with client.websocket_connect(f"/api/v1/streaming?access_token={tokens.bob}") as ws:
        ws.send_text(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "hcsm"}))
        ws.send_text(json.dumps({"type": "subscribe", "stream": "nonsense"}))
        assert ws.receive_json() == {"error": "Unknown stream type"}
        client.put(
            f"/api/v1/statuses/{posted.json()['id']}",
            json={"status": "chat #hcsm, edited"},
            headers=tokens.auth("alice"),
        )
        settle()
        event = ws.receive_json()
    assert event["event"] == "status.update"
    assert event["stream"] == ["hashtag", "hcsm"]


def test_a_put_without_poll_removes_it_and_media_is_refused(
    client: TestClient, tokens: Tokens
) -> None:
    auth = tokens.auth("alice")
    posted = client.post(
        "/api/v1/statuses",
        json={"status": "q", "poll": {"options": ["a", "b"], "expires_in": 600}},
        headers=auth,
    ).json()
    url = f"/api/v1/statuses/{posted['id']}"
    assert (
        client.put(url, json={"status": "q", "media_ids": ["1"]}, headers=auth).status_code == 422
    )
    kept = client.put(
        url, json={"status": "q2", "poll": {"options": ["a", "b"], "expires_in": 600}}, headers=auth
    ).json()
    assert kept["poll"]["id"] == posted["poll"]["id"]
    removed = client.put(url, json={"status": "q3"}, headers=auth).json()
    assert removed["poll"] is None
    assert client.put(url, json={"status": ""}, headers=auth).status_code == 422
