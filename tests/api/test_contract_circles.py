"""Contract: Roost's circles API answers its Circle entity, and a circle post is a
Mastodon Status (``private``) with Roost's ``roost`` object for its author only."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People

Settle = Callable[[], int]


@covers(
    "GET /api/roost/v1/circles",
    "POST /api/roost/v1/circles",
    "GET /api/roost/v1/circles/{id}",
    "PUT /api/roost/v1/circles/{id}",
    "DELETE /api/roost/v1/circles/{id}",
)
def test_circles(api: Api, people: People) -> None:
    made = api.call("POST", "/api/roost/v1/circles", "Circle", json={"name": "Friends"})
    assert (made["name"], made["members_count"]) == ("Friends", 0)
    api.call("POST", "/api/roost/v1/circles", "Error", status=422, json={"name": ""})
    api.call("POST", "/api/roost/v1/circles", "Error", status=422, data={"name": "x" * 101})
    assert api.call("GET", "/api/roost/v1/circles", "[Circle]") == [made]
    assert api.call("GET", "/api/roost/v1/circles", "[Circle]", who="bob") == []
    assert api.call("GET", "/api/roost/v1/circles/{id}", "Circle", at=made) == made
    api.call("GET", "/api/roost/v1/circles/{id}", "Error", status=404, at=made, who="bob")
    renamed = api.call(
        "PUT", "/api/roost/v1/circles/{id}", "Circle", at=made, data={"name": "Pals"}
    )
    assert renamed["name"] == "Pals"
    api.call(
        "PUT", "/api/roost/v1/circles/{id}", "Error", status=404, at=made, who="bob",
        json={"name": "Mine"},
    )  # fmt: skip
    api.call("DELETE", "/api/roost/v1/circles/{id}", "Error", status=404, at=made, who="bob")
    api.call("DELETE", "/api/roost/v1/circles/{id}", "Empty", at=made)
    api.call("GET", "/api/roost/v1/circles/{id}", "Error", status=404, at=made)
    api.call("GET", "/api/roost/v1/circles", "Error", status=401, who=None)


@covers(
    "GET /api/roost/v1/circles/{id}/accounts",
    "POST /api/roost/v1/circles/{id}/accounts",
    "DELETE /api/roost/v1/circles/{id}/accounts",
)
def test_members(api: Api, people: People) -> None:
    made = api.call("POST", "/api/roost/v1/circles", "Circle", json={"name": "Friends"})
    bob, carol = str(people.bob), str(people.carol)
    api.call(  # followers or not: anyone may be in a circle
        "POST", "/api/roost/v1/circles/{id}/accounts", "Empty", at=made,
        data={"account_ids[]": [bob, carol]},
    )  # fmt: skip
    api.call(
        "POST", "/api/roost/v1/circles/{id}/accounts", "Error", status=404, at=made,
        json={"account_ids": ["4242"]},
    )  # fmt: skip
    api.call(
        "POST", "/api/roost/v1/circles/{id}/accounts", "Error", status=404, at=made, who="bob",
        json={"account_ids": [carol]},
    )  # fmt: skip
    members = api.call(
        "GET", "/api/roost/v1/circles/{id}/accounts", "[Account]", at=made, paginated=True
    )
    assert [m["id"] for m in members] == [carol, bob]  # newest membership first
    assert api.call("GET", "/api/roost/v1/circles/{id}", "Circle", at=made)["members_count"] == 2
    api.call(
        "DELETE", "/api/roost/v1/circles/{id}/accounts", "Empty", at=made,
        params={"account_ids[]": [bob]},
    )  # fmt: skip
    members = api.call("GET", "/api/roost/v1/circles/{id}/accounts", "[Account]", at=made)
    assert [m["id"] for m in members] == [carol]


@covers("POST /api/v1/statuses")
def test_a_circle_post_is_private_with_the_circle_for_its_author(
    api: Api, people: People, rt: Runtime, settle: Settle
) -> None:
    made = api.call("POST", "/api/roost/v1/circles", "Circle", json={"name": "Friends"})
    api.call(
        "POST", "/api/roost/v1/circles/{id}/accounts", "Empty", at=made,
        json={"account_ids": [str(people.bob)]},
    )  # fmt: skip
    do_follow(rt, people.carol, people.alice)
    post = api.call(
        "POST", "/api/v1/statuses", "Status",
        json={"status": "inside", "visibility": "public", "circle_id": made["id"]},
    )  # fmt: skip
    assert post["visibility"] == "private"
    assert post["roost"] == {"circle": {"id": made["id"], "name": "Friends"}}
    assert post["quote_approval"]["current_user"] == "denied"
    seen = api.call("GET", "/api/v1/statuses/{id}", "Status", at=post, who="bob")
    assert "roost" not in seen
    api.call("GET", "/api/v1/statuses/{id}", "Error", status=404, at=post, who="carol")
    api.call(
        "POST", "/api/v1/statuses", "Error", status=422, who="bob",
        data={"status": "not mine", "circle_id": made["id"]},
    )  # fmt: skip
    api.call("POST", "/api/v1/statuses/{id}/reblog", "Error", status=403, at=post, who="bob")
