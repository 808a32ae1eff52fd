"""What stays hidden: followers-only and direct posts, everywhere a status can appear."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.api.conftest import Tokens
from tests.api.test_statuses import home_ids, post
from tests.conftest import People

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
