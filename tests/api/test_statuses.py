"""``/api/v1/statuses``: posting, reading, deleting, threads. What people do to a status is in
``test_status_interactions.py``; what stays hidden, in ``test_status_visibility.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.runtime import Runtime
from tests.api.conftest import Tokens, bearer
from tests.conftest import People


def post(client: TestClient, tokens: Tokens, who: str, text: str, **extra: Any) -> Any:
    response = client.post(
        "/api/v1/statuses", json={"status": text, **extra}, headers=tokens.auth(who)
    )
    assert response.status_code == 200, response.text
    return response.json()


def count_statuses(client: TestClient, tokens: Tokens, who: str) -> int:
    me = client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth(who))
    assert me.status_code == 200, me.text
    return int(me.json()["statuses_count"])


def home_ids(client: TestClient, tokens: Tokens, who: str) -> list[str]:
    response = client.get("/api/v1/timelines/home", headers=tokens.auth(who))
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


# -- posting ------------------------------------------------------------------------


def test_post_returns_a_mastodon_status(client: TestClient, tokens: Tokens, people: People) -> None:
    people.bob  # noqa: B018 (registers bob so the mention links)
    status = post(
        client, tokens, "alice", "Hello @bob, see #Roost", spoiler_text="cw", language="en"
    )
    assert isinstance(status["id"], str)
    assert status["account"]["username"] == "alice"
    assert status["visibility"] == "public"
    assert status["spoiler_text"] == "cw"
    assert status["sensitive"] is True
    assert status["language"] == "en"
    assert status["mentions"] == [
        {
            "id": str(people.bob),
            "username": "bob",
            "url": "http://roost.test/@bob",
            "acct": "bob",
        }
    ]
    assert status["tags"] == [{"name": "Roost", "url": "http://roost.test/tags/roost"}]
    assert status["url"] == f"http://roost.test/@alice/{status['id']}"
    assert status["application"] == {"name": "Test client", "website": None}
    for empty in ("media_attachments", "emojis"):
        assert status[empty] == []
    for null in ("poll", "card", "reblog", "in_reply_to_id", "edited_at", "quote"):
        assert status[null] is None
    assert status["favourited"] is False
    assert status["bookmarked"] is False
    assert status["pinned"] is False
    assert "text" not in status
    assert 'href="http://roost.test/@bob"' in status["content"]


def test_281_characters_are_rejected_and_nothing_is_created(
    client: TestClient, tokens: Tokens
) -> None:
    response = client.post(
        "/api/v1/statuses", json={"status": "x" * 281}, headers=tokens.auth("alice")
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("Validation failed")
    assert body["details"]["status"][0]["error"] == "ERR_TOO_LONG"
    assert count_statuses(client, tokens, "alice") == 0
    assert home_ids(client, tokens, "alice") == []


def test_blank_status_is_rejected(client: TestClient, tokens: Tokens) -> None:
    for body in ({"status": "   "}, {}):
        response = client.post("/api/v1/statuses", json=body, headers=tokens.auth("alice"))
        assert response.status_code == 422
        assert "error" in response.json()
    assert count_statuses(client, tokens, "alice") == 0


def test_a_long_url_counts_as_23_characters(client: TestClient, tokens: Tokens) -> None:
    url = "https://example.com/" + "a" * 200
    text = "x" * 256 + " " + url  # 256 + 1 + 23 = 280
    status = post(client, tokens, "alice", text)
    assert url in status["content"]
    too_long = client.post(
        "/api/v1/statuses", json={"status": "x" + text}, headers=tokens.auth("alice")
    )
    assert too_long.status_code == 422


def test_bad_parameters_are_4xx_and_change_nothing(client: TestClient, tokens: Tokens) -> None:
    auth = tokens.auth("alice")
    cases = [
        ({"status": "hi", "visibility": "everyone"}, 422),
        ({"status": "hi", "in_reply_to_id": "not-a-number"}, 404),
        ({"status": "hi", "in_reply_to_id": "12345"}, 404),
        ({"status": "hi", "quoted_status_id": "12345"}, 404),
        ({"status": "hi", "sensitive": "perhaps"}, 422),
        ({"status": "nul \u0000 byte"}, 422),
        ({"status": "hi", "spoiler_text": "\u0000"}, 422),
        ({"status": {"an": "object"}}, 422),
        ({"status": "hi", "media_ids": ["123"]}, 422),
        ({"status": "hi", "poll": {"options": ["a"], "expires_in": 3600}}, 422),
        ({"status": "hi", "poll": {"options": ["a", "b", "c", "d", "e"], "expires_in": 3600}}, 422),
        ({"status": "hi", "poll": {"options": ["a", "b" * 51], "expires_in": 3600}}, 422),
        ({"status": "hi", "poll": {"options": ["a", "b"], "expires_in": 299}}, 422),
        ({"status": "hi", "poll": {"options": ["a", "b"], "expires_in": 7 * 86400 + 1}}, 422),
        ({"status": "hi", "scheduled_at": "2020-01-01T00:00:00Z"}, 422),
        ({"status": "hi", "scheduled_at": "tomorrow"}, 422),
        ({"status": ["a", "list"]}, 200),  # form-style repeats: the first value wins
    ]
    for body, expected in cases[:-1]:
        response = client.post("/api/v1/statuses", json=body, headers=auth)
        assert response.status_code == expected, (body, response.text)
        assert "error" in response.json()
    assert count_statuses(client, tokens, "alice") == 0
    not_json = client.post(
        "/api/v1/statuses",
        content=b"{nope",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400
    form_poll = client.post(  # no poll[expires_in]
        "/api/v1/statuses", data={"status": "hi", "poll[options][]": ["a", "b"]}, headers=auth
    )
    assert form_poll.status_code == 422
    empty_media = client.post(
        "/api/v1/statuses", json={"status": "fine", "media_ids": []}, headers=auth
    )
    assert empty_media.status_code == 200
    assert count_statuses(client, tokens, "alice") == 1


def test_posting_needs_a_user_token_with_write_scope(client: TestClient, tokens: Tokens) -> None:
    assert client.post("/api/v1/statuses", json={"status": "hi"}).status_code == 401
    read_only = tokens.issue("alice", "read")
    response = client.post("/api/v1/statuses", json={"status": "hi"}, headers=bearer(read_only))
    assert response.status_code == 403
    app_only = tokens.app_token("read write")
    response = client.post("/api/v1/statuses", json={"status": "hi"}, headers=bearer(app_only))
    assert response.status_code == 422
    narrow = tokens.issue("alice", "write:statuses")
    response = client.post("/api/v1/statuses", json={"status": "hi"}, headers=bearer(narrow))
    assert response.status_code == 200
    assert count_statuses(client, tokens, "alice") == 1


def test_idempotency_key_makes_a_retry_post_once(
    client: TestClient, tokens: Tokens, settle: Callable[[], int]
) -> None:
    headers = {**tokens.auth("alice"), "Idempotency-Key": "retry-1"}
    first = client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
    second = client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
    assert first.json()["id"] == second.json()["id"]
    other = client.post(
        "/api/v1/statuses",
        json={"status": "once"},
        headers={**tokens.auth("bob"), "Idempotency-Key": "retry-1"},
    )
    assert other.json()["id"] != first.json()["id"]  # keys belong to one account
    settle()
    assert home_ids(client, tokens, "alice") == [first.json()["id"]]
    assert count_statuses(client, tokens, "alice") == 1


def test_html_in_a_post_is_escaped(client: TestClient, tokens: Tokens) -> None:
    status = post(client, tokens, "alice", '<script>alert(1)</script> <img src=x onerror="y">')
    assert "<script" not in status["content"]
    assert "<img" not in status["content"]
    assert "&lt;script&gt;" in status["content"]
    shown = client.get(f"/api/v1/statuses/{status['id']}").json()
    assert "<script" not in shown["content"]


# -- reading and deleting -----------------------------------------------------------


def test_anonymous_viewers_get_no_viewer_fields(client: TestClient, tokens: Tokens) -> None:
    status = post(client, tokens, "alice", "hello")
    shown = client.get(f"/api/v1/statuses/{status['id']}")
    assert shown.status_code == 200
    body = shown.json()
    assert body["id"] == status["id"]
    for viewer_field in ("favourited", "reblogged", "bookmarked", "muted", "pinned"):
        assert viewer_field not in body


def test_unknown_or_malformed_ids_are_not_found(client: TestClient) -> None:
    for raw in ("999", "abc", "-1", str(2**64)):
        response = client.get(f"/api/v1/statuses/{raw}")
        assert response.status_code == 404, raw
        assert response.json() == {"error": "Record not found"}


def test_delete_returns_the_source_and_leaves_followers_timelines(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # given
    do_follow(rt, people.bob, people.alice)
    status = post(client, tokens, "alice", "soon gone #bye")
    settle()
    assert home_ids(client, tokens, "bob") == [status["id"]]
    # when
    response = client.delete(f"/api/v1/statuses/{status['id']}", headers=tokens.auth("alice"))
    settle()
    # then
    assert response.status_code == 200
    assert response.json()["text"] == "soon gone #bye"
    assert response.json()["id"] == status["id"]
    assert home_ids(client, tokens, "bob") == []
    assert client.get(f"/api/v1/statuses/{status['id']}").status_code == 404
    assert client.get("/api/v1/timelines/tag/bye").json() == []
    assert count_statuses(client, tokens, "alice") == 0


def test_only_the_author_can_delete(client: TestClient, tokens: Tokens) -> None:
    status = post(client, tokens, "alice", "mine")
    response = client.delete(f"/api/v1/statuses/{status['id']}", headers=tokens.auth("bob"))
    assert response.status_code == 404
    assert client.get(f"/api/v1/statuses/{status['id']}").status_code == 200


def test_context_orders_the_thread(client: TestClient, tokens: Tokens) -> None:
    root = post(client, tokens, "alice", "root")
    first = post(client, tokens, "bob", "first reply", in_reply_to_id=root["id"])
    second = post(client, tokens, "carol", "second reply", in_reply_to_id=root["id"])
    nested = post(client, tokens, "alice", "reply to first", in_reply_to_id=first["id"])
    assert first["in_reply_to_id"] == root["id"]
    assert first["in_reply_to_account_id"] == root["account"]["id"]

    context = client.get(f"/api/v1/statuses/{root['id']}/context").json()
    assert context["ancestors"] == []
    assert [s["id"] for s in context["descendants"]] == [first["id"], nested["id"], second["id"]]

    context = client.get(f"/api/v1/statuses/{nested['id']}/context").json()
    assert [s["id"] for s in context["ancestors"]] == [root["id"], first["id"]]
    assert context["descendants"] == []

    shown = client.get(f"/api/v1/statuses/{root['id']}").json()
    assert shown["replies_count"] == 2


# -- schema ---------------------------------------------------------------------------


def test_statuses_match_the_published_schema(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    # given: a reply, a quote and a repost of the quote, seen signed in and anonymously
    root = post(client, tokens, "alice", "root #tag")
    reply = post(client, tokens, "bob", "@alice reply", in_reply_to_id=root["id"])
    quote = post(client, tokens, "carol", "quoting", quoted_status_id=reply["id"])
    reblog = client.post(f"/api/v1/statuses/{quote['id']}/reblog", headers=tokens.auth("dave"))
    schemas = client.get("/openapi.json").json()["components"]
    status_schema = {"$ref": "#/components/schemas/Status", "components": schemas}
    context_schema = {"$ref": "#/components/schemas/Context", "components": schemas}
    validator = Draft202012Validator(status_schema)
    # then
    for headers in ({}, tokens.auth("alice")):
        for status_id in (root["id"], reply["id"], quote["id"], reblog.json()["id"]):
            validator.validate(client.get(f"/api/v1/statuses/{status_id}", headers=headers).json())
        context = client.get(f"/api/v1/statuses/{reply['id']}/context", headers=headers).json()
        Draft202012Validator(context_schema).validate(context)
    deleted = client.delete(f"/api/v1/statuses/{quote['id']}", headers=tokens.auth("carol"))
    validator.validate(deleted.json())


def test_many_statuses_at_once_shows_only_the_visible(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    first = post(client, tokens, "alice", "one")
    hidden = post(client, tokens, "alice", "hidden", visibility="private")
    second = post(client, tokens, "alice", "two")
    asked = [second["id"], hidden["id"], "junk", "²", "999", first["id"], second["id"]]
    response = client.get("/api/v1/statuses", params={"id[]": asked})
    assert [s["id"] for s in response.json()] == [second["id"], first["id"]]
    mine = client.get("/api/v1/statuses", params={"id[]": asked}, headers=tokens.auth("alice"))
    assert [s["id"] for s in mine.json()] == [second["id"], hidden["id"], first["id"]]
    too_many = client.get("/api/v1/statuses", params={"id[]": [str(i) for i in range(1, 42)]})
    assert too_many.status_code == 422
