"""Contract: blocking and muting people and threads answer Mastodon's entities
(Relationship, lists of Account, Status)."""

from __future__ import annotations

from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People


@covers(
    "POST /api/v1/accounts/{id}/block",
    "POST /api/v1/accounts/{id}/unblock",
    "GET /api/v1/blocks",
)
def test_block(api: Api, people: People) -> None:
    bob = {"id": people.bob}
    rel = api.call("POST", "/api/v1/accounts/{id}/block", "Relationship", at=bob)
    assert (rel["blocking"], rel["blocked_by"]) == (True, False)
    listed = api.call("GET", "/api/v1/blocks", "[Account]", paginated=True)
    assert [a["id"] for a in listed] == [str(people.bob)]
    rel = api.call("POST", "/api/v1/accounts/{id}/unblock", "Relationship", at=bob)
    assert rel["blocking"] is False
    assert api.call("GET", "/api/v1/blocks", "[Account]") == []
    api.call("POST", "/api/v1/accounts/{id}/block", "Error", status=404, at={"id": 4242})
    api.call("POST", "/api/v1/accounts/{id}/block", "Error", status=401, at=bob, who=None)
    api.call("GET", "/api/v1/blocks", "Error", status=401, who=None)


@covers(
    "POST /api/v1/accounts/{id}/mute",
    "POST /api/v1/accounts/{id}/unmute",
    "GET /api/v1/mutes",
)
def test_mute(api: Api, people: People) -> None:
    bob = {"id": people.bob}
    rel = api.call(
        "POST",
        "/api/v1/accounts/{id}/mute",
        "Relationship",
        at=bob,
        json={"notifications": False, "duration": 3600},
    )
    assert (rel["muting"], rel["muting_notifications"]) == (True, False)
    listed = api.call("GET", "/api/v1/mutes", "[Account]", paginated=True)
    assert [a["id"] for a in listed] == [str(people.bob)]
    rel = api.call("POST", "/api/v1/accounts/{id}/unmute", "Relationship", at=bob)
    assert rel["muting"] is False
    api.call(
        "POST",
        "/api/v1/accounts/{id}/mute",
        "Error",
        status=422,
        at=bob,
        json={"duration": "soon"},
    )
    api.call("GET", "/api/v1/mutes", "Error", status=401, who=None)


@covers("POST /api/v1/statuses/{id}/mute", "POST /api/v1/statuses/{id}/unmute")
def test_mute_thread(api: Api, people: People, rt: Runtime) -> None:
    post = {"id": do_create_post(rt, people.alice, "a thread")}
    muted = api.call("POST", "/api/v1/statuses/{id}/mute", "Status", at=post)
    assert muted["muted"] is True
    assert api.call("GET", "/api/v1/statuses/{id}", "Status", at=post)["muted"] is True
    unmuted = api.call("POST", "/api/v1/statuses/{id}/unmute", "Status", at=post)
    assert unmuted["muted"] is False
    api.call("POST", "/api/v1/statuses/{id}/mute", "Error", status=404, at={"id": 4242})
