"""Request parameters: merged from the query string and the body (JSON, form or
multipart) and filled into the endpoint's declared msgspec Struct, however a
client sends them (``a[]=1``, ``a=1``, ``[1]``; ``b[c]=1`` or ``{"b": {"c": 1}}``;
``"true"`` or ``true``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args, get_origin

import msgspec
from starlette.datastructures import UploadFile
from starlette.requests import Request

from roost.api.errors import ApiError
from roost.bodies import SMALL_BODY_BYTES, BodyRefused, field_with_nul, read_body

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Params:
    """Request parameters merged from the query string and the body (JSON, form or
    multipart), as ``parse_input`` reads them; the files of a multipart body apart."""

    values: dict[str, Any]
    files: dict[str, UploadFile]

    # Transitional: the readers below serve handlers written before request Structs
    # (branches merged after the Structs came). New code declares ``request=`` instead,
    # so that /openapi.json documents its parameters.

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


async def read_params(
    request: Request, *, limit: int = SMALL_BODY_BYTES, files_allowed: int = 0, file_limit: int = 0
) -> Params:
    """The query string and, for a method with a body, the body read with
    ``roost.bodies.read_body``'s caps (``limit``, ``files_allowed``, ``file_limit``).
    A NUL character anywhere (path, query or body) is a 422: see ``field_with_nul``."""
    values: dict[str, Any] = {}
    for key in request.query_params:
        items = request.query_params.getlist(key)
        values[key] = items if key.endswith("[]") or len(items) > 1 else items[0]
    files: dict[str, UploadFile] = {}
    if request.method in BODY_METHODS:
        try:
            body = await read_body(request, limit=limit, files=files_allowed, file_limit=file_limit)
        except BodyRefused as exc:
            raise ApiError(exc.status, exc.message) from None
        values.update(body.values)
        files = body.files
    refused = field_with_nul(request.path_params, values)
    if refused is not None:
        message = f"{refused} must not contain a NUL character"
        raise ApiError(
            422,
            f"Validation failed: {message}",
            {refused: [{"error": "ERR_INVALID", "description": message}]},
        )
    return Params(values, files)


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


# Rails' spellings of a boolean, as Mastodon accepts them; anything else is a 422.
_BOOLEANS = {
    **dict.fromkeys(("true", "1", "on", "yes", "t"), True),
    **dict.fromkeys(("false", "0", "off", "no", "f"), False),
}


def _accepts(kind: Any, test: Callable[[Any], bool]) -> bool:
    """Whether a field's type, or one member of its union, passes ``test``."""
    return test(kind) or any(test(member) for member in get_args(kind))


def parse_input(params: Params, kind: type[msgspec.Struct]) -> Any:
    """Fills a request Struct from the parameters, however they came: ``types[]=a``
    or ``types=a`` or a JSON list for a list; ``home[last_read_id]=1`` (a form) or
    ``{"home": {"last_read_id": "1"}}`` (JSON) for a nested object; ``"true"`` or
    ``true`` for a boolean. A mismatch is a 422 naming the parameter."""
    fields = msgspec.structs.fields(kind)
    lists = {f.encode_name for f in fields if _accepts(f.type, lambda t: get_origin(t) is list)}
    booleans = {f.encode_name for f in fields if _accepts(f.type, lambda t: t is bool)}
    # An empty form field is an absent one, unless the parameter is a string.
    blank_is_absent = {f.encode_name for f in fields if not _accepts(f.type, lambda t: t is str)}
    values: dict[str, Any] = dict(_nested_lists(params.values))
    for key, value in params.values.items():
        if _NESTED_LIST.match(key):
            continue
        if value == "" and key.removesuffix("[]") in blank_is_absent:
            continue
        if key in booleans and isinstance(value, str):
            value = _BOOLEANS.get(value.strip().lower(), value)
        nested = _NESTED.match(key)
        if nested:
            values.setdefault(nested.group(1), {})
            if isinstance(values[nested.group(1)], dict):
                values[nested.group(1)][nested.group(2)] = value
            continue
        name = key.removesuffix("[]")
        if name in lists and not isinstance(value, list | dict):
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
