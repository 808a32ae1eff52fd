"""``PrefixRouter`` (``roost.app``) tries fewer routes than Starlette's router but
must choose exactly what it would: the same route, the same 405, the same redirect."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.routing import BaseRoute, Match, Route, Router, WebSocketRoute

from roost.app import PrefixRouter, create_app
from roost.config import Settings


def _app_routes(tmp_path: Path) -> list[BaseRoute]:
    app = create_app(Settings(data_dir=tmp_path, base_url="http://roost.test"))
    assert isinstance(app.router, PrefixRouter)
    return list(app.router.routes)


def _sample(route: BaseRoute, value: str) -> str:
    assert isinstance(route, Route | WebSocketRoute)
    path = route.path
    for name, convertor in route.param_convertors.items():
        filled = "110000000000000001" if type(convertor).__name__ == "IntegerConvertor" else value
        path = path.replace(f"{{{name}}}", filled).replace(f"{{{name}:int}}", filled)
        path = path.replace(f"{{{name}:path}}", f"{value}/x.png")
    return path


def _paths(routes: list[BaseRoute]) -> list[str]:
    """Every route's path with plausible and awkward parameters, with and without a
    trailing slash, and paths no route has."""
    found = {"/", "", "/nope", "/api", "/api/v1", "/api/v1/", "/api/v2/nope", "/media/a.png"}
    found |= {"/static/app.css", "/@alice", "/@alice/", "/api/v1/accounts/x/y/z/w", "//", "/a//b"}
    for route in routes:
        if not isinstance(route, Route | WebSocketRoute):
            continue
        for value in ("alice", "110000000000000001", "verify_credentials", "@x", "%20"):
            path = _sample(route, value)
            found |= {path, path + "/", path.rstrip("/") or "/", path + "/more"}
    return sorted(found)


def _linear_choice(routes: list[BaseRoute], scope: dict[str, Any]) -> tuple[str, Any]:
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return ("full", route)
        if match is Match.PARTIAL and partial is None:
            partial = route
    return ("partial", partial)


def _indexed_choice(router: PrefixRouter, scope: dict[str, Any]) -> tuple[str, Any]:
    return _linear_choice(router.candidates(scope["path"]), scope)


def test_the_index_chooses_the_route_starlette_would(tmp_path: Path) -> None:
    routes = _app_routes(tmp_path)
    router = PrefixRouter(routes)
    checked = 0
    for path in _paths(routes):
        for kind in ("http", "websocket"):
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                scope = {"type": kind, "path": path, "root_path": "", "method": method}
                assert _indexed_choice(router, scope) == _linear_choice(routes, scope), (
                    method,
                    path,
                )
                checked += 1
    assert checked > 10_000


def _status(app: Any, method: str, path: str) -> tuple[int, str]:
    sent: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
            sent["location"] = dict(message["headers"]).get(b"location", b"").decode()

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"roost.test")],
        "scheme": "http",
        "server": ("roost.test", 80),
    }
    asyncio.run(app(scope, receive, send))
    return sent["status"], sent["location"]


def test_405_and_slash_redirects_are_starlettes(tmp_path: Path) -> None:
    routes = _app_routes(tmp_path)
    indexed, linear = PrefixRouter(routes), Router(routes)
    for method, path in [
        ("DELETE", "/api/v1/timelines/home"),  # 405
        ("GET", "/api/v1/timelines/home/"),  # redirect to the path without the slash
        ("GET", "/api/v1/nothing-here"),  # 404
        ("GET", "/nothing-here/"),
    ]:
        assert _status(indexed, method, path) == _status(linear, method, path), (method, path)
