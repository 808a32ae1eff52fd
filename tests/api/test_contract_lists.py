"""Contract: lists, their members and the list timeline answer Mastodon's entities."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People

Settle = Callable[[], int]


@covers(
    "GET /api/v1/lists",
    "POST /api/v1/lists",
    "GET /api/v1/lists/{id}",
    "PUT /api/v1/lists/{id}",
    "DELETE /api/v1/lists/{id}",
)
def test_lists(api: Api, people: People) -> None:
    made = api.call("POST", "/api/v1/lists", "List", json={"title": "Friends"})
    assert (made["title"], made["replies_policy"], made["exclusive"]) == ("Friends", "list", False)
    api.call("POST", "/api/v1/lists", "Error", status=422, json={"title": ""})
    api.call("POST", "/api/v1/lists", "Error", status=422, data={"title": "x" * 101})
    api.call(
        "POST", "/api/v1/lists", "Error", status=422, json={"title": "x", "replies_policy": "all"}
    )
    assert api.call("GET", "/api/v1/lists", "[List]") == [made]
    assert api.call("GET", "/api/v1/lists", "[List]", who="bob") == []
    assert api.call("GET", "/api/v1/lists/{id}", "List", at=made) == made
    api.call("GET", "/api/v1/lists/{id}", "Error", status=404, at=made, who="bob")
    changed = api.call(
        "PUT",
        "/api/v1/lists/{id}",
        "List",
        at=made,
        data={"title": "Pals", "replies_policy": "none", "exclusive": "true"},
    )
    assert (changed["title"], changed["replies_policy"], changed["exclusive"]) == (
        "Pals",
        "none",
        True,
    )
    api.call("PUT", "/api/v1/lists/{id}", "Error", status=404, at=made, who="bob", json={})
    api.call("DELETE", "/api/v1/lists/{id}", "Error", status=404, at=made, who="bob")
    api.call("DELETE", "/api/v1/lists/{id}", "Empty", at=made)
    api.call("GET", "/api/v1/lists/{id}", "Error", status=404, at=made)
    api.call("GET", "/api/v1/lists", "Error", status=401, who=None)


@covers(
    "GET /api/v1/lists/{id}/accounts",
    "POST /api/v1/lists/{id}/accounts",
    "DELETE /api/v1/lists/{id}/accounts",
    "GET /api/v1/accounts/{id}/lists",
    "GET /api/v1/timelines/list/{id}",
)
def test_members_and_timeline(api: Api, people: People, rt: Runtime, settle: Settle) -> None:
    made = api.call("POST", "/api/v1/lists", "List", json={"title": "Friends"})
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.alice, people.carol)
    bob, carol, dave = (str(people.bob), str(people.carol), str(people.dave))
    answer = api.call(
        "POST", "/api/v1/lists/{id}/accounts", "Error", status=422, at=made,
        data={"account_ids[]": [bob, dave]},
    )  # fmt: skip
    assert answer["error"] == "Validation failed: You must follow this account"
    api.call(
        "POST", "/api/v1/lists/{id}/accounts", "Empty", at=made,
        data={"account_ids[]": [bob, carol]},
    )  # fmt: skip
    api.call(
        "POST", "/api/v1/lists/{id}/accounts", "Error", status=404, at=made, who="bob",
        json={"account_ids": [carol]},
    )  # fmt: skip
    members = api.call("GET", "/api/v1/lists/{id}/accounts", "[Account]", at=made, paginated=True)
    assert [m["id"] for m in members] == [carol, bob]  # newest membership first
    everyone = api.call(
        "GET", "/api/v1/lists/{id}/accounts", "[Account]", at=made, params={"limit": 0}
    )
    assert len(everyone) == 2
    assert api.call("GET", "/api/v1/accounts/{id}/lists", "[List]", at={"id": bob}) == [made]
    assert api.call("GET", "/api/v1/accounts/{id}/lists", "[List]", at={"id": dave}) == []
    api.call("GET", "/api/v1/accounts/{id}/lists", "Error", status=404, at={"id": 4242})
    settle()
    post = do_create_post(rt, people.bob, "for my friends")
    settle()
    timeline = api.call("GET", "/api/v1/timelines/list/{id}", "[Status]", at=made, paginated=True)
    assert [s["id"] for s in timeline] == [str(post)]
    api.call("GET", "/api/v1/timelines/list/{id}", "Error", status=404, at=made, who="bob")
    api.call(
        "DELETE", "/api/v1/lists/{id}/accounts", "Empty", at=made,
        params={"account_ids[]": [bob]},
    )  # fmt: skip
    members = api.call("GET", "/api/v1/lists/{id}/accounts", "[Account]", at=made)
    assert [m["id"] for m in members] == [carol]
