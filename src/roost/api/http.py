"""What every API handler shares: reading parameters from JSON, forms, multipart or
the query string alike; authenticating the bearer token and checking its scope;
rendering entities with msgspec; and turning domain errors into Mastodon's
``{"error": ...}`` bodies."""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from roost.addresses import client_address
from roost.errors import Forbidden, NotFound, RateLimited, RoostError, ValidationFailed
from roost.ids import parse_id
from roost.oauth.queries import TokenInfo, get_token, scope_allows
from roost.runtime import Runtime
from roost.store.ratelimit import RateRule, RateState

_encoder = msgspec.json.Encoder()
STREAMING_PREFIX = "/api/v1/streaming"


class ApiError(Exception):
    def __init__(self, status: int, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def json_response(
    content: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        _encoder.encode(content), status_code=status, headers=headers, media_type="application/json"
    )


def error_response(status: int, message: str, details: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    return json_response(body, status)


def domain_error_response(exc: RoostError) -> Response:
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


def rate_headers(state: RateState) -> dict[str, str]:
    """Mastodon's X-RateLimit-* headers (the reset as an ISO 8601 time)."""
    reset = datetime.fromtimestamp(state.reset, UTC).isoformat().replace("+00:00", "Z")
    return {
        "X-RateLimit-Limit": str(state.limit),
        "X-RateLimit-Remaining": str(state.remaining),
        "X-RateLimit-Reset": reset,
    }


def rate_key(ctx: Ctx, rule: RateRule) -> str | int | None:
    """Who ``rule`` counts for this request: the account, or the client's address."""
    return ctx.viewer_id if rule.per == "account" else client_address(ctx.request)


@dataclass
class Params:
    """Request parameters merged from the query string and the body (JSON, form or multipart)."""

    values: dict[str, Any]
    files: dict[str, UploadFile]

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name, default)
        if value is None:
            return None
        if isinstance(value, list):
            value = value[0] if value else default
        if isinstance(value, bool | int | float):
            return str(value).lower() if isinstance(value, bool) else str(value)
        if not isinstance(value, str):
            raise ApiError(422, f"Validation failed: {name} must be a string")
        return value

    def get_required(self, name: str) -> str:
        value = self.get_str(name)
        if value is None or value == "":
            raise ApiError(
                422,
                f"Validation failed: {name} can't be blank",
                {name: [{"error": "ERR_BLANK", "description": f"{name} can't be blank"}]},
            )
        return value

    def get_bool(self, name: str, default: bool | None = None) -> bool | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "on", "yes", "t"):
            return True
        if text in ("false", "0", "off", "no", "f", ""):
            return False
        raise ApiError(422, f"Validation failed: {name} must be a boolean")

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(422, f"Validation failed: {name} must be an integer") from None

    def get_list(self, name: str) -> list[str]:
        """Array parameters arrive as ``name[]=a&name[]=b``, ``name=a`` or a JSON list."""
        value = self.values.get(f"{name}[]", self.values.get(name))
        if value is None:
            return []
        if not isinstance(value, list):
            value = [value]
        return [str(v) for v in value]

    def get_file(self, name: str) -> UploadFile | None:
        return self.files.get(name)


async def read_params(request: Request) -> Params:
    values: dict[str, Any] = {}
    files: dict[str, UploadFile] = {}
    for key in request.query_params:
        items = request.query_params.getlist(key)
        values[key] = items if key.endswith("[]") or len(items) > 1 else items[0]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = await request.body()
            if body.strip():
                try:
                    data = msgspec.json.decode(body)
                except msgspec.DecodeError:
                    raise ApiError(400, "The request body is not valid JSON") from None
                if not isinstance(data, dict):
                    raise ApiError(400, "The request body must be a JSON object")
                values.update(data)
        elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await request.form(max_files=10, max_fields=200)
            except HTTPException:  # the body limit (api.errors): its own 413
                raise
            except Exception as exc:  # malformed multipart: the client's fault, not ours
                raise ApiError(400, f"The request body could not be parsed: {exc}") from None
            for key in form:
                strings: list[str] = []
                for item in form.getlist(key):
                    if isinstance(item, str):
                        strings.append(item)
                    else:
                        files[key] = item
                if strings:
                    values[key] = strings if key.endswith("[]") or len(strings) > 1 else strings[0]
    return Params(values, files)


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


