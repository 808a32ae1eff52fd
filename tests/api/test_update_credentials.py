"""``PATCH /api/v1/accounts/update_credentials`` refuses what Roost cannot keep (profile
fields, posting defaults, ...) with a 422 that changes nothing, instead of
answering 200 and dropping it."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.api.conftest import Tokens

URL = "/api/v1/accounts/update_credentials"


def _me(client: TestClient, tokens: Tokens) -> Any:
    return client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth("alice")).json()


def _settings(me: Any) -> dict[str, Any]:
    source = me["source"]
    return {
        "fields": [(f["name"], f["value"]) for f in source["fields"]],
        "privacy": source["privacy"],
        "sensitive": source["sensitive"],
        "language": source["language"],
        "hide_collections": me["hide_collections"],
        "indexable": me["indexable"],
        "discoverable": me["discoverable"],
        "bot": me["bot"],
        "locked": me["locked"],
    }


WANTED = {
    "fields": [("Site", "https://x.example/"), ("Pronouns", "she/her")],
    "privacy": "private",
    "sensitive": True,
    "language": "fr",
    "hide_collections": True,
    "indexable": False,
    "discoverable": False,
    "bot": True,
    "locked": True,
}
FLAGS = ("hide_collections", "indexable", "discoverable", "bot", "locked")


@pytest.mark.parametrize(
    "body",
    [
        {
            "data": {
                "fields_attributes[0][name]": "Site",
                "fields_attributes[0][value]": "https://x.example/",
                "fields_attributes[1][name]": "Pronouns",
                "fields_attributes[1][value]": "she/her",
                "source[privacy]": "private",
                "source[sensitive]": "true",
                "source[language]": "fr",
                **{flag: str(WANTED[flag]).lower() for flag in FLAGS},
            }
        },
        {
            "data": {
                "fields_attributes[][name]": ["Site", "Pronouns"],
                "fields_attributes[][value]": ["https://x.example/", "she/her"],
                "source[privacy]": "private",
                "source[sensitive]": "1",
                "source[language]": "fr",
                **{flag: str(WANTED[flag]).lower() for flag in FLAGS},
            }
        },
        {
            "json": {
                "fields_attributes": [
                    {"name": "Site", "value": "https://x.example/"},
                    {"name": "Pronouns", "value": "she/her"},
                ],
                "source": {"privacy": "private", "sensitive": True, "language": "fr"},
                **{flag: WANTED[flag] for flag in FLAGS},
            }
        },
        {
            "json": {
                "fields_attributes": {
                    "0": {"name": "Site", "value": "https://x.example/"},
                    "1": {"name": "Pronouns", "value": "she/her"},
                },
                "source": {"privacy": "private", "sensitive": True, "language": "fr"},
                **{flag: WANTED[flag] for flag in FLAGS},
            }
        },
    ],
)
def test_every_profile_setting_round_trips(
    client: TestClient, tokens: Tokens, body: dict[str, Any]
) -> None:
    response = client.patch(URL, headers=tokens.auth("alice"), **body)
    assert response.status_code == 200, response.text
    me = _me(client, tokens)
    assert _settings(me) == WANTED
    assert me["fields"][0]["value"].startswith('<a href="https://x.example/"')  # linked
    shown = client.get(f"/api/v1/accounts/{me['id']}").json()
    assert (shown["bot"], shown["discoverable"], len(shown["fields"])) == (True, False, 2)


def test_profile_fields_are_sanitised_and_limited(client: TestClient, tokens: Tokens) -> None:
    response = client.patch(
        URL,
        headers=tokens.auth("alice"),
        json={"fields_attributes": [{"name": "<b>x</b>", "value": "<script>alert(1)</script>"}]},
    )
    assert response.status_code == 200, response.text
    field = response.json()["fields"][0]
    assert "<script>" not in field["value"]
    assert "&lt;script&gt;" in field["value"]
    five = [{"name": f"n{i}", "value": "v"} for i in range(5)]
    response = client.patch(URL, headers=tokens.auth("alice"), json={"fields_attributes": five})
    assert response.status_code == 422
    response = client.patch(
        URL, headers=tokens.auth("alice"), json={"source": {"privacy": "direct"}}
    )
    assert response.status_code == 422


def test_default_privacy_applies_to_posts_without_visibility(
    client: TestClient, tokens: Tokens
) -> None:
    client.patch(
        URL,
        headers=tokens.auth("alice"),
        data={"source[privacy]": "unlisted", "source[language]": "fr"},
    )
    posted = client.post("/api/v1/statuses", headers=tokens.auth("alice"), json={"status": "hi"})
    assert (posted.json()["visibility"], posted.json()["language"]) == ("unlisted", "fr")
    explicit = client.post(
        "/api/v1/statuses",
        headers=tokens.auth("alice"),
        json={"status": "hi", "visibility": "public"},
    )
    assert explicit.json()["visibility"] == "public"


def test_an_unsupported_profile_setting_is_422_and_changes_nothing(
    client: TestClient, tokens: Tokens
) -> None:
    before = _me(client, tokens)
    for body in (
        {"data": {"attribution_domains[]": "news.example", "display_name": "Changed"}},
        {"json": {"attribution_domains": ["news.example"], "note": "x"}},
    ):
        response = client.patch(URL, headers=tokens.auth("alice"), **body)
        assert response.status_code == 422, (body, response.text)
        assert "attribution_domains" in response.json()["details"], response.text
        assert "not supported" in response.json()["error"]
    assert _me(client, tokens) == before


def test_values_roost_already_has_are_accepted(client: TestClient, tokens: Tokens) -> None:
    # a client that sends back the whole form, unchanged, must not be refused
    response = client.patch(
        URL,
        data={
            "display_name": "Alice",
            "source[privacy]": "public",
            "source[sensitive]": "false",
            "source[language]": "",
            "fields_attributes[0][name]": "",
            "fields_attributes[0][value]": "",
            "hide_collections": "false",
            "indexable": "true",
        },
        headers=tokens.auth("alice"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "Alice"


def test_hidden_collections_are_shown_to_their_owner_only(
    client: TestClient, tokens: Tokens
) -> None:
    me = _me(client, tokens)
    bob = client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth("bob")).json()
    client.post(f"/api/v1/accounts/{me['id']}/follow", headers=tokens.auth("bob"))
    client.patch(URL, headers=tokens.auth("alice"), json={"hide_collections": True})
    path = f"/api/v1/accounts/{me['id']}/followers"
    assert client.get(path, headers=tokens.auth("carol")).json() == []
    assert client.get(path).json() == []
    own = client.get(path, headers=tokens.auth("alice")).json()
    assert [a["id"] for a in own] == [bob["id"]]
