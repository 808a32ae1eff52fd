"""``/api/v1/conversations``: a direct post and its replies form one conversation per
participant; reading, removing and the return of a removed one."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post, do_delete_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People

Settle = Callable[[], int]


def inbox(client: TestClient, tokens: Tokens, name: str) -> list[dict[str, object]]:
    response = client.get("/api/v1/conversations", headers=tokens.auth(name))
    assert response.status_code == 200
    body: list[dict[str, object]] = response.json()
    return body


def names(conversation: dict[str, object]) -> set[str]:
    accounts = conversation["accounts"]
    assert isinstance(accounts, list)
    return {a["username"] for a in accounts}


def last_id(conversation: dict[str, object]) -> str:
    status = conversation["last_status"]
    assert isinstance(status, dict)
    return str(status["id"])


def test_three_way_direct_conversation_with_a_reply(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    people.bob, people.carol  # noqa: B018 -- registered before they are mentioned
    first = do_create_post(rt, people.alice, "@bob @carol lunch?", visibility="direct")
    settle()
    (alice_view,) = inbox(client, tokens, "alice")
    (bob_view,) = inbox(client, tokens, "bob")
    (carol_view,) = inbox(client, tokens, "carol")
    assert names(alice_view) == {"bob", "carol"}
    assert names(bob_view) == {"alice", "carol"}
    assert not alice_view["unread"]
    assert bob_view["unread"]
    assert carol_view["unread"]
    assert last_id(bob_view) == str(first)
    reply = do_create_post(
        rt, people.bob, "@alice @carol yes!", visibility="direct", in_reply_to_id=first
    )
    settle()
    for name in ("alice", "bob", "carol"):
        (view,) = inbox(client, tokens, name)  # the reply stays in the one conversation
        assert last_id(view) == str(reply)
    (alice_view,) = inbox(client, tokens, "alice")
    assert alice_view["unread"]
    read = client.post(
        f"/api/v1/conversations/{alice_view['id']}/read", headers=tokens.auth("alice")
    )
    assert read.status_code == 200
    assert read.json()["unread"] is False
    assert not inbox(client, tokens, "alice")[0]["unread"]
    # nobody else can touch someone's conversation
    other = client.post(
        f"/api/v1/conversations/{alice_view['id']}/read", headers=tokens.auth("dave")
    )
    assert other.status_code == 404
    assert inbox(client, tokens, "dave") == []


def test_removed_conversation_returns_with_the_next_message(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    people.bob  # noqa: B018
    first = do_create_post(rt, people.alice, "@bob psst", visibility="direct")
    settle()
    (bob_view,) = inbox(client, tokens, "bob")
    removed = client.delete(f"/api/v1/conversations/{bob_view['id']}", headers=tokens.auth("bob"))
    assert removed.json() == {}
    assert inbox(client, tokens, "bob") == []
    assert len(inbox(client, tokens, "alice")) == 1  # removed for bob only
    again = do_create_post(
        rt, people.alice, "@bob still there?", visibility="direct", in_reply_to_id=first
    )
    settle()
    (back,) = inbox(client, tokens, "bob")
    assert last_id(back) == str(again)
    assert back["unread"]


def test_deleting_the_last_message_points_back_or_removes(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    people.bob  # noqa: B018
    first = do_create_post(rt, people.alice, "@bob one", visibility="direct")
    second = do_create_post(rt, people.alice, "@bob two", visibility="direct", in_reply_to_id=first)
    settle()
    do_delete_post(rt, people.alice, second)
    settle()
    assert last_id(inbox(client, tokens, "bob")[0]) == str(first)
    do_delete_post(rt, people.alice, first)
    settle()
    assert inbox(client, tokens, "bob") == []


def test_direct_posts_stay_out_of_every_other_list(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    do_follow(rt, people.carol, people.alice)
    people.bob  # noqa: B018
    secret = str(do_create_post(rt, people.alice, "@bob #secret just us", visibility="direct"))
    settle()
    carol = tokens.auth("carol")
    for path in (
        "/api/v1/timelines/home",
        "/api/v1/timelines/public",
        "/api/v1/timelines/tag/secret",
        f"/api/v1/accounts/{people.alice}/statuses",
    ):
        ids = [s["id"] for s in client.get(path, headers=carol).json()]
        assert secret not in ids, path
    assert client.get(f"/api/v1/statuses/{secret}", headers=carol).status_code == 404
    assert client.get("/api/v1/notifications", headers=carol).json() == []
    assert inbox(client, tokens, "carol") == []
    bob_ids = [
        s["id"]
        for s in client.get(
            f"/api/v1/accounts/{people.alice}/statuses", headers=tokens.auth("bob")
        ).json()
    ]
    assert secret in bob_ids


def test_conversations_page_by_newest_message(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    people.bob, people.carol  # noqa: B018
    do_create_post(rt, people.alice, "@bob older", visibility="direct")
    newer = do_create_post(rt, people.alice, "@carol newer", visibility="direct")
    settle()
    page = client.get("/api/v1/conversations?limit=1", headers=tokens.auth("alice"))
    (top,) = page.json()
    assert last_id(top) == str(newer)
    assert f"max_id={newer}" in page.headers["link"]
    rest = client.get(f"/api/v1/conversations?max_id={newer}", headers=tokens.auth("alice")).json()
    assert names(rest[0]) == {"bob"}
