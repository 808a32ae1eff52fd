"""Builds the ASGI application from Settings: the API, the web app, media files,
and (in the embedded default) a job worker thread inside the web process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread as to_thread
from starlette._utils import get_route_path  # what Starlette's own Router matches on
from starlette.applications import Starlette
from starlette.datastructures import URL
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Mount, Route, Router, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from roost.api.errors import BodyLimitMiddleware, api_exception_handlers
from roost.api.routes import api_routes
from roost.config import Settings, load_settings
from roost.runtime import Runtime, build_runtime
from roost.sms.webhook import sms_routes
from roost.web.app import web_middleware, web_routes
from roost.worker import Worker


def create_app(settings: Settings | None = None, *, rt: Runtime | None = None) -> Starlette:
    settings = settings or (rt.settings if rt else load_settings())
    runtime = rt or build_runtime(settings)
    media_dir = settings.data_dir / "media"
    media_dir.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Measured on the home timeline (SQLite, 32 connections): 40 threads (the
        # default) 104 req/s, 8 threads 120, 4 threads 133, 1 thread 163.
        to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        worker = None
        if settings.inprocess_worker:
            worker = Worker(runtime, name="inprocess")
            worker.start_thread()
        try:
            yield
        finally:
            if worker:
                worker.stop()
            if rt is None:
                runtime.close()

    routes = [
        *api_routes(),
        *sms_routes(),
        Mount("/media", app=StaticFiles(directory=media_dir), name="media"),
        *web_routes(),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(BodyLimitMiddleware), *web_middleware(settings)],
        exception_handlers=api_exception_handlers(),
    )
    app.router = PrefixRouter(routes, lifespan=lifespan)
    app.state.rt = runtime
    return app


# Path segments the route index goes down: /api/v1/<resource> tells the resources apart.
INDEX_DEPTH = 3


class PrefixRouter(Router):
    """Starlette's router, that tries only the routes a path could match. Starlette
    tries every route in turn (a regex each): with 270 routes, a request for a route
    near the end paid ~200 failed matches before its own. Here each route is filed
    under the literal segments its path starts with (up to three: ``/api/v1/timelines``);
    a request tries, in the original order, the routes filed under its own first
    segments and under their prefixes, plus those that start with a parameter
    (``/@{username}``) or are mounts, which are tried for every path. A route can only
    match a path that starts with its literal segments, so the first match, the 405
    for a wrong method and the trailing-slash redirect are those Starlette would give."""

    def __init__(self, routes: list[BaseRoute], **kwargs: object) -> None:
        super().__init__(routes, **kwargs)  # type: ignore[arg-type]
        self._indexed = -1
        self._index: dict[tuple[str, ...], list[BaseRoute]] = {}

    def _build_index(self) -> None:
        filed: dict[tuple[str, ...], list[int]] = {}
        for position, route in enumerate(self.routes):
            filed.setdefault(_literal_prefix(route), []).append(position)
        index: dict[tuple[str, ...], list[BaseRoute]] = {}
        for key in filed:
            # Every route filed under this key or one of its prefixes, in the original order.
            positions = sorted(
                p for depth in range(len(key) + 1) for p in filed.get(key[:depth], [])
            )
            index[key] = [self.routes[p] for p in positions]
        self._index = index
        self._indexed = len(self.routes)

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that could match ``path``, in the order Starlette would try them."""
        if self._indexed != len(self.routes):  # routes added since (``add_route``)
            self._build_index()
        segments = path[1:].split("/", INDEX_DEPTH)[:INDEX_DEPTH]
        for depth in range(len(segments), -1, -1):
            found = self._index.get(tuple(segments[:depth]))
            if found is not None:
                return found
        return []

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        route_path = get_route_path(scope)
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.candidates(route_path):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = (route, child_scope)
        if partial is not None:  # the path matched, the method did not: the route's 405
            scope["route"] = partial[0]
            scope.update(partial[1])
            await partial[0].handle(scope, receive, send)
            return
        if scope["type"] == "http" and self.redirect_slashes and route_path != "/":
            redirect_scope = dict(scope)
            if route_path.endswith("/"):
                redirect_scope["path"] = redirect_scope["path"].rstrip("/")
            else:
                redirect_scope["path"] = redirect_scope["path"] + "/"
            for route in self.candidates(get_route_path(redirect_scope)):
                if route.matches(redirect_scope)[0] is not Match.NONE:
                    response = RedirectResponse(url=str(URL(scope=redirect_scope)))
                    await response(scope, receive, send)
                    return
        await self.default(scope, receive, send)


def _literal_prefix(route: BaseRoute) -> tuple[str, ...]:
    """The segments a route's path starts with before any parameter (at most
    ``INDEX_DEPTH``); empty for mounts and anything else that is not a plain route."""
    if not isinstance(route, Route | WebSocketRoute):
        return ()
    literal: list[str] = []
    for segment in route.path[1:].split("/")[:INDEX_DEPTH]:
        if "{" in segment:
            break
        literal.append(segment)
    return tuple(literal)


def asgi() -> Starlette:
    """Factory for ``uvicorn --factory roost.app:asgi``: settings from the environment."""
    return create_app(load_settings())
