"""``/api/v1/notifications``, grouped ``/api/v2/notifications``, the policy and its
requests, and markers, as a Mastodon app calls them."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.posts.marks import do_favourite
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People

Settle = Callable[[], int]


def test_list_show_dismiss_and_clear(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    auth = tokens.auth("alice")
    post = do_create_post(rt, people.alice, "hello")
    do_favourite(rt, people.bob, post)
    do_follow(rt, people.carol, people.alice)
    mention = do_create_post(rt, people.dave, "hi @alice")
    settle()
    listed = client.get("/api/v1/notifications", headers=auth)
    assert listed.status_code == 200
    body = listed.json()
    assert [n["type"] for n in body] == ["mention", "follow", "favourite"]
    assert body[0]["status"]["id"] == str(mention)
    assert body[0]["account"]["username"] == "dave"
    assert "status" not in body[1]  # a follow carries no post, as in Mastodon
    assert body[2]["status"]["id"] == str(post)
    assert body[0]["group_key"].startswith("ungrouped-")
    assert body[2]["group_key"].startswith(f"favourite-{post}-")
    # paging by index, Link header onwards
    first = client.get("/api/v1/notifications?limit=1", headers=auth)
    assert [n["id"] for n in first.json()] == [body[0]["id"]]
    assert f"max_id={body[0]['id']}" in first.headers["link"]
    older = client.get(f"/api/v1/notifications?max_id={body[0]['id']}", headers=auth).json()
    assert [n["id"] for n in older] == [body[1]["id"], body[2]["id"]]
    newer = client.get(f"/api/v1/notifications?since_id={body[2]['id']}", headers=auth).json()
    assert len(newer) == 2
    # filters
    only = client.get("/api/v1/notifications?types[]=follow", headers=auth).json()
    assert [n["type"] for n in only] == ["follow"]
    without = client.get(
        "/api/v1/notifications?exclude_types[]=follow&exclude_types[]=mention", headers=auth
    ).json()
    assert [n["type"] for n in without] == ["favourite"]
    by = client.get(f"/api/v1/notifications?account_id={people.dave}", headers=auth).json()
    assert [n["type"] for n in by] == ["mention"]
    # one, dismiss one, then clear
    shown = client.get(f"/api/v1/notifications/{body[1]['id']}", headers=auth)
    assert shown.json()["type"] == "follow"
    assert (
        client.get(f"/api/v1/notifications/{body[1]['id']}", headers=tokens.auth("bob")).status_code
        == 404
    )
    assert client.post(f"/api/v1/notifications/{body[1]['id']}/dismiss", headers=auth).json() == {}
    assert client.get(f"/api/v1/notifications/{body[1]['id']}", headers=auth).status_code == 404
    assert client.post("/api/v1/notifications/clear", headers=auth).json() == {}
    assert client.get("/api/v1/notifications", headers=auth).json() == []


def test_notifications_need_the_scope(client: TestClient, tokens: Tokens) -> None:
    token = tokens.issue("alice", "read:statuses")
    response = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert client.get("/api/v1/notifications").status_code == 401


def test_unread_count_follows_the_marker(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    auth = tokens.auth("alice")
    for name in ("bob", "carol", "dave"):
        do_follow(rt, getattr(people, name), people.alice)
    settle()
    assert client.get("/api/v1/notifications/unread_count", headers=auth).json() == {"count": 3}
    ids = [n["id"] for n in client.get("/api/v1/notifications", headers=auth).json()]
    saved = client.post(
        "/api/v1/markers", data={"notifications[last_read_id]": ids[1]}, headers=auth
    )
    assert saved.status_code == 200
    assert saved.json()["notifications"]["last_read_id"] == ids[1]
    assert client.get("/api/v1/notifications/unread_count", headers=auth).json() == {"count": 1}
    assert client.get("/api/v2/notifications/unread_count", headers=auth).json() == {"count": 1}
    # markers: JSON body too, version bumps, GET reads them back
    again = client.post(
        "/api/v1/markers", json={"notifications": {"last_read_id": ids[0]}}, headers=auth
    ).json()
    assert again["notifications"]["version"] == 1
    markers = client.get(
        "/api/v1/markers?timeline[]=notifications&timeline[]=home", headers=auth
    ).json()
    assert list(markers) == ["notifications"]
    assert markers["notifications"]["last_read_id"] == ids[0]
    bad = client.post("/api/v1/markers", data={"home[last_read_id]": "x"}, headers=auth)
    assert bad.status_code == 422


def test_grouped_notifications(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    auth = tokens.auth("alice")
    post = do_create_post(rt, people.alice, "popular")
    for name in ("bob", "carol", "dave"):
        do_favourite(rt, getattr(people, name), post)
    mention = do_create_post(rt, people.erin, "hey @alice")
    settle()
    body = client.get("/api/v2/notifications", headers=auth).json()
    groups = body["notification_groups"]
    assert [(g["type"], g["notifications_count"]) for g in groups] == [
        ("mention", 1),
        ("favourite", 3),
    ]
    assert groups[0]["status_id"] == str(mention)
    assert groups[1]["status_id"] == str(post)
    assert len(groups[1]["sample_account_ids"]) == 3
    assert {a["username"] for a in body["accounts"]} == {"bob", "carol", "dave", "erin"}
    assert {s["id"] for s in body["statuses"]} == {str(post), str(mention)}
    # without grouping, each like is its own group
    flat = client.get("/api/v2/notifications?grouped_types[]=follow", headers=auth).json()
    assert len(flat["notification_groups"]) == 4
    # one group, and dismissing it
    key = groups[1]["group_key"]
    one = client.get(f"/api/v2/notifications/{key}", headers=auth).json()
    assert one["notification_groups"][0]["notifications_count"] == 3
    assert client.post(f"/api/v2/notifications/{key}/dismiss", headers=auth).json() == {}
    left = client.get("/api/v2/notifications", headers=auth).json()["notification_groups"]
    assert [g["type"] for g in left] == ["mention"]
    # paging: limit counts groups
    page = client.get("/api/v2/notifications?limit=1", headers=auth)
    assert len(page.json()["notification_groups"]) == 1


def test_policy_and_requests(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    auth = tokens.auth("alice")
    policy = client.get("/api/v2/notifications/policy", headers=auth).json()
    assert policy["for_not_following"] == "accept"
    assert policy["for_private_mentions"] == "filter"
    assert policy["summary"] == {"pending_requests_count": 0, "pending_notifications_count": 0}
    changed = client.patch(
        "/api/v2/notifications/policy", json={"for_not_following": "filter"}, headers=auth
    )
    assert changed.json()["for_not_following"] == "filter"
    bad = client.patch(
        "/api/v2/notifications/policy", json={"for_not_following": "maybe"}, headers=auth
    )
    assert bad.status_code == 422
    mention = do_create_post(rt, people.bob, "hello @alice, we have not met")
    settle()
    assert client.get("/api/v1/notifications", headers=auth).json() == []
    requests = client.get("/api/v1/notifications/requests", headers=auth).json()
    assert [(r["account"]["username"], r["notifications_count"]) for r in requests] == [
        ("bob", "1")
    ]
    assert requests[0]["last_status"]["id"] == str(mention)
    held = client.get(
        f"/api/v1/notifications?account_id={people.bob}&include_filtered=true", headers=auth
    ).json()
    assert [n["status"]["id"] for n in held] == [str(mention)]
    request_id = requests[0]["id"]
    shown = client.get(f"/api/v1/notifications/requests/{request_id}", headers=auth)
    assert shown.json()["id"] == request_id
    assert (
        client.post(f"/api/v1/notifications/requests/{request_id}/accept", headers=auth).json()
        == {}
    )
    assert [n["type"] for n in client.get("/api/v1/notifications", headers=auth).json()] == [
        "mention"
    ]
    assert client.get("/api/v1/notifications/requests", headers=auth).json() == []
    assert client.get("/api/v1/notifications/requests/merged", headers=auth).json() == {
        "merged": True
    }
    # dismissing a request drops what it held
    do_create_post(rt, people.carol, "and me @alice")
    settle()
    (carol_request,) = client.get("/api/v1/notifications/requests", headers=auth).json()
    dismissed = client.post(
        "/api/v1/notifications/requests/dismiss", data={"id[]": carol_request["id"]}, headers=auth
    )
    assert dismissed.json() == {}
    assert client.get("/api/v1/notifications/requests", headers=auth).json() == []
    types = [
        n["account"]["username"] for n in client.get("/api/v1/notifications", headers=auth).json()
    ]
    assert types == ["bob"]


def test_follow_with_notify_sets_notifying_and_notifies_of_posts(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    auth = tokens.auth("bob")
    followed = client.post(
        f"/api/v1/accounts/{people.alice}/follow", data={"notify": "true"}, headers=auth
    ).json()
    assert followed["following"]
    assert followed["notifying"]
    post = do_create_post(rt, people.alice, "new post")
    settle()
    notes = client.get("/api/v1/notifications?types[]=status", headers=auth).json()
    assert [n["status"]["id"] for n in notes] == [str(post)]
    off = client.post(
        f"/api/v1/accounts/{people.alice}/follow", json={"notify": False}, headers=auth
    ).json()
    assert off["following"]
    assert not off["notifying"]
