"""Every API route has a contract test. A new endpoint (notifications,
conversations, markers, ...) fails here until a ``test_contract_*.py`` test
declares it with ``@covers("METHOD /route")`` and calls it through ``api.call``
(which checks the answer against its Mastodon entity in ``mastodon_entities``)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Route

from roost.api.routes import api_routes
from tests.api import (
    test_contract_accounts,
    test_contract_admin_accounts,
    test_contract_audience,
    test_contract_authorized_apps,
    test_contract_circles,
    test_contract_discovery,
    test_contract_emails,
    test_contract_filters,
    test_contract_follow_requests,
    test_contract_lists,
    test_contract_media,
    test_contract_moderation,
    test_contract_notifications,
    test_contract_phone,
    test_contract_registrations,
    test_contract_richer,
    test_contract_search,
    test_contract_server,
    test_contract_statuses,
)
from tests.api.contract import declared_routes

CONTRACT_PREFIXES = ("/api/", "/oauth/", "/.well-known/")
CONTRACT_MODULES = (
    test_contract_accounts,
    test_contract_statuses,
    test_contract_server,
    test_contract_notifications,
    test_contract_follow_requests,
    test_contract_audience,
    test_contract_lists,
    test_contract_circles,
    test_contract_discovery,
    test_contract_filters,
    test_contract_authorized_apps,
    test_contract_phone,
    test_contract_media,
    test_contract_richer,
    test_contract_search,
    test_contract_moderation,
    test_contract_admin_accounts,
    test_contract_emails,
    test_contract_registrations,
)

# Answers that are not JSON entities, covered by tests/api/test_streaming.py: the
# streaming API's server-sent events and its plain-text health check. (The
# WebSocket routes are WebSocketRoutes, not listed here at all.)
EXEMPT = frozenset(
    {
        "GET /api/v1/streaming/health",
        "GET /api/v1/streaming/user",
        "GET /api/v1/streaming/user/notification",
        "GET /api/v1/streaming/public",
        "GET /api/v1/streaming/public/local",
        "GET /api/v1/streaming/public/remote",
        "GET /api/v1/streaming/hashtag",
        "GET /api/v1/streaming/hashtag/local",
        "GET /api/v1/streaming/direct",
        "GET /api/v1/streaming/list",
    }
)


def served(routes: Sequence[BaseRoute]) -> set[str]:
    return {
        f"{method} {route.path}"
        for route in routes
        if isinstance(route, Route) and route.path.startswith(CONTRACT_PREFIXES)
        for method in (route.methods or {"GET"}) - {"HEAD"}
    }


def test_every_api_route_has_a_contract_test() -> None:
    routes = served(api_routes())
    declared = declared_routes(*CONTRACT_MODULES)
    assert sorted(routes - EXEMPT - declared) == [], "add a contract test for these"
    assert sorted(declared - routes) == [], "contract tests declare routes nobody serves"
    assert sorted(EXEMPT - routes) == [], "exemptions for routes nobody serves"


def test_a_route_without_a_contract_test_is_found() -> None:
    def handler() -> None: ...

    routes = [*api_routes(), Route("/api/v1/not_served", handler, methods=["GET", "POST"])]
    missing = served(routes) - EXEMPT - declared_routes(*CONTRACT_MODULES)
    assert missing == {"GET /api/v1/not_served", "POST /api/v1/not_served"}
