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


@pytest.mark.parametrize(
    ("field", "form", "json"),
    [
        (
            "fields_attributes",
            {"fields_attributes[0][name]": "Site", "fields_attributes[0][value]": "x.example"},
            {"fields_attributes": {"0": {"name": "Site", "value": "x.example"}}},
        ),
        (
            "fields_attributes",
            {"fields_attributes[][name]": "Site", "fields_attributes[][value]": "x"},
            {"fields_attributes": [{"name": "Site", "value": "x.example"}]},
        ),
        ("source[privacy]", {"source[privacy]": "private"}, {"source": {"privacy": "private"}}),
        ("source[sensitive]", {"source[sensitive]": "true"}, {"source": {"sensitive": True}}),
        ("source[language]", {"source[language]": "fr"}, {"source": {"language": "fr"}}),
        ("hide_collections", {"hide_collections": "true"}, {"hide_collections": True}),
        ("indexable", {"indexable": "false"}, {"indexable": False}),
        (
            "attribution_domains",
            {"attribution_domains[]": "news.example"},
            {"attribution_domains": ["news.example"]},
        ),
    ],
)
def test_an_unsupported_profile_setting_is_422_and_changes_nothing(
    client: TestClient, tokens: Tokens, field: str, form: dict[str, str], json: dict[str, Any]
) -> None:
    before = _me(client, tokens)
    for body in ({"data": {**form, "display_name": "Changed"}}, {"json": {**json, "note": "x"}}):
        response = client.patch(URL, headers=tokens.auth("alice"), **body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["details"], response.text
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
