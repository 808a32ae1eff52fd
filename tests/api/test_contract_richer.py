"""Contract: polls, scheduled statuses and edits answer Mastodon's Poll,
ScheduledStatus, StatusEdit and StatusSource entities (and Status with its poll)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People


def _later(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


@covers("GET /api/v1/polls/{id}", "POST /api/v1/polls/{id}/votes")
def test_poll_is_posted_read_and_voted_in(api: Api, people: People) -> None:
    status = api.call(
        "POST",
        "/api/v1/statuses",
        "Status",
        data={
            "status": "Lunch?",
            "poll[options][]": ["Soup", "Salad"],
            "poll[expires_in]": "3600",
        },
    )
    poll = status["poll"]
    assert [o["title"] for o in poll["options"]] == ["Soup", "Salad"]
    assert poll["voted"] is True  # the author, as Mastodon
    api.call("GET", "/api/v1/polls/{id}", "Poll", who="bob", at=poll)
    voted = api.call(
        "POST", "/api/v1/polls/{id}/votes", "Poll", who="bob", at=poll, data={"choices[]": "1"}
    )
    assert (voted["voted"], voted["own_votes"], voted["votes_count"]) == (True, [1], 1)
    assert [o["votes_count"] for o in voted["options"]] == [0, 1]
    api.call(
        "POST",
        "/api/v1/polls/{id}/votes",
        "Error",
        status=422,
        who="bob",
        at=poll,
        json={"choices": [0]},
    )
    anonymous = api.call("GET", "/api/v1/polls/{id}", "Poll", who=None, at=poll)
    assert "voted" not in anonymous
    assert "own_votes" not in anonymous
    api.call("GET", "/api/v1/polls/{id}", "Error", status=404, at={"id": 4242})


@covers(
    "GET /api/v1/scheduled_statuses",
    "GET /api/v1/scheduled_statuses/{id}",
    "PUT /api/v1/scheduled_statuses/{id}",
    "DELETE /api/v1/scheduled_statuses/{id}",
)
def test_scheduled_statuses_round_trip(api: Api, people: People) -> None:
    scheduled = api.call(
        "POST",
        "/api/v1/statuses",
        "ScheduledStatus",
        json={
            "status": "Tonight's question",
            "scheduled_at": _later(60),
            "poll": {"options": ["Yes", "No"], "expires_in": 600},
        },
    )
    assert scheduled["params"]["text"] == "Tonight's question"
    assert scheduled["params"]["poll"]["options"] == ["Yes", "No"]
    api.call(
        "POST",
        "/api/v1/statuses",
        "Error",
        status=422,
        json={"status": "too soon", "scheduled_at": _later(2)},
    )
    listed = api.call("GET", "/api/v1/scheduled_statuses", "[ScheduledStatus]", paginated=True)
    assert [s["id"] for s in listed] == [scheduled["id"]]
    moved = api.call(
        "PUT",
        "/api/v1/scheduled_statuses/{id}",
        "ScheduledStatus",
        at=scheduled,
        json={"scheduled_at": _later(120)},
    )
    assert moved["scheduled_at"] > scheduled["scheduled_at"]
    api.call("GET", "/api/v1/scheduled_statuses/{id}", "ScheduledStatus", at=scheduled)
    api.call("GET", "/api/v1/scheduled_statuses/{id}", "Error", status=404, who="bob", at=scheduled)
    api.call("DELETE", "/api/v1/scheduled_statuses/{id}", "Empty", at=scheduled)
    api.call("GET", "/api/v1/scheduled_statuses/{id}", "Error", status=404, at=scheduled)


@covers(
    "PUT /api/v1/statuses/{id}",
    "GET /api/v1/statuses/{id}/history",
    "GET /api/v1/statuses/{id}/source",
)
def test_edit_history_and_source(api: Api, people: People, rt: Runtime) -> None:
    status = api.call("POST", "/api/v1/statuses", "Status", json={"status": "Helo #typo"})
    edited = api.call(
        "PUT",
        "/api/v1/statuses/{id}",
        "Status",
        at=status,
        json={"status": "Hello #fixed", "spoiler_text": "greeting"},
    )
    assert edited["edited_at"] is not None
    assert "Hello" in edited["content"]
    assert [t["name"] for t in edited["tags"]] == ["fixed"]
    history = api.call("GET", "/api/v1/statuses/{id}/history", "[StatusEdit]", at=status)
    assert ["Helo" in h["content"] for h in history] == [True, False]
    source = api.call("GET", "/api/v1/statuses/{id}/source", "StatusSource", at=status)
    assert (source["text"], source["spoiler_text"]) == ("Hello #fixed", "greeting")
    api.call(
        "PUT",
        "/api/v1/statuses/{id}",
        "Error",
        status=404,
        who="bob",
        at=status,
        json={"status": "Not mine"},
    )
