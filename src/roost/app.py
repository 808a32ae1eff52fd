"""Builds the ASGI application from Settings: the API, the web app, media files,
and (in the embedded default) a job worker thread inside the web process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread as to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

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
    app.state.rt = runtime
    return app


def asgi() -> Starlette:
    """Factory for ``uvicorn --factory roost.app:asgi``: settings from the environment."""
    return create_app(load_settings())
