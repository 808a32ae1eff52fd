"""``/openapi.json``: an OpenAPI 3.1 document built from the routes the app serves
and the msgspec entity Structs the handlers declare with ``endpoint(response=...)``.

Generated, never written by hand, so it cannot drift from the code; the tests
validate real responses against it.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from roost import __version__
from roost.api.entities.oauth import Error, OAuthError
from roost.api.errors import speaks_json
from roost.api.http import Ctx, EndpointInfo, endpoint
from roost.api.responses import json_response
from roost.oauth.queries import KNOWN_SCOPES, format_scopes

DOCUMENTED_PREFIXES = ("/api/", "/oauth/", "/.well-known/")
_PATH_PARAM = re.compile(r"{(\w+)(?::\w+)?}")
_REF = "#/components/schemas/{name}"
_HTML: dict[str, Any] = {"text/html": {}}


def _operation_id(route: Route, method: str, many_methods: bool) -> str:
    handler = getattr(route.endpoint, "__roost_handler__", route.endpoint)
    module = handler.__module__.rsplit(".", 1)[-1]
    suffix = f"_{method.lower()}" if many_methods else ""
    return f"{module}_{handler.__name__}{suffix}"


def _summary(route: Route) -> str | None:
    handler = getattr(route.endpoint, "__roost_handler__", route.endpoint)
    doc = inspect.getdoc(handler)
    return doc.split("\n\n", 1)[0].replace("\n", " ") if doc else None


def _security(info: EndpointInfo | None) -> list[dict[str, list[str]]] | None:
    if info is None or (info.scope is None and not (info.auth or info.user)):
        return None
    required = [{"OAuth2": [info.scope] if info.scope else []}]
    # Without auth/user a token is optional: anonymous requests are served too.
    return required if info.auth or info.user else [*required, {}]


def _error_responses(path: str) -> dict[str, Any]:
    if not speaks_json(path):  # a page for a person (``/oauth/authorize``)
        return {"4XX": {"description": "A page that says what went wrong", "content": _HTML}}
    error = {"application/json": {"schema": {"$ref": _REF.format(name="Error")}}}
    if path in ("/oauth/token", "/oauth/revoke"):
        # OAuth's own refusals, or a body that could not be read at all (Error).
        either = {
            "application/json": {
                "schema": {
                    "anyOf": [
                        {"$ref": _REF.format(name="OAuthError")},
                        {"$ref": _REF.format(name="Error")},
                    ]
                }
            }
        }
        return {
            "400": {"description": "Refused by OAuth, or an unreadable body", "content": either},
            "401": {"description": "Unknown client or wrong client secret", "content": either},
            "4XX": {"description": "Too many attempts, or a bad parameter", "content": error},
        }
    return {
        "4XX": {"description": "A client error; nothing was changed", "content": error},
    }


def build_document(routes: Sequence[BaseRoute], base_url: str) -> dict[str, Any]:
    documented = [
        r for r in routes if isinstance(r, Route) and r.path.startswith(DOCUMENTED_PREFIXES)
    ]
    infos = [getattr(r.endpoint, "__roost_endpoint__", None) for r in documented]
    response_types = [
        t for i in infos if i is not None and i.response is not None for t in _types(i.response)
    ]
    request_types = list({i.request for i in infos if i is not None and i.request is not None})
    _check_unique_names(request_types)
    schemas, components = msgspec.json.schema_components(
        [*response_types, *request_types, Error, OAuthError], ref_template=_REF
    )
    schema_of = dict(zip(map(id, response_types), schemas[: len(response_types)], strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for route, info in zip(documented, infos, strict=True):
        methods = sorted((route.methods or {"GET"}) - {"HEAD"})
        path = _PATH_PARAM.sub(r"{\1}", route.path)
        for method in methods:
            operation: dict[str, Any] = {
                "operationId": _operation_id(route, method, len(methods) > 1),
                "tags": [path.split("/")[3] if path.startswith("/api/") else "oauth"],
                "parameters": [
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                    for name in (m.group(1) for m in _PATH_PARAM.finditer(route.path))
                ],
                "responses": {
                    "200": _success(info, schema_of, route),
                    # 202 Accepted, 206 still processing (media uploads): same entity.
                    **{
                        status: _success(info, schema_of, route)
                        for status in getattr(route.endpoint, "__roost_other_statuses__", ())
                    },
                    **_error_responses(path),
                },
            }
            if info is not None and info.request is not None:
                _document_request(operation, method, info, components)
            summary = _summary(route)
            if summary:
                operation["summary"] = summary
            security = _security(info)
            if security is not None:
                operation["security"] = security
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Roost API",
            "version": __version__,
            "description": "Mastodon-compatible client API of a Roost server.",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"OAuth2": _oauth_scheme(base_url)},
        },
    }


def _check_unique_names(request_types: Sequence[type]) -> None:
    """Request schemas are filed under their class name: two Structs of one name
    would silently document one endpoint with the other's parameters."""
    seen: dict[str, type] = {}
    for kind in request_types:
        other = seen.setdefault(kind.__name__, kind)
        if other is not kind:
            raise TypeError(
                f"two request Structs are named {kind.__name__}: "
                f"{other.__module__} and {kind.__module__}; rename one"
            )


