"""Bad input found while fuzzing the API (tests/api/test_schemathesis.py and probes
beside it) that answered 500: each is a 4xx now."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Tokens
from tests.conftest import People

HUGE = "9" * 30


@pytest.mark.parametrize(
    "body",
    [b"[" * 5000 + b"]" * 5000, ("{" + '"a": {' * 3000 + "}" * 3001).encode()],
    ids=["arrays", "objects"],
)
def test_deeply_nested_json_is_a_400(client: Any, tokens: Tokens, body: bytes) -> None:
    headers = {**tokens.auth("alice"), "content-type": "application/json"}
    response = client.post("/api/v1/statuses", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert "nested" in response.json()["error"]


@pytest.mark.parametrize("path", ["/api/v2/filters", "/api/v1/filters"])
def test_a_filter_expiring_past_any_date_is_a_422(client: Any, tokens: Tokens, path: str) -> None:
    body = {"title": "t", "phrase": "t", "context": ["home"], "expires_in": HUGE}
    response = client.post(path, json=body, headers=tokens.auth("alice"))
    assert response.status_code == 422, response.text
    assert "expires_in" in response.json()["details"]


def test_a_mute_longer_than_any_date_is_a_422(client: Any, tokens: Tokens, people: People) -> None:
    response = client.post(
        f"/api/v1/accounts/{people.bob}/mute", json={"duration": HUGE}, headers=tokens.auth("alice")
    )
    assert response.status_code == 422, response.text
    assert "duration" in response.json()["details"]
