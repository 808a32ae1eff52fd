"""Contract: v2 search, the directory, followed and featured tags answer Mastodon's
entities."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from roost.api import search as search_api
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.ratelimit import RateRule
from tests.api.contract import Api, covers
from tests.conftest import People

Settle = Callable[[], int]


@covers("GET /api/v2/search")
def test_search(api: Api, people: People, rt: Runtime, settle: Settle) -> None:
    assert people.bob
    post = do_create_post(rt, people.alice, "birdsong at dawn #birds @bob")
    hidden = do_create_post(rt, people.alice, "birdsong for followers", visibility="private")
    found = api.call("GET", "/api/v2/search", "Search", params={"q": "birdsong"}, who="carol")
    assert [s["id"] for s in found["statuses"]] == [str(post)]
    do_follow(rt, people.bob, people.alice)
    settle()
    mine = api.call("GET", "/api/v2/search", "Search", params={"q": "birdsong"}, who="bob")
    assert [s["id"] for s in mine["statuses"]] == [str(hidden), str(post)]
    tags = api.call("GET", "/api/v2/search", "Search", params={"q": "#bir", "type": "hashtags"})
    assert [t["name"] for t in tags["hashtags"]] == ["birds"]
    assert (tags["accounts"], tags["statuses"]) == ([], [])
    people_found = api.call("GET", "/api/v2/search", "Search", params={"q": "bob@roost.test"})
    assert [a["username"] for a in people_found["accounts"]] == ["bob"]
    elsewhere = api.call("GET", "/api/v2/search", "Search", params={"q": "bob@other.example"})
    assert elsewhere["accounts"] == []
    followed = api.call(
        "GET", "/api/v2/search", "Search",
        params={"q": "a", "type": "accounts", "following": "true"}, who="bob",
    )  # fmt: skip
    assert [a["username"] for a in followed["accounts"]] == ["alice"]
    url = f"http://roost.test/@alice/{post}"
    resolved = api.call("GET", "/api/v2/search", "Search", params={"q": url, "resolve": "true"})
    assert [s["id"] for s in resolved["statuses"]] == [str(post)]
    by_url = api.call("GET", "/api/v2/search", "Search", params={"q": "http://roost.test/@bob"})
    assert [a["username"] for a in by_url["accounts"]] == ["bob"]
    secret_url = f"http://roost.test/@alice/{hidden}"
    nothing = api.call("GET", "/api/v2/search", "Search", params={"q": secret_url}, who="carol")
    assert nothing["statuses"] == []
    anonymous = api.call("GET", "/api/v2/search", "Search", params={"q": "birdsong"}, who=None)
    assert [s["id"] for s in anonymous["statuses"]] == [str(post)]
    only_bob = api.call(
        "GET", "/api/v2/search", "Search",
        params={"q": "birdsong", "account_id": str(people.bob), "type": "statuses"},
    )  # fmt: skip
    assert only_bob["statuses"] == []
    api.call("GET", "/api/v2/search", "Error", status=422, params={"q": "x", "type": "nope"})
    api.call("GET", "/api/v2/search", "Error", status=422, params={"q": "since:nope"})
    api.call("GET", "/api/v2/search", "Error", status=422, params={"q": "x", "order": "up"})


@covers("GET /api/v1/directory")
def test_directory(api: Api, people: People, rt: Runtime) -> None:
    assert people.alice
    assert people.bob
    do_create_post(rt, people.bob, "I am active")
    active = api.call("GET", "/api/v1/directory", "[Account]", params={"order": "active"})
    assert [a["username"] for a in active][:2] == ["bob", "alice"]
    new = api.call("GET", "/api/v1/directory", "[Account]", params={"order": "new", "local": "1"})
    assert [a["username"] for a in new][-1] == "alice"
    api.call("GET", "/api/v1/directory", "[Account]", who=None)
    api.call("GET", "/api/v1/directory", "Error", status=422, params={"order": "old"})


@covers(
    "POST /api/v1/tags/{name}/follow",
    "POST /api/v1/tags/{name}/unfollow",
    "GET /api/v1/followed_tags",
)
def test_followed_tags(api: Api) -> None:
    at = {"name": "HITsm"}
    followed = api.call("POST", "/api/v1/tags/{name}/follow", "Tag", at=at)
    assert (followed["name"], followed["following"]) == ("HITsm", True)
    again = api.call("POST", "/api/v1/tags/{name}/follow", "Tag", at={"name": "hitsm"})
    assert again["following"] is True
    listed = api.call("GET", "/api/v1/followed_tags", "[Tag]", paginated=True)
    assert [t["name"] for t in listed] == ["HITsm"]
    assert api.call("GET", "/api/v1/followed_tags", "[Tag]", who="bob") == []
    left = api.call("POST", "/api/v1/tags/{name}/unfollow", "Tag", at=at)
    assert left["following"] is False
    assert api.call("GET", "/api/v1/followed_tags", "[Tag]") == []
    api.call("POST", "/api/v1/tags/{name}/follow", "Error", status=404, at={"name": "no-tag!"})
    api.call("POST", "/api/v1/tags/{name}/follow", "Error", status=401, at=at, who=None)


@covers(
    "GET /api/v1/featured_tags",
    "POST /api/v1/featured_tags",
    "DELETE /api/v1/featured_tags/{id}",
    "GET /api/v1/featured_tags/suggestions",
    "GET /api/v1/accounts/{id}/featured_tags",
)
def test_featured_tags(api: Api, people: People, rt: Runtime) -> None:
    do_create_post(rt, people.alice, "#gardening today")
    do_create_post(rt, people.alice, "#gardening again, and #compost")
    suggested = api.call("GET", "/api/v1/featured_tags/suggestions", "[Tag]")
    assert [t["name"] for t in suggested] == ["gardening", "compost"]
    made = api.call("POST", "/api/v1/featured_tags", "FeaturedTag", data={"name": "#gardening"})
    assert (made["name"], made["statuses_count"]) == ("gardening", "2")
    assert made["url"] == "http://roost.test/tags/gardening"
    api.call("POST", "/api/v1/featured_tags", "Error", status=422, data={"name": "no-tag!"})
    assert api.call("GET", "/api/v1/featured_tags", "[FeaturedTag]") == [made]
    suggested = api.call("GET", "/api/v1/featured_tags/suggestions", "[Tag]")
    assert [t["name"] for t in suggested] == ["compost"]
    at = {"id": str(people.alice)}
    shown = api.call("GET", "/api/v1/accounts/{id}/featured_tags", "[FeaturedTag]", at=at, who=None)
    assert shown == [made]
    api.call("DELETE", "/api/v1/featured_tags/{id}", "Error", status=404, at=made, who="bob")
    api.call("DELETE", "/api/v1/featured_tags/{id}", "Empty", at=made)
    assert api.call("GET", "/api/v1/featured_tags", "[FeaturedTag]") == []


def test_signed_out_search_is_limited_per_address(
    client: TestClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt.limiter.enabled = True
    monkeypatch.setattr(
        search_api, "ANONYMOUS_SEARCH_RULE", RateRule("search-anonymous", 2, 300, "address")
    )
    for _ in range(2):
        assert client.get("/api/v2/search", params={"q": "owls"}).status_code == 200
    refused = client.get("/api/v2/search", params={"q": "owls"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
