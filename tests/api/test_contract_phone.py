"""Contract: Roost's phone API (linking a phone for the SMS gateway) answers its
Phone and PhoneSettings entities, and nobody else's account shows a number."""

from __future__ import annotations

import re
from collections.abc import Callable

from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People
from tests.phones.conftest import last_code

Settle = Callable[[], int]


@covers(
    "GET /api/roost/v1/phone",
    "POST /api/roost/v1/phone",
    "POST /api/roost/v1/phone/verify",
    "DELETE /api/roost/v1/phone",
)
def test_linking_a_phone(api: Api, rt: Runtime, people: People, settle: Settle) -> None:
    api.call("GET", "/api/roost/v1/phone", "Error", status=404)
    api.call("POST", "/api/roost/v1/phone", "Error", status=422, data={"number": "555-0123"})
    entered = api.call("POST", "/api/roost/v1/phone", "Phone", data={"number": "+1 415 555 0123"})
    assert entered == {
        "number": "+14155550123",
        "verified": False,
        "receiving": False,
        "stopped": False,
    }
    settle()  # the code is texted
    api.call("POST", "/api/roost/v1/phone/verify", "Error", status=422, json={"code": "x"})
    code = last_code(rt, people.alice)
    verified = api.call("POST", "/api/roost/v1/phone/verify", "Phone", json={"code": code})
    assert verified["verified"]
    assert verified["receiving"]
    assert api.call("GET", "/api/roost/v1/phone", "Phone") == verified
    api.call("GET", "/api/roost/v1/phone", "Error", status=404, who="bob")
    api.call(  # the number is alice's now
        "POST", "/api/roost/v1/phone", "Error", status=422, who="bob",
        data={"number": "+14155550123"},
    )  # fmt: skip
    api.call("DELETE", "/api/roost/v1/phone", "Empty")
    api.call("DELETE", "/api/roost/v1/phone", "Error", status=404)
    api.call("GET", "/api/roost/v1/phone", "Error", status=401, who=None)


@covers("GET /api/roost/v1/phone/settings", "PUT /api/roost/v1/phone/settings")
def test_phone_settings(api: Api, rt: Runtime, people: People, settle: Settle) -> None:
    api.call("GET", "/api/roost/v1/phone/settings", "Error", status=404)
    api.call("POST", "/api/roost/v1/phone", "Phone", data={"number": "+14155550123"})
    defaults = api.call("GET", "/api/roost/v1/phone/settings", "PhoneSettings")
    assert defaults == {
        "texts_on": True,
        "posts": True,
        "mentions": True,
        "direct_messages": True,
        "quiet_hours_start": None,
        "quiet_hours_end": None,
        "quiet_hours": "hold",
        "time_zone": "UTC",
        "daily_cap": 100,
    }
    changed = api.call(
        "PUT", "/api/roost/v1/phone/settings", "PhoneSettings",
        data={"quiet_hours_start": "22:00", "quiet_hours_end": "07:00",
              "quiet_hours": "drop", "time_zone": "America/Chicago", "mentions": "false",
              "daily_cap": "20"},
    )  # fmt: skip
    assert changed == {
        **defaults,
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:00",
        "quiet_hours": "drop",
        "time_zone": "America/Chicago",
        "mentions": False,
        "daily_cap": 20,
    }
    for bad in ({"time_zone": "Nowhere/Else"}, {"quiet_hours_start": "7pm"}, {"daily_cap": -5}):
        api.call("PUT", "/api/roost/v1/phone/settings", "Error", status=422, json=bad)
    api.call("PUT", "/api/roost/v1/phone/settings", "Error", status=422, json={"quiet_hours": "x"})
    api.call("PUT", "/api/roost/v1/phone/settings", "Error", status=404, who="bob", json={})


def test_no_answer_about_another_account_shows_the_number(
    api: Api, rt: Runtime, people: People, settle: Settle
) -> None:
    """The leak test: bob's number appears in none of the answers alice gets about him."""
    api.call("POST", "/api/roost/v1/phone", "Phone", who="bob", data={"number": "+14155550199"})
    settle()
    api.call(
        "POST", "/api/roost/v1/phone/verify", "Phone", who="bob",
        json={"code": last_code(rt, people.bob)},
    )  # fmt: skip
    bob = str(people.bob)
    api.call("POST", "/api/v1/accounts/{id}/follow", "Relationship", at={"id": bob})
    status = api.call("POST", "/api/v1/statuses", "Status", who="bob", data={"status": "hi"})
    settle()
    digits = re.compile(r"\+?1?\s*\(?415\)?[\s.-]*555[\s.-]*0199")
    for path in (
        f"/api/v1/accounts/{bob}",
        "/api/v1/accounts/lookup?acct=bob",
        f"/api/v1/accounts/{bob}/statuses",
        f"/api/v1/accounts/relationships?id[]={bob}",
        "/api/v1/accounts/search?q=bob",
        f"/api/v1/statuses/{status['id']}",
        "/api/v1/timelines/home",
        "/api/v1/notifications",
        "/api/roost/v1/phone",
        "/api/roost/v1/phone/settings",
    ):
        response = api.client.get(path, headers={"Authorization": f"Bearer {api.tokens.alice}"})
        assert not digits.search(response.text), path
    for page in ("/@bob", "/@bob/followers", "/@alice/following"):
        assert not digits.search(api.client.get(page).text), page