def _document_request(
    operation: dict[str, Any], method: str, info: EndpointInfo, components: dict[str, Any]
) -> None:
    """A GET's declared Struct becomes query parameters (arrays named ``name[]``, as
    Mastodon apps send them); any other method's becomes the request body, which may
    come as JSON or as a form (with the endpoint's files, if it takes any)."""
    kind = info.request
    if method in ("GET", "DELETE"):
        schema = components[kind.__name__]
        required = set(schema.get("required", ()))
        for name, field in schema.get("properties", {}).items():
            is_array = field.get("type") == "array" or any(
                option.get("type") == "array" for option in field.get("anyOf", ())
            )
            operation["parameters"].append(
                {
                    "name": f"{name}[]" if is_array else name,
                    "in": "query",
                    "required": name in required,
                    "schema": field,
                }
            )
        return
    body: dict[str, Any] = {"schema": {"$ref": _REF.format(name=kind.__name__)}}
    multipart = body
    if info.files:
        files = {name: {"type": "string", "format": "binary"} for name in info.files}
        multipart = {"schema": {"allOf": [body["schema"], {"type": "object", "properties": files}]}}
    operation["requestBody"] = {
        "content": {
            "application/json": body,
            "application/x-www-form-urlencoded": body,
            "multipart/form-data": multipart,
        }
    }


def _success(info: EndpointInfo | None, schema_of: dict[int, Any], route: Route) -> dict[str, Any]:
    media_type = getattr(route.endpoint, "__roost_media_type__", None)
    if media_type is not None:  # streams and health checks: not JSON
        return {"description": "OK", "content": {media_type: {}}}
    if info is None:
        return {"description": "An HTML page", "content": {"text/html": {}}}
    if info.response is None:
        return {"description": "OK", "content": {"application/json": {}}}
    schemas = [schema_of[id(t)] for t in _types(info.response)]
    schema = schemas[0] if len(schemas) == 1 else {"oneOf": schemas}
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _types(response: Any) -> list[Any]:
    """``endpoint(response=(A, B))``: the answer is one of these entities."""
    return list(response) if isinstance(response, tuple) else [response]


def _oauth_scheme(base_url: str) -> dict[str, Any]:
    scopes = {scope: scope for scope in format_scopes(KNOWN_SCOPES).split()}
    token_url = f"{base_url}/oauth/token"
    return {
        "type": "oauth2",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": f"{base_url}/oauth/authorize",
                "tokenUrl": token_url,
                "scopes": scopes,
            },
            "password": {"tokenUrl": token_url, "scopes": scopes},
            "clientCredentials": {"tokenUrl": token_url, "scopes": scopes},
        },
    }


@endpoint(response=dict[str, Any])
def openapi_json(ctx: Ctx) -> Response:
    request: Request = ctx.request
    document = getattr(request.app.state, "openapi_document", None)
    if document is None:
        document = build_document(request.app.routes, ctx.rt.settings.effective_base_url)
        request.app.state.openapi_document = document
    return json_response(document)


routes = [Route("/openapi.json", openapi_json, methods=["GET"])]
