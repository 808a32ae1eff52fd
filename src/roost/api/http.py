"""The endpoint decorator: what every API handler shares. It checks the token and
its scope first, then reads the parameters (the body with a cap: 64 KB unless the
endpoint takes files), fills the declared request Struct, runs the synchronous
handler in a thread and maps errors to Mastodon's ``{"error": ...}`` bodies.

Parameters live in ``roost.api.params``, the token in ``roost.api.auth``, the
error mapping in ``roost.api.errors`` and rendering in ``roost.api.responses``."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from roost.addresses import client_address
from roost.api.auth import check_access
from roost.api.errors import ApiError, domain_error_response
from roost.api.params import BODY_METHODS, Params, parse_input, read_params
from roost.api.responses import error_response, rate_headers
from roost.bodies import SMALL_BODY_BYTES
from roost.errors import RoostError
from roost.ids import parse_id
from roost.media.images import MAX_UPLOAD_BYTES
from roost.oauth.queries import TokenInfo
from roost.runtime import Runtime
from roost.store.ratelimit import RateRule

# Each file's own limit, plus room for the other fields and the multipart framing.
_FORM_MARGIN = 1024 * 1024


@dataclass
class Ctx:
    """One API request: the runtime, the token (if any) and the parameters; ``input``
    is the endpoint's declared request Struct, filled from them (see ``parse_input``)."""

    rt: Runtime
    request: Request
    params: Params
    token: TokenInfo | None
    input: Any = None

    @property
    def viewer_id(self) -> int | None:
        return self.token.account_id if self.token else None

    @property
    def account_id(self) -> int:
        """The signed-in account; routes that need one declare ``user=True``."""
        assert self.token is not None
        assert self.token.account_id is not None
        return self.token.account_id

    def path_id(self, name: str = "id") -> int:
        value = parse_id(self.request.path_params[name])
        if value is None:  # no such record can exist
            raise ApiError(404, "Record not found")
        return value


def rate_key(ctx: Ctx, rule: RateRule) -> str | int | None:
    """Who ``rule`` counts for this request: the account, or the client's address."""
    return ctx.viewer_id if rule.per == "account" else client_address(ctx.request)


Handler = Callable[[Ctx], Response]


@dataclass(frozen=True)
class EndpointInfo:
    """What ``endpoint()`` was told, kept on the wrapper for the OpenAPI document."""

    scope: str | None
    user: bool
    auth: bool
    response: Any
    request: Any = None
    limit: RateRule | None = None
    files: tuple[str, ...] = ()

    @property
    def body_limit(self) -> int:
        """The most bytes of body this endpoint reads: 64 KB, or room for its files."""
        if not self.files:
            return SMALL_BODY_BYTES
        return len(self.files) * MAX_UPLOAD_BYTES + _FORM_MARGIN


def endpoint(
    *,
    scope: str | None = None,
    user: bool = False,
    auth: bool = False,
    response: Any = None,
    request: type[msgspec.Struct] | None = None,
    limit: RateRule | None = None,
    files: tuple[str, ...] = (),
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wraps a synchronous handler: checks the token and scope, then reads the
    parameters, runs the handler in a thread (domain code is synchronous) and maps
    errors.

    ``scope``: the OAuth scope required when a token is given (and always, if
    ``auth`` or ``user``); ``user``: a token belonging to an account is required;
    ``auth``: some token (an app token will do) is required; ``response``: the
    entity type returned (e.g. ``Account`` or ``list[Account]``), for ``/openapi.json``;
    ``request``: a Struct declaring the parameters, which ``/openapi.json`` publishes
    and which the handler receives, validated, as ``ctx.input``; ``limit``: the
    rate rule the handler's action counts (``enforce``), whose state a success
    reports in X-RateLimit-* headers (a 429 carries them too); ``files``: the
    multipart file fields the endpoint takes (``ctx.params.get_file``), each up to
    the upload limit. Without files a body is capped at 64 KB and a file is refused.
    """

    def decorate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        info = EndpointInfo(scope, user, auth, response, request, limit, files)

        @functools.wraps(handler)
        async def wrapper(request: Request) -> Response:
            rt: Runtime = request.app.state.rt
            try:
                if request.method not in BODY_METHODS:  # one trip to the thread pool
                    params = await read_params(request)
                    return await run_in_threadpool(
                        _check_and_call, handler, info, rt, request, params
                    )
                # The token first: a request that may not call this never has its body read.
                token = await run_in_threadpool(
                    check_access, rt, request, scope=scope, user=user, auth=auth
                )
                params = await read_params(
                    request,
                    limit=info.body_limit,
                    files_allowed=len(files),
                    file_limit=MAX_UPLOAD_BYTES,
                )
                return await run_in_threadpool(_call, handler, info, rt, request, params, token)
            except ApiError as exc:
                return error_response(exc.status, exc.message, exc.details)
            except RoostError as exc:
                return domain_error_response(exc)

        wrapper.__roost_handler__ = handler  # type: ignore[attr-defined]
        wrapper.__roost_endpoint__ = info  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _check_and_call(
    handler: Handler, info: EndpointInfo, rt: Runtime, request: Request, params: Params
) -> Response:
    with rt.db.pinned():  # the token and the handler's reads share one connection
        token = check_access(rt, request, scope=info.scope, user=info.user, auth=info.auth)
        return _call(handler, info, rt, request, params, token)


def _call(
    handler: Handler,
    info: EndpointInfo,
    rt: Runtime,
    request: Request,
    params: Params,
    token: TokenInfo | None,
) -> Response:
    ctx = Ctx(rt, request, params, token)
    if info.request is not None:
        ctx.input = parse_input(params, info.request)
    with rt.db.pinned():  # every read of the handler on one pooled connection
        response = handler(ctx)
    limit = info.limit
    key = rate_key(ctx, limit) if limit is not None and rt.limiter.enabled else None
    if limit is not None and key is not None and response.status_code < 400:
        response.headers.update(rate_headers(rt.limiter.state(limit, key)))
    return response
