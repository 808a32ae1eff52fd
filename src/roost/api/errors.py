"""How the API fails: in JSON, always. Client libraries parse every answer under
``/api/``, ``/oauth/`` and ``/.well-known/`` as JSON, so the failures that never
reach a handler answer ``{"error": ...}`` there too: an unknown route (404), a
wrong method (405, with ``Allow``), a body over the limit (413) and a crash (500,
which says nothing of its cause; the exception is still raised to the server,
which logs it). Everywhere else (the web app) keeps its own answers.

``/oauth/authorize`` is a page for a person in a browser (``roost.web.oauth``):
its problems are HTML pages, so it is left out of the JSON rule; a client never
fetches it, it only sends the browser there.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import redis
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, ExceptionHandler, Message, Receive, Scope, Send

from roost.api.responses import error_response, rate_headers
from roost.errors import Forbidden, NotFound, RateLimited, RoostError, ValidationFailed
from roost.media.actions import MAX_ATTACHMENTS
from roost.media.images import MAX_UPLOAD_BYTES
from roost.store.db import is_unavailable
from roost.store.ratelimit import RateState

log = logging.getLogger("roost.api")

JSON_PREFIXES = ("/api/", "/oauth/", "/.well-known/")
BROWSER_PAGES = frozenset({"/oauth/authorize"})
# The web composer may carry four pictures in one form (update_credentials two); the
# margin is for the other fields and the multipart framing.
MAX_BODY_BYTES = MAX_ATTACHMENTS * MAX_UPLOAD_BYTES + 1024 * 1024


class ApiError(Exception):
    """A refusal a handler (or the request's parsing) decides on: answered as
    ``{"error": message, "details": ...}`` with ``status``."""

    def __init__(self, status: int, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def domain_error_response(exc: RoostError) -> Response:
    """The domain's errors as Mastodon answers them: 404, 403, 429 (with
    ``Retry-After`` and the rate headers) and 422 (each problem in ``details``)."""
    if isinstance(exc, NotFound):
        return error_response(404, exc.message)
    if isinstance(exc, Forbidden):
        return error_response(403, exc.message)
    if isinstance(exc, RateLimited):
        response = error_response(429, exc.message)
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        if exc.limit is not None and exc.reset is not None:
            response.headers.update(rate_headers(RateState(exc.limit, 0, exc.reset)))
        return response
    if isinstance(exc, ValidationFailed):
        details: dict[str, list[dict[str, str]]] = {}
        for problem in exc.problems:
            details.setdefault(problem.field or "base", []).append(
                {"error": problem.code, "description": problem.message}
            )
        messages = ", ".join(p.message for p in exc.problems)
        return error_response(422, f"Validation failed: {messages}", details)
    return error_response(422, exc.message)


def speaks_json(path: str) -> bool:
    return path.startswith(JSON_PREFIXES) and path.rstrip("/") not in BROWSER_PAGES


def _phrase(status: int) -> str:
    return HTTPStatus(status).phrase


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such route, wrong method, body too large)."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    if not speaks_json(request.url.path):
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    response = error_response(exc.status_code, exc.detail or _phrase(exc.status_code))
    response.headers.update(exc.headers or {})
    return response


async def server_error(request: Request, _exc: Exception) -> Response:
    """An exception no handler expected: a bug. The answer names no internals."""
    if not speaks_json(request.url.path):
        return PlainTextResponse(_phrase(500), status_code=500)
    return error_response(500, _phrase(500))


RETRY_AFTER_S = 5
UNAVAILABLE = (sa_exc.DBAPIError, sa_exc.TimeoutError, redis.ConnectionError, redis.TimeoutError)


async def service_unavailable(request: Request, exc: Exception) -> Response:
    """The database or Redis is not answering (a restart, an outage): a quick 503 with
    ``Retry-After``, on API paths in JSON. Any other database error is a bug: a 500."""
    if not is_unavailable(exc):
        raise exc
    log.warning("503 for %s %s: %s", request.method, request.url.path, exc.__class__.__name__)
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if not speaks_json(request.url.path):
        return PlainTextResponse(_phrase(503), status_code=503, headers=headers)
    response = error_response(503, _phrase(503))
    response.headers.update(headers)
    return response


def api_exception_handlers() -> dict[Any, ExceptionHandler]:
    handlers: dict[Any, ExceptionHandler] = {HTTPException: http_exception, Exception: server_error}
    return handlers | dict.fromkeys(UNAVAILABLE, service_unavailable)


class BodyLimitMiddleware:
    """Refuses any request body (API or web) over ``limit`` bytes with a 413: at
    once when the Content-Length says so (nothing is read), or as soon as a body
    sent without one (chunked) passes the limit. The outer bound only: each
    endpoint reads its body with its own, much smaller cap (``roost.bodies``)."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            response: Response = PlainTextResponse(self._message(), status_code=413)
            if speaks_json(scope["path"]):
                response = error_response(413, self._message())
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"The request body is larger than {self.limit // (1024 * 1024)} MB"
