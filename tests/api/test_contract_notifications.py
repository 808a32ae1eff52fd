"""Contract: notifications (flat and grouped), the policy and its requests, markers
and conversations answer Mastodon's entities."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.posts.marks import do_favourite
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People

Settle = Callable[[], int]


@covers(
    "GET /api/v1/notifications",
    "GET /api/v1/notifications/{id}",
    "POST /api/v1/notifications/{id}/dismiss",
    "POST /api/v1/notifications/clear",
    "GET /api/v1/notifications/unread_count",
    "GET /api/v2/notifications",
    "GET /api/v2/notifications/unread_count",
    "GET /api/v2/notifications/{group_key}",
    "POST /api/v2/notifications/{group_key}/dismiss",
)
def test_notifications(api: Api, people: People, rt: Runtime, settle: Settle) -> None:
    post = do_create_post(rt, people.alice, "hello")
    do_favourite(rt, people.bob, post)
    do_favourite(rt, people.carol, post)
    do_follow(rt, people.dave, people.alice)
    do_create_post(rt, people.dave, "hi @alice")
    settle()
    listed = api.call("GET", "/api/v1/notifications", "[Notification]", paginated=True)
    assert [n["type"] for n in listed] == ["mention", "follow", "favourite", "favourite"]
    assert "status" not in listed[1]
    api.call("GET", "/api/v1/notifications", "Error", status=401, who=None)
    one = api.call("GET", "/api/v1/notifications/{id}", "Notification", at=listed[0])
    assert one["id"] == listed[0]["id"]
    api.call("GET", "/api/v1/notifications/{id}", "Error", status=404, at={"id": 4242})
    api.call("GET", "/api/v1/notifications/{id}", "Error", status=404, who="bob", at=listed[0])
    count = api.call("GET", "/api/v1/notifications/unread_count", "UnreadCount")
    assert count == {"count": 4}
    assert api.call("GET", "/api/v2/notifications/unread_count", "UnreadCount")["count"] == 4
    grouped = api.call(
        "GET", "/api/v2/notifications", "GroupedNotificationsResults", paginated=True
    )
    likes = grouped["notification_groups"][-1]
    assert (likes["type"], likes["notifications_count"]) == ("favourite", 2)
    single = api.call(
        "GET", "/api/v2/notifications/{group_key}", "GroupedNotificationsResults", at=likes
    )
    assert single["notification_groups"][0]["group_key"] == likes["group_key"]
    api.call("GET", "/api/v2/notifications/{group_key}", "Error", status=404, at={"group_key": "x"})
    api.call("POST", "/api/v2/notifications/{group_key}/dismiss", "Empty", at=likes)
    api.call("POST", "/api/v1/notifications/{id}/dismiss", "Empty", at=listed[1])
    api.call("POST", "/api/v1/notifications/{id}/dismiss", "Error", status=404, at=listed[1])
    api.call("POST", "/api/v1/notifications/clear", "Empty")
    assert api.call("GET", "/api/v1/notifications", "[Notification]") == []


@covers(
    "GET /api/v2/notifications/policy",
    "PATCH /api/v2/notifications/policy",
    "PUT /api/v2/notifications/policy",
    "GET /api/v1/notifications/requests",
    "GET /api/v1/notifications/requests/{id}",
    "POST /api/v1/notifications/requests/{id}/accept",
    "POST /api/v1/notifications/requests/{id}/dismiss",
    "POST /api/v1/notifications/requests/accept",
    "POST /api/v1/notifications/requests/dismiss",
    "GET /api/v1/notifications/requests/merged",
)
def test_policy_and_requests(api: Api, people: People, rt: Runtime, settle: Settle) -> None:
    policy = api.call("GET", "/api/v2/notifications/policy", "NotificationPolicy")
    assert policy["for_private_mentions"] == "filter"
    api.call(
        "PATCH",
        "/api/v2/notifications/policy",
        "NotificationPolicy",
        json={"for_not_following": "filter"},
    )
    api.call(
        "PUT",
        "/api/v2/notifications/policy",
        "Error",
        status=422,
        json={"for_new_accounts": "sometimes"},
    )
    assert people.alice
    for name in ("bob", "carol", "dave", "erin"):
        do_create_post(rt, getattr(people, name), "hello @alice")
    settle()
    requests = api.call(
        "GET", "/api/v1/notifications/requests", "[NotificationRequest]", paginated=True
    )
    assert len(requests) == 4
    api.call("GET", "/api/v1/notifications/requests/{id}", "NotificationRequest", at=requests[0])
    api.call("POST", "/api/v1/notifications/requests/{id}/accept", "Empty", at=requests[0])
    api.call("POST", "/api/v1/notifications/requests/{id}/dismiss", "Empty", at=requests[1])
    api.call(
        "POST",
        "/api/v1/notifications/requests/{id}/dismiss",
        "Error",
        status=404,
        at=requests[1],
    )
    api.call(
        "POST", "/api/v1/notifications/requests/accept", "Empty", data={"id[]": requests[2]["id"]}
    )
    api.call(
        "POST", "/api/v1/notifications/requests/dismiss", "Empty", data={"id[]": requests[3]["id"]}
    )
    assert api.call("GET", "/api/v1/notifications/requests", "[NotificationRequest]") == []
    api.call("GET", "/api/v1/notifications/requests/merged", "Merged")


@covers("GET /api/v1/markers", "POST /api/v1/markers")
def test_markers(api: Api) -> None:
    assert api.call("GET", "/api/v1/markers", "Markers", params={"timeline[]": "home"}) == {}
    saved = api.call("POST", "/api/v1/markers", "Markers", data={"home[last_read_id]": "1234"})
    assert saved["home"]["last_read_id"] == "1234"
    read = api.call(
        "GET",
        "/api/v1/markers",
        "Markers",
        params=[("timeline[]", "home"), ("timeline[]", "notifications")],
    )
    assert list(read) == ["home"]
    api.call("POST", "/api/v1/markers", "Error", status=422, json={})


@covers(
    "GET /api/v1/conversations",
    "POST /api/v1/conversations/{id}/read",
    "DELETE /api/v1/conversations/{id}",
)
def test_conversations(api: Api, people: People, rt: Runtime, settle: Settle) -> None:
    assert people.alice
    do_create_post(rt, people.bob, "@alice psst", visibility="direct")
    settle()
    (conversation,) = api.call("GET", "/api/v1/conversations", "[Conversation]", paginated=True)
    assert conversation["unread"] is True
    read = api.call("POST", "/api/v1/conversations/{id}/read", "Conversation", at=conversation)
    assert read["unread"] is False
    api.call("POST", "/api/v1/conversations/{id}/read", "Error", status=404, who="carol", at=read)
    api.call("DELETE", "/api/v1/conversations/{id}", "Empty", at=conversation)
    api.call("DELETE", "/api/v1/conversations/{id}", "Error", status=404, at=conversation)
