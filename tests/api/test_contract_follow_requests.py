"""Contract: follow requests answer Mastodon's Account list and Relationship."""

from __future__ import annotations

from roost.accounts.actions import do_update_profile
from roost.graph.actions import do_follow
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People


@covers(
    "GET /api/v1/follow_requests",
    "POST /api/v1/follow_requests/{id}/authorize",
    "POST /api/v1/follow_requests/{id}/reject",
)
def test_follow_requests(api: Api, people: People, rt: Runtime) -> None:
    do_update_profile(rt, people.alice, locked=True)
    do_follow(rt, people.bob, people.alice)
    do_follow(rt, people.carol, people.alice)
    listed = api.call("GET", "/api/v1/follow_requests", "[Account]", paginated=True)
    assert [a["username"] for a in listed] == ["carol", "bob"]
    api.call("GET", "/api/v1/follow_requests", "Error", status=401, who=None)
    bob, carol = {"id": people.bob}, {"id": people.carol}
    approved = api.call("POST", "/api/v1/follow_requests/{id}/authorize", "Relationship", at=bob)
    assert (approved["followed_by"], approved["requested_by"]) == (True, False)
    rejected = api.call("POST", "/api/v1/follow_requests/{id}/reject", "Relationship", at=carol)
    assert (rejected["followed_by"], rejected["requested_by"]) == (False, False)
    api.call("POST", "/api/v1/follow_requests/{id}/reject", "Error", status=404, at=carol)
    api.call("POST", "/api/v1/follow_requests/{id}/authorize", "Error", status=404, at={"id": 4242})
    assert api.call("GET", "/api/v1/follow_requests", "[Account]") == []
