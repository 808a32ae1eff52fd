"""Contract: statuses, what people do to them, timelines, marks and tags answer
Mastodon's entities, with the viewer flags Mastodon gives after each action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roost.graph.actions import do_follow
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People

FLAGS = ("favourited", "reblogged", "bookmarked", "muted")


def flags(status: dict[str, Any]) -> dict[str, Any]:
    return {name: status[name] for name in FLAGS}


@covers(
    "POST /api/v1/statuses",
    "GET /api/v1/statuses",
    "GET /api/v1/statuses/{id}",
    "DELETE /api/v1/statuses/{id}",
    "GET /api/v1/statuses/{id}/context",
)
def test_posting_reading_and_deleting(api: Api, people: People) -> None:
    assert people.bob
    status = api.call(
        "POST",
        "/api/v1/statuses",
        "Status",
        json={"status": "Hi @bob #Contract", "spoiler_text": "cw", "language": "en"},
    )
    assert (status["mentions"][0]["acct"], status["tags"][0]["name"]) == ("bob", "Contract")
    assert flags(status) == dict.fromkeys(FLAGS, False)
    assert status["pinned"] is False  # own post: pinnable
    api.call("POST", "/api/v1/statuses", "Error", status=422, json={"status": ""})
    reply = api.call(
        "POST",
        "/api/v1/statuses",
        "Status",
        who="bob",
        json={"status": "@alice hi", "in_reply_to_id": status["id"]},
    )
    assert reply["in_reply_to_account_id"] == status["account"]["id"]
    anonymous = api.call("GET", "/api/v1/statuses/{id}", "Status", who=None, at=status)
    assert not set(FLAGS) & set(anonymous)  # viewer flags only for a signed-in viewer
    api.call("GET", "/api/v1/statuses/{id}", "Error", status=404, at={"id": 4242})
    many = api.call(
        "GET", "/api/v1/statuses", "[Status]", params=[("id[]", reply["id"]), ("id[]", "4242")]
    )
    assert [s["id"] for s in many] == [reply["id"]]
    context = api.call("GET", "/api/v1/statuses/{id}/context", "Context", at=reply)
    assert [s["id"] for s in context["ancestors"]] == [status["id"]]
    deleted = api.call("DELETE", "/api/v1/statuses/{id}", "DeletedStatus", who="bob", at=reply)
    assert deleted["text"] == "@alice hi"
    api.call("DELETE", "/api/v1/statuses/{id}", "Error", status=404, who="bob", at=status)


@covers(
    "POST /api/v1/statuses/{id}/favourite",
    "POST /api/v1/statuses/{id}/unfavourite",
    "POST /api/v1/statuses/{id}/reblog",
    "POST /api/v1/statuses/{id}/unreblog",
    "POST /api/v1/statuses/{id}/bookmark",
    "POST /api/v1/statuses/{id}/unbookmark",
    "POST /api/v1/statuses/{id}/pin",
    "POST /api/v1/statuses/{id}/unpin",
    "GET /api/v1/statuses/{id}/favourited_by",
    "GET /api/v1/statuses/{id}/reblogged_by",
    "GET /api/v1/favourites",
    "GET /api/v1/bookmarks",
)
def test_actions_answer_with_the_flags_set(api: Api) -> None:
    own = api.call("POST", "/api/v1/statuses", "Status", json={"status": "mine"})
    status = api.call("POST", "/api/v1/statuses", "Status", who="bob", json={"status": "share"})
    expected = dict.fromkeys(FLAGS, False)

    def act(action: str, target: dict[str, Any], **changes: bool) -> dict[str, Any]:
        expected.update(changes)
        route = f"/api/v1/statuses/{{id}}/{action}"
        answer: dict[str, Any] = api.call("POST", route, "Status", at=target)
        shown = answer["reblog"] or answer
        assert flags(answer) == flags(shown) == expected, action
        return answer

    act("favourite", status, favourited=True)
    act("bookmark", status, bookmarked=True)
    repost = act("reblog", status, reblogged=True)
    assert repost["reblog"]["id"] == status["id"]
    assert "pinned" not in repost
    act("unfavourite", repost, favourited=False)  # by the repost's ID: the same post
    act("unbookmark", repost, bookmarked=False)
    act("favourite", repost, favourited=True)
    act("bookmark", repost, bookmarked=True)
    for route in ("/api/v1/favourites", "/api/v1/bookmarks"):
        (marked,) = api.call("GET", route, "[Status]", paginated=True)
        assert marked["id"] == status["id"]
        assert flags(marked) == expected
    for route in ("/api/v1/statuses/{id}/favourited_by", "/api/v1/statuses/{id}/reblogged_by"):
        (who,) = api.call("GET", route, "[Account]", who=None, at=status, paginated=True)
        assert who["username"] == "alice"
    act("unreblog", repost, reblogged=False)
    assert api.call("POST", "/api/v1/statuses/{id}/pin", "Status", at=own)["pinned"] is True
    assert api.call("POST", "/api/v1/statuses/{id}/unpin", "Status", at=own)["pinned"] is False
    api.call("POST", "/api/v1/statuses/{id}/pin", "Error", status=422, at=status)


@covers(
    "GET /api/v1/timelines/home",
    "GET /api/v1/timelines/public",
    "GET /api/v1/timelines/tag/{hashtag}",
    "GET /api/v1/tags/{name}",
)
def test_timelines_and_tags(
    api: Api, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    posted = api.call("POST", "/api/v1/statuses", "Status", who="bob", json={"status": "#Birds"})
    settle()
    for route, at in (
        ("/api/v1/timelines/home", {}),
        ("/api/v1/timelines/public", {}),
        ("/api/v1/timelines/tag/{hashtag}", {"hashtag": "birds"}),
    ):
        page = api.call("GET", route, "[Status]", at=at, paginated=True)
        assert [s["id"] for s in page] == [posted["id"]], route
    api.call("GET", "/api/v1/timelines/home", "Error", status=401, who=None)
    api.call("GET", "/api/v1/timelines/public", "Error", status=422, params={"max_id": "x"})
    tag = api.call("GET", "/api/v1/tags/{name}", "Tag", at={"name": "birds"})
    assert tag["following"] is False
    api.call("GET", "/api/v1/tags/{name}", "Error", status=404, at={"name": "no-tag!"})
