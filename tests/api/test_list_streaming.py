"""The list stream: a list's owner hears its members' posts and their deletions live;
nobody else may listen."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.lists.actions import do_add_list_accounts, do_create_list
from roost.posts.actions import do_create_post, do_delete_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People


def test_list_stream_carries_members_posts_and_deletions(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    # given
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.alice, people.carol)
    list_id = do_create_list(rt, people.alice, "Friends")
    do_add_list_accounts(rt, people.alice, list_id, [people.bob])
    settle()
    url = f"/api/v1/streaming?stream=list&list={list_id}&access_token={tokens.alice}"
    with client.websocket_connect(url) as ws:
        # when: a non-member posts first, then a member, who then deletes it
        do_create_post(rt, people.carol, "not in the list")
        post = do_create_post(rt, people.bob, "in the list")
        settle()
        update = ws.receive_json()
        do_delete_post(rt, people.bob, post)
        settle()
        deletion = ws.receive_json()
    # then
    assert update["stream"] == ["list", str(list_id)]
    assert update["event"] == "update"
    assert json.loads(update["payload"])["id"] == str(post)
    assert (deletion["event"], deletion["payload"]) == ("delete", str(post))


def test_only_the_owner_may_listen_to_a_list(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime
) -> None:
    list_id = do_create_list(rt, people.alice, "Friends")
    with client.websocket_connect(f"/api/v1/streaming?access_token={tokens.bob}") as ws:
        ws.send_text(json.dumps({"type": "subscribe", "stream": "list", "list": str(list_id)}))
        assert ws.receive_json() == {"error": "Record not found"}
    sse = client.get(f"/api/v1/streaming/list?list={list_id}", headers=tokens.auth("bob"))
    assert sse.status_code == 404
    assert (
        client.get("/api/v1/streaming/list?list=12", headers=tokens.auth("alice")).status_code
        == 404
    )
    assert client.get(f"/api/v1/streaming/list?list={list_id}").status_code == 401