def endpoint(
    *,
    scope: str | None = None,
    user: bool = False,
    auth: bool = False,
    response: Any = None,
    request: type[msgspec.Struct] | None = None,
    limit: RateRule | None = None,
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wraps a synchronous handler: parses the request, checks the token and scope,
    runs the handler in a thread (domain code is synchronous) and maps errors.

    ``scope``: the OAuth scope required when a token is given (and always, if
    ``auth`` or ``user``); ``user``: a token belonging to an account is required;
    ``auth``: some token (an app token will do) is required; ``response``: the
    entity type returned (e.g. ``Account`` or ``list[Account]``), for ``/openapi.json``;
    ``request``: a Struct declaring the parameters, which ``/openapi.json`` publishes
    and which the handler receives, validated, as ``ctx.input``; ``limit``: the
    rate rule the handler's action counts (``enforce``), whose state a success
    reports in X-RateLimit-* headers (a 429 carries them too).
    """

    declared = request

    def decorate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def wrapper(request: Request) -> Response:
            rt: Runtime = request.app.state.rt
            try:
                params = await read_params(request)
                return await run_in_threadpool(
                    _call, handler, rt, request, params, scope, user, auth, declared, limit
                )
            except ApiError as exc:
                return error_response(exc.status, exc.message, exc.details)
            except RoostError as exc:
                return domain_error_response(exc)

        wrapper.__roost_handler__ = handler  # type: ignore[attr-defined]
        wrapper.__roost_endpoint__ = EndpointInfo(scope, user, auth, response, declared, limit)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _call(
    handler: Handler,
    rt: Runtime,
    request: Request,
    params: Params,
    scope: str | None,
    user: bool,
    auth: bool,
    declared: type[msgspec.Struct] | None = None,
    limit: RateRule | None = None,
) -> Response:
    token = authenticate(rt, request)
    if token is None and (user or auth):
        raise ApiError(401, "The access token is invalid")
    if token is not None:
        if user and token.account_id is None:
            raise ApiError(422, "This method requires an authenticated user")
        if scope and not scope_allows(token.scopes, scope):
            raise ApiError(403, "This action is outside the authorized scopes")
    ctx = Ctx(rt, request, params, token)
    if declared is not None:
        ctx.input = parse_input(params, declared)
    response = handler(ctx)
    key = rate_key(ctx, limit) if limit is not None and rt.limiter.enabled else None
    if limit is not None and key is not None and response.status_code < 400:
        response.headers.update(rate_headers(rt.limiter.state(limit, key)))
    return response


_FIELD_AT = re.compile(r"at `\$\.(\w+)")
_NESTED = re.compile(r"^(\w+)\[(\w+)\]$")
_NESTED_LIST = re.compile(r"^(\w+)\[(\d*)\]\[(\w+)\]$")


def _nested_lists(values: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Rails' form arrays of objects: ``k[][keyword]=a&k[][keyword]=b`` (the n-th value
    of each field belongs to the n-th object) or ``k[0][keyword]=a`` (indexed)."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for key, value in values.items():
        match = _NESTED_LIST.match(key)
        if not match:
            continue
        name, index, field = match.groups()
        items = value if isinstance(value, list) else [value]
        for n, item in enumerate(items):
            slot = index if index else str(n)
            found.setdefault(name, {}).setdefault(slot, {})[field] = item
    return {name: [objects[k] for k in sorted(objects, key=int)] for name, objects in found.items()}


def parse_input(params: Params, kind: type[msgspec.Struct]) -> Any:
    """Fills a request Struct from the parameters, however they came: ``types[]=a``
    or ``types=a`` or a JSON list for a list; ``home[last_read_id]=1`` (a form) or
    ``{"home": {"last_read_id": "1"}}`` (JSON) for a nested object; ``"true"`` or
    ``true`` for a boolean. A mismatch is a 422 naming the parameter."""
    lists = {
        f.encode_name
        for f in msgspec.structs.fields(kind)
        if typing.get_origin(f.type) is list
        or any(typing.get_origin(a) is list for a in typing.get_args(f.type))
    }
    values: dict[str, Any] = dict(_nested_lists(params.values))
    for key, value in params.values.items():
        if _NESTED_LIST.match(key):
            continue
        nested = _NESTED.match(key)
        if nested:
            values.setdefault(nested.group(1), {})
            if isinstance(values[nested.group(1)], dict):
                values[nested.group(1)][nested.group(2)] = value
            continue
        name = key.removesuffix("[]")
        if name in lists and not isinstance(value, list):
            value = [value]
        values[name] = value
    try:
        return msgspec.convert(values, kind, strict=False)
    except msgspec.ValidationError as exc:
        found = _FIELD_AT.search(str(exc))
        field = found.group(1) if found else "base"
        raise ApiError(
            422,
            f"Validation failed: {exc}",
            {field: [{"error": "ERR_INVALID", "description": str(exc)}]},
        ) from None


def authenticate(rt: Runtime, conn: HTTPConnection) -> TokenInfo | None:
    """The bearer token from the Authorization header or, on the streaming API only
    (as Mastodon: a browser's EventSource and WebSocket cannot set headers), the
    ``access_token`` query parameter or the Sec-WebSocket-Protocol header. Elsewhere
    a token in the URL is refused (401), not ignored, so a client learns at once:
    URLs end up in logs, browser history and Referer headers."""
    header = conn.headers.get("authorization", "")
    value = ""
    streaming = conn.url.path.startswith(STREAMING_PREFIX)
    if header[:7].lower() == "bearer ":
        value = header[7:].strip()
    elif "access_token" in conn.query_params:
        if not streaming:
            raise ApiError(401, "The access token must be sent in the Authorization header")
        value = conn.query_params["access_token"]
    elif conn.scope["type"] == "websocket":
        value = conn.headers.get("sec-websocket-protocol", "").split(",")[0].strip()
    if not value:
        return None
    token = get_token(rt, value)
    if token is None:
        raise ApiError(401, "The access token is invalid")
    return token
