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


def test_a_put_without_poll_removes_it_and_unknown_media_is_refused(
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


def test_source_needs_a_token_and_history_of_a_private_post_is_not_found(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    auth = tokens.auth("alice")
    public = client.post("/api/v1/statuses", json={"status": "open"}, headers=auth).json()
    private = client.post(
        "/api/v1/statuses", json={"status": "closed", "visibility": "private"}, headers=auth
    ).json()
    assert client.get(f"/api/v1/statuses/{public['id']}/source").status_code == 401
    assert client.get(f"/api/v1/statuses/{public['id']}/history").status_code == 200
    for path in ("history", "source"):
        hidden = client.get(
            f"/api/v1/statuses/{private['id']}/{path}", headers=tokens.auth("mallory")
        )
        assert hidden.status_code == 404
        assert "closed" not in hidden.text
    poll_post = client.post(
        "/api/v1/statuses",
        json={
            "status": "private poll",
            "visibility": "private",
            "poll": {"options": ["a", "b"], "expires_in": 600},
        },
        headers=auth,
    ).json()
    poll_url = f"/api/v1/polls/{poll_post['poll']['id']}"
    assert client.get(poll_url, headers=tokens.auth("mallory")).status_code == 404
    vote = client.post(f"{poll_url}/votes", json={"choices": [0]}, headers=tokens.auth("mallory"))
    assert vote.status_code == 404


def test_an_edit_is_searchable_by_its_new_words(client: TestClient, tokens: Tokens) -> None:
    auth = tokens.auth("alice")
    posted = client.post("/api/v1/statuses", json={"status": "aubergine soup"}, headers=auth)
    client.put(
        f"/api/v1/statuses/{posted.json()['id']}",
        json={"status": "courgette soup", "poll": {"options": ["yes", "no"], "expires_in": 600}},
        headers=auth,
    )

    def found(q: str) -> list[str]:
        body = client.get("/api/v2/search", params={"q": q, "type": "statuses"}, headers=auth)
        return [s["id"] for s in body.json()["statuses"]]

    assert found("courgette") == [posted.json()["id"]]
    assert found("aubergine") == []
    assert found("soup has:poll") == [posted.json()["id"]]
