"""Mastodon's rate limits (sign-up per address, posting and follows per account),
enforced in the domain actions so every door shares them; the API answers 429 with
Retry-After and X-RateLimit-* headers. The suite runs with limits off; these turn
them on."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from roost.errors import RateLimited
from roost.graph import actions as graph_actions
from roost.posts import actions as post_actions
from roost.runtime import Runtime
from roost.store.ratelimit import RateRule
from tests.api.conftest import Tokens
from tests.api.test_accounts import signup
from tests.conftest import People


def test_sign_up_is_limited_per_address_with_mastodons_headers(
    client: TestClient, tokens: Tokens, rt: Runtime
) -> None:
    rt.limiter.enabled = True
    app_token = tokens.app_token()
    for n in range(5):
        response = signup(client, app_token, username=f"new{n}", email=f"new{n}@example.com")
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert response.headers["X-RateLimit-Limit"] == "5"  # type: ignore[attr-defined]
        assert response.headers["X-RateLimit-Remaining"] == str(4 - n)  # type: ignore[attr-defined]
    refused = signup(client, app_token, username="new5", email="new5@example.com")
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.json() == {"error": "Too many requests"}  # type: ignore[attr-defined]
    assert 0 < int(refused.headers["Retry-After"]) <= 30 * 60  # type: ignore[attr-defined]
    assert refused.headers["X-RateLimit-Remaining"] == "0"  # type: ignore[attr-defined]
    assert refused.headers["X-RateLimit-Reset"].endswith("Z")  # type: ignore[attr-defined]


def test_posting_and_following_are_limited_per_account(
    rt: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt.limiter.enabled = True
    monkeypatch.setattr(post_actions, "POSTING_RULE", RateRule("statuses", 2, 3600, "account"))
    monkeypatch.setattr(graph_actions, "FOLLOW_RULE", RateRule("follows", 1, 3600, "account"))
    post_actions.do_create_post(rt, people.alice, "one")
    post_actions.do_create_post(rt, people.alice, "two", idempotency_key="k")
    # a retried request is the same post, not counted again
    post_actions.do_create_post(rt, people.alice, "two", idempotency_key="k")
    with pytest.raises(RateLimited):
        post_actions.do_create_post(rt, people.alice, "three")
    post_actions.do_create_post(rt, people.bob, "bob's own count")
    graph_actions.do_follow(rt, people.alice, people.bob)
    with pytest.raises(RateLimited):
        graph_actions.do_follow(rt, people.alice, people.carol)


def test_posting_reports_its_limit_on_success(
    client: TestClient, tokens: Tokens, rt: Runtime
) -> None:
    rt.limiter.enabled = True
    response = client.post("/api/v1/statuses", json={"status": "hi"}, headers=tokens.auth("alice"))
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Limit"] == "300"
    assert response.headers["X-RateLimit-Remaining"] == "299"
