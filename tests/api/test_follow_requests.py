"""Locked accounts over the API: ``locked`` in update_credentials, following files a
request, the requests list, authorize/reject, cancelling by unfollow, and the
followers-only posts a pending request does not reveal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.api.test_statuses import home_ids, post
from tests.conftest import People

Settle = Callable[[], int]


def lock(client: TestClient, tokens: Tokens, who: str, locked: bool = True) -> Any:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        data={"locked": "true" if locked else "false"},
        headers=tokens.auth(who),
    )
    assert response.status_code == 200, response.text
    return response.json()


def follow(client: TestClient, tokens: Tokens, who: str, target: int, **body: Any) -> Any:
    response = client.post(f"/api/v1/accounts/{target}/follow", json=body, headers=tokens.auth(who))
    assert response.status_code == 200, response.text
    return response.json()


def relationship(client: TestClient, tokens: Tokens, who: str, other: int) -> Any:
    response = client.get(
        "/api/v1/accounts/relationships", params={"id[]": other}, headers=tokens.auth(who)
    )
    return response.json()[0]


def request_count(client: TestClient, tokens: Tokens, who: str) -> int:
    me = client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth(who)).json()
    return int(me["source"]["follow_requests_count"])


def test_following_a_locked_account_answers_requested(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    assert lock(client, tokens, "bob")["locked"] is True
    rel = follow(client, tokens, "alice", people.bob, notify=True)
    assert (rel["following"], rel["requested"], rel["notifying"]) == (False, True, False)
    theirs = relationship(client, tokens, "bob", people.alice)
    assert (theirs["followed_by"], theirs["requested_by"]) == (False, True)
    assert request_count(client, tokens, "bob") == 1
    assert request_count(client, tokens, "alice") == 0


def test_authorize_keeps_the_requested_notify(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    lock(client, tokens, "bob")
    follow(client, tokens, "alice", people.bob, notify=True)
    response = client.post(
        f"/api/v1/follow_requests/{people.alice}/authorize", headers=tokens.auth("bob")
    )
    assert response.status_code == 200
    assert response.json()["id"] == str(people.alice)
    mine = relationship(client, tokens, "alice", people.bob)
    assert (mine["following"], mine["notifying"], mine["requested"]) == (True, True, False)
    assert request_count(client, tokens, "bob") == 0


def test_unfollow_cancels_a_pending_request(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    lock(client, tokens, "bob")
    follow(client, tokens, "alice", people.bob)
    response = client.post(f"/api/v1/accounts/{people.bob}/unfollow", headers=tokens.auth("alice"))
    assert response.json()["requested"] is False
    listed = client.get("/api/v1/follow_requests", headers=tokens.auth("bob")).json()
    assert listed == []


def test_requests_list_pages_with_a_link_header(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    lock(client, tokens, "alice")
    for fan in ("bob", "carol", "dave"):
        follow(client, tokens, fan, people.alice)
    first = client.get("/api/v1/follow_requests", params={"limit": 2}, headers=tokens.auth("alice"))
    assert [a["username"] for a in first.json()] == ["dave", "carol"]
    next_url = first.links["next"]["url"]
    rest = client.get(next_url, headers=tokens.auth("alice"))
    assert [a["username"] for a in rest.json()] == ["bob"]


def test_unlocking_approves_pending_requests(
    client: TestClient, tokens: Tokens, people: People, settle: Settle
) -> None:
    lock(client, tokens, "bob")
    follow(client, tokens, "alice", people.bob)
    assert lock(client, tokens, "bob", locked=False)["locked"] is False
    settle()
    assert relationship(client, tokens, "alice", people.bob)["following"] is True
    assert client.get("/api/v1/follow_requests", headers=tokens.auth("bob")).json() == []


def test_pending_request_does_not_reveal_followers_only_posts(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Settle
) -> None:
    # given a locked account's followers-only post and a pending request from alice
    lock(client, tokens, "bob")
    secret = post(client, tokens, "bob", "for approved followers", visibility="private")["id"]
    follow(client, tokens, "alice", people.bob)
    settle()

    def seen() -> tuple[int, bool, bool]:
        by_id = client.get(f"/api/v1/statuses/{secret}", headers=tokens.auth("alice"))
        listed = client.get(f"/api/v1/accounts/{people.bob}/statuses", headers=tokens.auth("alice"))
        return (
            by_id.status_code,
            secret in [s["id"] for s in listed.json()],
            secret in home_ids(client, tokens, "alice"),
        )

    # then alice sees it nowhere
    assert seen() == (404, False, False)
    # when bob approves her
    client.post(f"/api/v1/follow_requests/{people.alice}/authorize", headers=tokens.auth("bob"))
    settle()
    # then she sees it everywhere (the follow backfilled her home)
    assert seen() == (200, True, True)


def test_answering_someone_elses_request_is_not_found(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    lock(client, tokens, "bob")
    follow(client, tokens, "alice", people.bob)
    for action in ("authorize", "reject"):
        response = client.post(
            f"/api/v1/follow_requests/{people.alice}/{action}", headers=tokens.auth("carol")
        )
        assert response.status_code == 404
    assert relationship(client, tokens, "bob", people.alice)["requested_by"] is True
