"""Contract: v2 filters, their keywords and posts, and v1 filters answer Mastodon's
entities; a status a warn filter catches carries its FilterResult."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People

Settle = Callable[[], int]


@covers(
    "GET /api/v2/filters",
    "POST /api/v2/filters",
    "GET /api/v2/filters/{id}",
    "PUT /api/v2/filters/{id}",
    "DELETE /api/v2/filters/{id}",
)
def test_filters(api: Api, people: People, rt: Runtime, settle: Settle) -> None:
    made = api.call(
        "POST",
        "/api/v2/filters",
        "Filter",
        json={
            "title": "Cats",
            "context": ["home", "public"],
            "filter_action": "warn",
            "expires_in": 3600,
            "keywords_attributes": [{"keyword": "cat", "whole_word": True}, {"keyword": "kitten"}],
        },
    )
    assert [k["keyword"] for k in made["keywords"]] == ["cat", "kitten"]
    assert made["expires_at"] is not None
    assert api.call("GET", "/api/v2/filters", "[Filter]") == [made]
    assert api.call("GET", "/api/v2/filters", "[Filter]", who="bob") == []
    assert api.call("GET", "/api/v2/filters/{id}", "Filter", at=made) == made
    api.call("GET", "/api/v2/filters/{id}", "Error", status=404, at=made, who="bob")
    api.call("POST", "/api/v2/filters", "Error", status=422, json={"title": "x", "context": []})
    api.call("GET", "/api/v2/filters", "Error", status=401, who=None)
    cat, kitten = made["keywords"]
    changed = api.call(
        "PUT",
        "/api/v2/filters/{id}",
        "Filter",
        at=made,
        json={
            "title": "Felines",
            "filter_action": "hide",
            "expires_in": None,
            "keywords_attributes": [
                {"id": cat["id"], "whole_word": False},
                {"id": kitten["id"], "_destroy": True},
                {"keyword": "purr"},
            ],
        },
    )
    assert (changed["title"], changed["filter_action"], changed["expires_at"]) == (
        "Felines",
        "hide",
        None,
    )
    assert [(k["keyword"], k["whole_word"]) for k in changed["keywords"]] == [
        ("cat", False),
        ("purr", True),
    ]
    api.call("PUT", "/api/v2/filters/{id}", "Error", status=404, at=made, who="bob", json={})
    api.call("DELETE", "/api/v2/filters/{id}", "Empty", at=made)
    api.call("DELETE", "/api/v2/filters/{id}", "Error", status=404, at=made)


def test_form_encoded_keywords_attributes(api: Api) -> None:
    made = api.call(
        "POST",
        "/api/v2/filters",
        "Filter",
        data={
            "title": "Birds",
            "context[]": ["home"],
            "keywords_attributes[][keyword]": ["owl", "crow"],
            "keywords_attributes[][whole_word]": ["true", "false"],
        },
    )
    assert [(k["keyword"], k["whole_word"]) for k in made["keywords"]] == [
        ("owl", True),
        ("crow", False),
    ]


@covers(
    "GET /api/v2/filters/{filter_id}/keywords",
    "POST /api/v2/filters/{filter_id}/keywords",
    "GET /api/v2/filters/keywords/{id}",
    "PUT /api/v2/filters/keywords/{id}",
    "DELETE /api/v2/filters/keywords/{id}",
)
def test_filter_keywords(api: Api) -> None:
    made = api.call("POST", "/api/v2/filters", "Filter", json={"title": "t", "context": ["home"]})
    at = {"filter_id": made["id"]}
    added = api.call(
        "POST",
        "/api/v2/filters/{filter_id}/keywords",
        "FilterKeyword",
        at=at,
        json={"keyword": "Cat", "whole_word": False},
    )
    assert api.call("GET", "/api/v2/filters/{filter_id}/keywords", "[FilterKeyword]", at=at) == [
        added
    ]
    api.call("GET", "/api/v2/filters/{filter_id}/keywords", "Error", status=404, at=at, who="bob")
    assert api.call("GET", "/api/v2/filters/keywords/{id}", "FilterKeyword", at=added) == added
    api.call("GET", "/api/v2/filters/keywords/{id}", "Error", status=404, at=added, who="bob")
    changed = api.call(
        "PUT", "/api/v2/filters/keywords/{id}", "FilterKeyword", at=added, json={"keyword": "dog"}
    )
    assert (changed["keyword"], changed["whole_word"]) == ("dog", False)
    api.call(
        "POST",
        "/api/v2/filters/{filter_id}/keywords",
        "Error",
        status=422,
        at=at,
        json={"keyword": " "},
    )
    api.call("DELETE", "/api/v2/filters/keywords/{id}", "Empty", at=added)
    api.call("GET", "/api/v2/filters/keywords/{id}", "Error", status=404, at=added)


@covers(
    "GET /api/v2/filters/{filter_id}/statuses",
    "POST /api/v2/filters/{filter_id}/statuses",
    "GET /api/v2/filters/statuses/{id}",
    "DELETE /api/v2/filters/statuses/{id}",
)
def test_filter_statuses(api: Api, people: People, rt: Runtime) -> None:
    post = do_create_post(rt, people.bob, "this one")
    hidden = do_create_post(rt, people.bob, "followers", visibility="private")
    made = api.call("POST", "/api/v2/filters", "Filter", json={"title": "t", "context": ["home"]})
    at = {"filter_id": made["id"]}
    added = api.call(
        "POST",
        "/api/v2/filters/{filter_id}/statuses",
        "FilterStatus",
        at=at,
        json={"status_id": str(post)},
    )
    assert added["status_id"] == str(post)
    api.call(
        "POST",
        "/api/v2/filters/{filter_id}/statuses",
        "Error",
        status=404,
        at=at,
        json={"status_id": str(hidden)},
    )
    assert api.call("GET", "/api/v2/filters/{filter_id}/statuses", "[FilterStatus]", at=at) == [
        added
    ]
    assert api.call("GET", "/api/v2/filters/statuses/{id}", "FilterStatus", at=added) == added
    api.call("GET", "/api/v2/filters/statuses/{id}", "Error", status=404, at=added, who="bob")
    api.call("DELETE", "/api/v2/filters/statuses/{id}", "Error", status=404, at=added, who="bob")
    api.call("DELETE", "/api/v2/filters/statuses/{id}", "Empty", at=added)
    assert api.call("GET", "/api/v2/filters/{filter_id}/statuses", "[FilterStatus]", at=at) == []


@covers(
    "GET /api/v1/filters",
    "POST /api/v1/filters",
    "GET /api/v1/filters/{id}",
    "PUT /api/v1/filters/{id}",
    "DELETE /api/v1/filters/{id}",
)
def test_v1_filters_are_keywords_of_v2_filters(api: Api) -> None:
    made = api.call(
        "POST",
        "/api/v1/filters",
        "V1Filter",
        json={"phrase": "cat", "context": ["home"], "irreversible": True, "whole_word": False},
    )
    assert (made["phrase"], made["irreversible"], made["whole_word"]) == ("cat", True, False)
    (v2,) = api.call("GET", "/api/v2/filters", "[Filter]")
    assert (v2["title"], v2["filter_action"]) == ("cat", "hide")
    assert v2["keywords"][0]["id"] == made["id"]
    assert api.call("GET", "/api/v1/filters", "[V1Filter]") == [made]
    assert api.call("GET", "/api/v1/filters/{id}", "V1Filter", at=made) == made
    api.call("GET", "/api/v1/filters/{id}", "Error", status=404, at=made, who="bob")
    changed = api.call(
        "PUT",
        "/api/v1/filters/{id}",
        "V1Filter",
        at=made,
        json={"phrase": "dog", "context": ["public", "thread"], "irreversible": False},
    )
    assert (changed["phrase"], changed["context"], changed["irreversible"]) == (
        "dog",
        ["public", "thread"],
        False,
    )
    api.call("POST", "/api/v1/filters", "Error", status=422, json={"phrase": "x"})
    api.call("DELETE", "/api/v1/filters/{id}", "Empty", at=made)
    assert api.call("GET", "/api/v2/filters", "[Filter]") == []


def test_warned_status_carries_its_filter_result(
    api: Api, people: People, rt: Runtime, settle: Settle
) -> None:
    do_follow(rt, people.alice, people.bob)
    settle()
    post = do_create_post(rt, people.bob, "a Cat, sleeping")
    settle()
    api.call(
        "POST",
        "/api/v2/filters",
        "Filter",
        json={"title": "Cats", "context": ["home"], "keywords_attributes": [{"keyword": "cat"}]},
    )
    (status,) = api.call("GET", "/api/v1/timelines/home", "[Status]")
    (result,) = status["filtered"]
    assert (result["filter"]["title"], result["keyword_matches"]) == ("Cats", ["cat"])
    assert "keywords" not in result["filter"]
    one = api.call("GET", "/api/v1/statuses/{id}", "Status", at={"id": post})
    assert [r["filter"]["title"] for r in one["filtered"]] == ["Cats"]
