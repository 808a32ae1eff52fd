"""Contract: trends (tags with history, statuses, links) and follow suggestions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.posts.marks import do_favourite
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.api.contract import Api, covers
from tests.conftest import People

Settle = Callable[[], int]


@covers(
    "GET /api/v1/trends",
    "GET /api/v1/trends/tags",
    "GET /api/v1/trends/statuses",
    "GET /api/v1/trends/links",
)
def test_trends(api: Api, rt: Runtime, people: People, settle: Settle) -> None:
    liked = do_create_post(rt, people.bob, "#Gardening season https://seeds.example/a")
    for name in ("carol", "dave", "erin", "frank"):
        who = getattr(people, name)
        do_create_post(rt, who, f"{name} digs #gardening https://seeds.example/a")
        do_favourite(rt, who, liked)
    settle()
    tags = api.call("GET", "/api/v1/trends/tags", "[Tag]", who=None)
    assert [t["name"] for t in tags] == ["Gardening"]
    assert tags[0]["history"][0]["accounts"] == "5"
    assert len(tags[0]["history"]) == 7
    alias = api.call("GET", "/api/v1/trends", "[Tag]", params={"limit": 1})
    assert [(t["name"], t["following"]) for t in alias] == [("Gardening", False)]
    statuses = api.call("GET", "/api/v1/trends/statuses", "[Status]")
    assert [s["id"] for s in statuses] == [str(liked)]
    assert api.call("GET", "/api/v1/trends/statuses", "[Status]", params={"offset": 1}) == []
    links = api.call("GET", "/api/v1/trends/links", "[TrendsLink]", who=None)
    assert [(card["url"], card["history"][0]["uses"]) for card in links] == [
        ("https://seeds.example/a", "5")
    ]
    api.call("GET", "/api/v1/trends/tags", "Error", status=422, params={"limit": "many"})


@covers(
    "GET /api/v2/suggestions",
    "GET /api/v1/suggestions",
    "DELETE /api/v1/suggestions/{account_id}",
)
def test_suggestions(api: Api, rt: Runtime, people: People) -> None:
    for follower, target in (
        (people.alice, people.bob),
        (people.alice, people.carol),
        (people.bob, people.dave),
        (people.carol, people.dave),
        (people.bob, people.erin),
    ):
        do_follow(rt, follower, target)
    found = api.call("GET", "/api/v2/suggestions", "[Suggestion]")
    assert [(s["account"]["username"], s["sources"]) for s in found[:2]] == [
        ("dave", ["friends_of_friends"]),
        ("erin", ["friends_of_friends"]),
    ]
    assert found[0]["source"] == "past_interactions"
    assert found[0]["roost"]["text"] == "Followed by carol and bob"
    v1 = api.call("GET", "/api/v1/suggestions", "[Account]", params={"limit": 2})
    assert [a["username"] for a in v1] == ["dave", "erin"]
    dave = {"account_id": people.dave}
    assert api.call("DELETE", "/api/v1/suggestions/{account_id}", "Empty", at=dave) == {}
    after = api.call("GET", "/api/v1/suggestions", "[Account]")
    assert "dave" not in [a["username"] for a in after]
    api.call(
        "DELETE", "/api/v1/suggestions/{account_id}", "Error", status=404, at={"account_id": 9}
    )
    api.call("GET", "/api/v2/suggestions", "Error", status=401, who=None)


@covers(
    "GET /api/roost/v1/chats",
    "POST /api/roost/v1/chats",
    "GET /api/roost/v1/chats/{id}",
    "GET /api/roost/v1/chats/{id}/transcript",
)
def test_chats(api: Api, rt: Runtime, people: People, settle: Settle) -> None:
    start = (utcnow() - timedelta(minutes=2)).isoformat()
    made = api.call(
        "POST",
        "/api/roost/v1/chats",
        "Chat",
        json={
            "tag": "#meded",
            "title": "Teaching rounds",
            "starts_at": start,
            "questions": [{"text": "What works?"}, {"text": "What does not?"}],
        },
    )
    assert (made["tag"], made["host"]["username"]) == ("meded", "alice")
    assert [q["number"] for q in made["questions"]] == [1, 2]
    settle()  # Q1 is due at the start
    listed = api.call("GET", "/api/roost/v1/chats", "[Chat]", who=None)
    assert [c["id"] for c in listed] == [made["id"]]
    assert api.call("GET", "/api/roost/v1/chats", "[Chat]", params={"past": "true"}) == []
    chat = api.call("GET", "/api/roost/v1/chats/{id}", "Chat", at=made, who=None)
    asked = chat["questions"][0]["status_id"]
    assert asked is not None
    assert chat["questions"][1]["status_id"] is None
    do_create_post(rt, people.bob, "A1 checklists #meded")
    do_create_post(rt, people.carol, "A1 only for followers #meded", visibility="private")
    transcript = api.call(
        "GET", "/api/roost/v1/chats/{id}/transcript", "ChatTranscript", at=made, who="dave"
    )
    first = transcript["questions"][0]
    assert "Q1 What works?" in first["status"]["content"]
    assert [s["account"]["username"] for s in first["answers"]] == ["bob"]
    api.call(
        "POST", "/api/roost/v1/chats", "Error", status=422,
        json={"tag": "not a tag", "starts_at": start},
    )  # fmt: skip
    api.call(
        "POST", "/api/roost/v1/chats", "Error", status=422,
        json={"tag": "ok", "starts_at": "2001-01-01T00:00:00Z"},
    )  # fmt: skip
    api.call("POST", "/api/roost/v1/chats", "Error", status=401, who=None, json={})
    api.call("GET", "/api/roost/v1/chats/{id}", "Error", status=404, at={"id": 9})
