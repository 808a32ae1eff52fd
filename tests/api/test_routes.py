"""The route table itself: a fixed-name path (``/accounts/verify_credentials``)
must never be swallowed by an earlier ``/{id}`` route, in any resource."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Match, Route

from roost.api.routes import api_routes


def _sample_path(route: Route) -> str:
    """A concrete path for the route, its parameters filled with a plausible ID."""
    path = route.path
    for name in route.param_convertors:
        path = path.replace(f"{{{name}}}", "110000000000000001")
    return path


def shadowed(routes: Sequence[BaseRoute]) -> list[tuple[str, str, str]]:
    """(method, route, earlier route that takes its requests) for every shadowed pair."""
    found = []
    for index, later in enumerate(routes):
        if not isinstance(later, Route):
            continue
        for method in sorted((later.methods or {"GET"}) - {"HEAD"}):
            scope = {"type": "http", "path": _sample_path(later), "method": method}
            for earlier in routes[:index]:
                match, _ = earlier.matches({**scope, "root_path": ""})
                if match is Match.FULL and isinstance(earlier, Route):
                    found.append((method, later.path, earlier.path))
                    break
    return found


def test_no_fixed_name_route_is_shadowed_by_an_earlier_id_route() -> None:
    assert shadowed(api_routes()) == []


def test_the_check_finds_a_shadowed_route() -> None:
    def handler() -> None: ...

    routes = [
        Route("/api/v1/things/{id}", handler, methods=["GET"]),
        Route("/api/v1/things/{id}", handler, methods=["DELETE"]),  # other method: fine
        Route("/api/v1/things/search", handler, methods=["GET"]),
    ]
    assert shadowed(routes) == [("GET", "/api/v1/things/search", "/api/v1/things/{id}")]
