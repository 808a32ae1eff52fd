"""Reading a request body without letting the sender decide how much we read.

Every front door that takes a body (the API, the web forms) reads it through
``read_body``: a JSON or form body is read only up to the caller's ``limit``
(64 KB unless the endpoint takes files), refused at once when the declared
Content-Length is over it, and refused as soon as a body sent without one
(chunked) passes it. A multipart body may carry at most ``files`` files, each
stopped as soon as it passes ``file_limit``: a file too large is refused while
it streams in, never spooled whole to disk first.

The caller decides *when* to read: after the token or the session has been
checked, so an anonymous sender cannot make the server read or parse anything.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request

SMALL_BODY_BYTES = 64 * 1024
MAX_FIELDS = 200


class BodyRefused(Exception):
    """The body is too large (413) or cannot be parsed (400): the sender's fault."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Body:
    """A parsed body: the JSON object, or the form's fields and files."""

    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)


def _too_large(limit: int) -> BodyRefused:
    size = f"{limit // 1024} KB" if limit < 1024 * 1024 else f"{limit // (1024 * 1024)} MB"
    return BodyRefused(413, f"The request body is larger than {size}")


async def _capped(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise _too_large(limit)
        yield chunk


class _CappedMultiPartParser(MultiPartParser):
    """Starlette's parser, with each file stopped at ``file_limit`` bytes as it arrives."""

    def __init__(self, request: Request, *, limit: int, files: int, file_limit: int) -> None:
        super().__init__(
            request.headers,
            _capped(request, limit),
            max_files=files,
            max_fields=MAX_FIELDS,
            max_part_size=SMALL_BODY_BYTES,
        )
        self.file_limit = file_limit
        self._file_bytes = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._file_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self._file_bytes += end - start
            if self._file_bytes > self.file_limit:
                raise BodyRefused(
                    413, f"A file is larger than {self.file_limit // 1024 // 1024} MB"
                )
        super().on_part_data(data, start, end)


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


async def read_body(
    request: Request, *, limit: int = SMALL_BODY_BYTES, files: int = 0, file_limit: int = 0
) -> Body:
    """The body as JSON (an object) or a form; any other body is left unread.

    ``limit``: the most bytes read; ``files``: how many files a multipart form may
    carry (none by default: a file sent to an endpoint that takes none is refused
    as its part begins); ``file_limit``: the most bytes of one file."""
    content_type = request.headers.get("content-type", "")
    is_json = content_type.startswith("application/json")
    is_form = content_type.startswith("application/x-www-form-urlencoded")
    is_multipart = content_type.startswith("multipart/form-data")
    if not (is_json or is_form or is_multipart):
        return Body()
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    if is_json:
        raw = b"".join([chunk async for chunk in _capped(request, limit)])
        if not raw.strip():
            return Body()
        try:
            data = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            raise BodyRefused(400, "The request body is not valid JSON") from None
        except RecursionError:  # thousands of nested brackets: still the sender's fault
            raise BodyRefused(400, "The request body is nested too deeply") from None
        if not isinstance(data, dict):
            raise BodyRefused(400, "The request body must be a JSON object")
        return Body(values=data)
    try:
        if is_form:
            form = await FormParser(request.headers, _capped(request, limit)).parse()
        else:
            parser = _CappedMultiPartParser(
                request, limit=limit, files=files, file_limit=file_limit
            )
            form = await parser.parse()
    except (BodyRefused, HTTPException):  # too large: its own 413
        raise
    except MultiPartException as exc:  # malformed, or too many files or fields
        raise BodyRefused(400, f"The request body could not be parsed: {exc.message}") from None
    except Exception as exc:  # any other malformed body: the client's fault, not ours
        raise BodyRefused(400, f"The request body could not be parsed: {exc}") from None
    return _split(form)


def _split(form: FormData) -> Body:
    """Fields as strings (``name[]`` and repeated names as lists), files apart."""
    body = Body()
    for key in form:
        strings: list[str] = []
        for item in form.getlist(key):
            if isinstance(item, str):
                strings.append(item)
            else:
                body.files[key] = item
        if strings:
            body.values[key] = strings if key.endswith("[]") or len(strings) > 1 else strings[0]
    return body


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def field_with_nul(*sources: Mapping[str, Any]) -> str | None:
    """The first parameter whose name or value holds a NUL character, if any.

    No text Roost keeps may contain one (PostgreSQL refuses it in text columns,
    and no person types it): a front door refuses such a request as bad input
    before it reaches a query, on either backend."""
    for source in sources:
        for name, value in source.items():
            if _has_nul(name) or _has_nul(value):
                return name.replace("\x00", "\\0")
    return None
