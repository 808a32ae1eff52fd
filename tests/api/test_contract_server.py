"""Contract: what a client reads at launch (instance, emoji, preferences) answers
Mastodon's entities, and every failure under /api is a Mastodon Error."""

from __future__ import annotations

from tests.api.contract import Api, covers
from tests.api.mastodon_entities import problems


@covers(
    "GET /api/v1/instance",
    "GET /api/v2/instance",
    "GET /api/v1/custom_emojis",
    "GET /api/v1/preferences",
)
def test_what_clients_read_at_launch(api: Api) -> None:
    v1 = api.call("GET", "/api/v1/instance", "V1Instance", who=None)
    v2 = api.call("GET", "/api/v2/instance", "Instance", who=None)
    assert v1["uri"] == v2["domain"]
    assert v2["api_versions"]["mastodon"] >= 2
    assert api.call("GET", "/api/v1/custom_emojis", "[CustomEmoji]", who=None) == []
    preferences = api.call("GET", "/api/v1/preferences", "Preferences")
    assert preferences["posting:default:visibility"] == "public"
    api.call("GET", "/api/v1/preferences", "Error", status=401, who=None)


def test_failures_outside_any_handler_are_mastodon_errors(api: Api) -> None:
    # 404s and 405s have no operation in /openapi.json: checked against Error alone
    for method, path, status in (
        ("GET", "/api/v1/nope", 404),
        ("DELETE", "/api/v1/timelines/home", 405),
        ("GET", "/oauth/token", 405),
    ):
        response = api.client.request(method, path)
        assert response.status_code == status
        assert not problems("Error", response.json()), path
