"""``/api/v1/instance`` and ``/api/v2/instance``: real counts, settings-driven limits."""

from __future__ import annotations

from starlette.testclient import TestClient

from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People


def test_instance_v1_counts_users_and_statuses(
    client: TestClient, people: People, rt: Runtime
) -> None:
    do_create_post(rt, people.alice, "one")
    do_create_post(rt, people.alice, "two")
    do_create_post(rt, people.bob, "private", visibility="private")
    body = client.get("/api/v1/instance").json()
    assert body["stats"] == {"user_count": 2, "status_count": 3, "domain_count": 1}
    assert body["uri"] == "roost.test"
    assert body["registrations"] is True
    assert body["configuration"]["statuses"]["max_characters"] == rt.settings.max_post_chars
    assert "Roost" in body["version"]
    # The counts are cached for a minute: launches of many clients cost one count.
    do_create_post(rt, people.alice, "three")
    assert client.get("/api/v1/instance").json()["stats"]["status_count"] == 3


def test_instance_v2_reflects_settings_and_activity(
    client: TestClient, people: People, rt: Runtime
) -> None:
    assert people.alice
    rt.settings = rt.settings.model_copy(update={"registrations": "closed", "max_post_chars": 500})
    body = client.get("/api/v2/instance").json()
    assert body["domain"] == "roost.test"
    assert body["registrations"]["enabled"] is False
    assert body["configuration"]["statuses"]["max_characters"] == 500
    assert body["usage"]["users"]["active_month"] == 1
    assert body["api_versions"] == {"mastodon": 2}


def test_launch_endpoints_apps_call_answer(client: TestClient, tokens: Tokens) -> None:
    assert client.get("/api/v1/custom_emojis").json() == []
    assert client.get("/api/v1/preferences").status_code == 401
    prefs = client.get("/api/v1/preferences", headers=tokens.auth("alice")).json()
    assert prefs["posting:default:visibility"] == "public"
