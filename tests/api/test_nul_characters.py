"""A NUL character in any parameter is bad input, not a crash (found by the
schemathesis run on PostgreSQL, whose text columns refuse NUL: every endpoint that
took text answered 500). The API answers 422 naming the parameter; the web app a
400 page. Both backends answer alike."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Tokens

NUL = "a\x00b"
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/v1/accounts/search", {"params": {"q": NUL}}),
    ("GET", "/api/v1/accounts/lookup", {"params": {"acct": NUL}}),
    ("GET", "/api/v1/timelines/tag/a%00b", {}),
    ("GET", "/api/v1/timelines/tag/roost", {"params": {"any[]": NUL}}),
    ("GET", "/api/v1/tags/a%00b", {}),
    ("POST", "/api/v1/statuses", {"json": {"status": NUL}}),
    ("POST", "/api/v1/lists", {"json": {"title": NUL}}),
    ("POST", "/api/v2/filters", {"json": {"title": NUL, "context": ["home"]}}),
    ("PATCH", "/api/v1/accounts/update_credentials", {"data": {"display_name": NUL}}),
    ("POST", "/api/v1/markers", {"json": {"home": {"last_read_id": NUL}}}),
    ("POST", "/api/v1/apps", {"json": {"client_name": NUL, "redirect_uris": "urn:x"}}),
    ("POST", "/oauth/token", {"data": {"grant_type": "password", "username": NUL}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), CASES)
def test_a_nul_character_in_a_parameter_is_a_422(
    client: Any, tokens: Tokens, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = client.request(method, path, headers=tokens.auth("alice"), **kwargs)
    assert response.status_code == 422, response.text
    assert "NUL" in response.json()["error"]


def test_a_nul_character_in_a_web_address_or_form_is_a_400_page(client: Any) -> None:
    for path in ("/tags/a%00b", "/@a%00b", "/explore?q=a%00b"):
        response = client.get(path)
        assert response.status_code == 400, (path, response.text)
        assert "NUL" in response.text
