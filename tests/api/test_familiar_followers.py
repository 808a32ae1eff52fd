"""``GET /api/v1/accounts/familiar_followers``: for each account asked about, the
people the viewer follows who follow it."""

from __future__ import annotations

from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.runtime import Runtime
from tests.api.conftest import Tokens, bearer
from tests.conftest import People

URL = "/api/v1/accounts/familiar_followers"


def test_familiar_followers_are_the_followed_who_follow_each_account(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    # given alice follows bob and carol; bob follows dave and erin, carol follows dave
    for follower, target in (
        (people.alice, people.bob),
        (people.alice, people.carol),
        (people.bob, people.dave),
        (people.bob, people.erin),
        (people.carol, people.dave),
        (people.frank, people.dave),  # alice does not follow frank
    ):
        do_follow(rt, follower, target)
    # when alice asks about dave, erin, frank and an unknown account
    response = client.get(
        URL,
        params=[("id[]", people.dave), ("id[]", people.erin), ("id[]", people.frank), ("id[]", 9)],
        headers=tokens.auth("alice"),
    )
    # then each known account gets its own entry, in the order asked
    assert response.status_code == 200, response.text
    answer = {
        entry["id"]: sorted(a["username"] for a in entry["accounts"]) for entry in response.json()
    }
    assert [entry["id"] for entry in response.json()] == [
        str(people.dave),
        str(people.erin),
        str(people.frank),
    ]
    assert answer == {
        str(people.dave): ["bob", "carol"],
        str(people.erin): ["bob"],
        str(people.frank): [],
    }


def test_familiar_followers_need_a_user_with_read_follows(
    client: TestClient, tokens: Tokens
) -> None:
    assert client.get(URL, params={"id[]": "1"}).status_code == 401
    assert client.get(URL, headers=bearer(tokens.app_token("read"))).status_code == 422
    only_statuses = tokens.issue("alice", "read:statuses")
    assert client.get(URL, headers=bearer(only_statuses)).status_code == 403
    assert client.get(URL, headers=tokens.auth("alice")).json() == []
