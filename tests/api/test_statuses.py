"""``/api/v1/statuses``: posting, reading, deleting, threads, marks, and what stays hidden."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import update
from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post, do_favourite, do_reblog
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.schema import utcnow
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
    if me.status_code == 200:
        return int(me.json()["statuses_count"])
    raise AssertionError(me.text)


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
        ({"status": "hi", "poll": {"options": ["a", "b"], "expires_in": 3600}}, 422),
        ({"status": "hi", "scheduled_at": "2099-01-01T00:00:00Z"}, 422),
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
    form_poll = client.post(
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


# -- favourites, reblogs, bookmarks, pins ---------------------------------------------


def test_favourite_and_unfavourite_keep_the_count(client: TestClient, tokens: Tokens) -> None:
    status = post(client, tokens, "alice", "like me")
    url = f"/api/v1/statuses/{status['id']}"
    for who in ("bob", "carol", "bob"):  # the second favourite by bob changes nothing
        response = client.post(f"{url}/favourite", headers=tokens.auth(who))
        assert response.status_code == 200
        assert response.json()["favourited"] is True
    assert client.get(url).json()["favourites_count"] == 2
    response = client.post(f"{url}/unfavourite", headers=tokens.auth("bob"))
    assert response.json()["favourited"] is False
    assert response.json()["favourites_count"] == 1
    liked_by = client.get(f"{url}/favourited_by").json()
    assert [a["username"] for a in liked_by] == ["carol"]


def test_reblog_wraps_the_original_and_unreblog_undoes_it(
    client: TestClient, tokens: Tokens, settle: Callable[[], int]
) -> None:
    status = post(client, tokens, "alice", "share me")
    url = f"/api/v1/statuses/{status['id']}"
    response = client.post(f"{url}/reblog", headers=tokens.auth("bob"))
    assert response.status_code == 200
    reblog = response.json()
    assert reblog["id"] != status["id"]
    assert reblog["account"]["username"] == "bob"
    assert reblog["reblog"]["id"] == status["id"]
    assert reblog["reblog"]["reblogged"] is True
    assert reblog["reblog"]["reblogs_count"] == 1
    assert reblog["content"] == ""
    assert [a["username"] for a in client.get(f"{url}/reblogged_by").json()] == ["bob"]

    # favouriting the repost favourites the original
    client.post(f"/api/v1/statuses/{reblog['id']}/favourite", headers=tokens.auth("carol"))
    assert client.get(url).json()["favourites_count"] == 1

    undone = client.post(f"{url}/unreblog", headers=tokens.auth("bob"))
    assert undone.status_code == 200
    assert undone.json()["id"] == status["id"]
    assert undone.json()["reblogged"] is False
    assert undone.json()["reblogs_count"] == 0
    assert client.get(f"/api/v1/statuses/{reblog['id']}").status_code == 404
    assert client.get(f"{url}/reblogged_by").json() == []


def test_deleting_the_original_removes_its_reblogs_and_counts(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.carol, people.bob)
    status = post(client, tokens, "alice", "short-lived")
    reblog = client.post(
        f"/api/v1/statuses/{status['id']}/reblog", headers=tokens.auth("bob")
    ).json()
    settle()
    assert home_ids(client, tokens, "carol") == [reblog["id"]]
    assert count_statuses(client, tokens, "bob") == 1
    client.delete(f"/api/v1/statuses/{status['id']}", headers=tokens.auth("alice"))
    settle()
    assert home_ids(client, tokens, "carol") == []
    assert client.get(f"/api/v1/statuses/{reblog['id']}").status_code == 404
    assert count_statuses(client, tokens, "bob") == 0


def test_bookmark_and_pin(client: TestClient, tokens: Tokens) -> None:
    status = post(client, tokens, "alice", "keep")
    url = f"/api/v1/statuses/{status['id']}"
    assert client.post(f"{url}/bookmark", headers=tokens.auth("bob")).json()["bookmarked"]
    assert client.get(url, headers=tokens.auth("bob")).json()["bookmarked"] is True
    assert client.get(url, headers=tokens.auth("carol")).json()["bookmarked"] is False
    assert not client.post(f"{url}/unbookmark", headers=tokens.auth("bob")).json()["bookmarked"]

    assert client.post(f"{url}/pin", headers=tokens.auth("alice")).json()["pinned"] is True
    assert client.post(f"{url}/pin", headers=tokens.auth("bob")).status_code == 422
    assert "pinned" not in client.get(url, headers=tokens.auth("bob")).json()
    assert client.post(f"{url}/unpin", headers=tokens.auth("alice")).json()["pinned"] is False


def test_pins_are_limited_and_only_for_public_own_posts(client: TestClient, tokens: Tokens) -> None:
    auth = tokens.auth("alice")
    ids = [post(client, tokens, "alice", f"pin {i}")["id"] for i in range(6)]
    for status_id in ids[:5]:
        assert client.post(f"/api/v1/statuses/{status_id}/pin", headers=auth).status_code == 200
    sixth = client.post(f"/api/v1/statuses/{ids[5]}/pin", headers=auth)
    assert sixth.status_code == 422
    assert client.get(f"/api/v1/statuses/{ids[5]}", headers=auth).json()["pinned"] is False
    direct = post(client, tokens, "alice", "secret", visibility="direct")
    client.post(f"/api/v1/statuses/{ids[0]}/unpin", headers=auth)
    assert client.post(f"/api/v1/statuses/{direct['id']}/pin", headers=auth).status_code == 422


def test_marks_on_a_missing_post_are_not_found(client: TestClient, tokens: Tokens) -> None:
    for action in ("favourite", "reblog", "bookmark", "pin", "unfavourite", "unreblog"):
        response = client.post(f"/api/v1/statuses/424242/{action}", headers=tokens.auth("bob"))
        assert response.status_code == 404, action
        assert "error" in response.json()


def test_favourited_by_pages_with_link_headers(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    status = post(client, tokens, "alice", "popular")
    fans = ["bob", "carol", "dave"]
    for name in fans:
        do_favourite(rt, getattr(people, name), int(status["id"]))
    url = f"/api/v1/statuses/{status['id']}/favourited_by"
    first = client.get(url, params={"limit": 2})
    assert [a["username"] for a in first.json()] == ["dave", "carol"]
    next_url = first.links["next"]["url"]
    second = client.get(next_url)
    assert [a["username"] for a in second.json()] == ["bob"]


# -- quotes -------------------------------------------------------------------------


def test_quote_posts_carry_the_quoted_status(client: TestClient, tokens: Tokens) -> None:
    original = post(client, tokens, "alice", "quotable")
    quote = post(client, tokens, "bob", "so true", quoted_status_id=original["id"])
    assert original["quote_approval"] == {
        "automatic": ["public"],
        "manual": [],
        "current_user": "automatic",
    }
    assert quote["quote"]["state"] == "accepted"
    assert quote["quote"]["quoted_status"]["id"] == original["id"]
    legacy = post(client, tokens, "carol", "indeed", quote_id=original["id"])
    assert legacy["quote"]["quoted_status"]["id"] == original["id"]
    # a quote of a quote shows the inner one shallowly
    outer = post(client, tokens, "dave", "meta", quoted_status_id=quote["id"])
    inner = outer["quote"]["quoted_status"]
    assert inner["quote"] == {"state": "accepted", "quoted_status_id": original["id"]}


def test_private_posts_cannot_be_quoted_or_reblogged(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    do_follow(rt, people.bob, people.alice)
    private = post(client, tokens, "alice", "followers only", visibility="private")
    assert private["quote_approval"]["current_user"] == "denied"
    response = client.post(
        "/api/v1/statuses",
        json={"status": "look", "quoted_status_id": private["id"]},
        headers=tokens.auth("bob"),
    )
    assert response.status_code == 422
    response = client.post(f"/api/v1/statuses/{private['id']}/reblog", headers=tokens.auth("bob"))
    assert response.status_code == 403
    assert count_statuses(client, tokens, "bob") == 0


# -- visibility ---------------------------------------------------------------------


def test_followers_only_post_is_hidden_from_non_followers(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # given: bob follows alice, carol does not
    do_follow(rt, people.bob, people.alice)
    root = post(client, tokens, "alice", "public root #news")
    private = post(
        client,
        tokens,
        "alice",
        "followers only #news",
        visibility="private",
        in_reply_to_id=root["id"],
    )
    settle()
    url = f"/api/v1/statuses/{private['id']}"
    # then: the follower sees it everywhere it belongs
    assert client.get(url, headers=tokens.auth("bob")).status_code == 200
    assert private["id"] in home_ids(client, tokens, "bob")
    bob_context = client.get(f"/api/v1/statuses/{root['id']}/context", headers=tokens.auth("bob"))
    assert [s["id"] for s in bob_context.json()["descendants"]] == [private["id"]]
    by_alice = client.get(f"/api/v1/accounts/{people.alice}/statuses", headers=tokens.auth("bob"))
    assert [s["id"] for s in by_alice.json()] == [private["id"], root["id"]]
    # and nobody else does, anywhere
    for headers in ({}, tokens.auth("carol")):
        assert client.get(url, headers=headers).status_code == 404
        assert client.get(f"{url}/context", headers=headers).status_code == 404
        assert client.get(f"{url}/favourited_by", headers=headers).status_code == 404
        context = client.get(f"/api/v1/statuses/{root['id']}/context", headers=headers).json()
        assert context["descendants"] == []
        for timeline in ("/api/v1/timelines/public", "/api/v1/timelines/tag/news"):
            ids = [s["id"] for s in client.get(timeline, headers=headers).json()]
            assert ids == [root["id"]], timeline
        statuses = client.get(f"/api/v1/accounts/{people.alice}/statuses", headers=headers)
        assert statuses.status_code == 200
        assert [s["id"] for s in statuses.json()] == [root["id"]]
    assert private["id"] not in home_ids(client, tokens, "carol")
    for action in ("favourite", "bookmark", "reblog"):
        response = client.post(f"{url}/{action}", headers=tokens.auth("carol"))
        assert response.status_code == 404, action
    reply = client.post(
        "/api/v1/statuses",
        json={"status": "guess", "in_reply_to_id": private["id"]},
        headers=tokens.auth("carol"),
    )
    assert reply.status_code == 404


def test_direct_post_is_seen_only_by_author_and_mentioned(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    people.bob  # noqa: B018 (exists before the mention)
    do_follow(rt, people.carol, people.alice)  # a follower is not a recipient
    direct = post(client, tokens, "alice", "@bob just us", visibility="direct")
    settle()
    url = f"/api/v1/statuses/{direct['id']}"
    assert client.get(url, headers=tokens.auth("alice")).status_code == 200
    assert client.get(url, headers=tokens.auth("bob")).status_code == 200
    for headers in ({}, tokens.auth("carol"), tokens.auth("dave")):
        assert client.get(url, headers=headers).status_code == 404
        assert client.get(f"{url}/context", headers=headers).status_code == 404
        assert client.get("/api/v1/timelines/public", headers=headers).json() == []
    assert direct["id"] not in home_ids(client, tokens, "carol")
    # a reply in the conversation stays in it
    reply = post(
        client, tokens, "bob", "@alice ok", visibility="direct", in_reply_to_id=direct["id"]
    )
    context = client.get(url + "/context", headers=tokens.auth("carol"))
    assert context.status_code == 404
    context = client.get(url + "/context", headers=tokens.auth("alice")).json()
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]


def test_a_quote_of_a_post_that_became_hidden_reveals_nothing(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    original = do_create_post(rt, people.alice, "public for now")
    quote = post(client, tokens, "bob", "look", quoted_status_id=str(original))
    # no edit API yet: hide it the way an edit of the visibility would
    with rt.db.write() as tx:
        tx.conn.execute(
            update(posts)
            .where(posts.c.id == original)
            .values(visibility="private", edited_at=utcnow())
        )
    shown = client.get(f"/api/v1/statuses/{quote['id']}", headers=tokens.auth("carol")).json()
    assert shown["quote"] == {"state": "unauthorized", "quoted_status": None}
    assert "public for now" not in str(shown)
    reblog_id = do_reblog(rt, people.dave, int(quote["id"]))
    wrapped = client.get(f"/api/v1/statuses/{reblog_id}", headers=tokens.auth("carol")).json()
    assert wrapped["reblog"]["quote"] == {"state": "unauthorized", "quoted_status": None}


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
