"""The one paginator: reads ``max_id``/``since_id``/``min_id``/``limit`` and writes
Mastodon's ``Link`` header (``next`` pages older, ``prev`` pages newer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlencode

import msgspec
from starlette.requests import Request

from roost.api.errors import ApiError
from roost.api.params import Params, parse_input
from roost.paging import Page


class PageParams(msgspec.Struct, kw_only=True):
    """Mastodon's paging parameters; endpoints with more parameters spell them out
    again (a msgspec Struct takes one base) and pass their Struct to ``read_page``."""

    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int | None = None


class Paging(Protocol):
    """What ``read_page`` reads: any request Struct with the paging fields."""

    @property
    def max_id(self) -> str | None: ...
    @property
    def since_id(self) -> str | None: ...
    @property
    def min_id(self) -> str | None: ...
    @property
    def limit(self) -> int | None: ...


def read_page(query: Paging | Params, *, default: int = 20, maximum: int = 40) -> Page:
    """The page asked for: ``limit`` above ``maximum`` is clamped to it (as Mastodon
    does); below 1 it is refused; a cursor that is not an ID is refused. ``query`` is
    the endpoint's request Struct (or, transitionally, raw ``Params`` of a handler
    that declares none)."""
    paging: Paging = parse_input(query, PageParams) if isinstance(query, Params) else query
    limit = default if paging.limit is None else paging.limit
    if limit < 1:
        raise ApiError(422, "Validation failed: limit must be positive")

    def cursor(name: str, value: str | None) -> int | None:
        if value is None or value == "":
            return None
        try:
            number = int(value)
        except ValueError:
            raise ApiError(422, f"Validation failed: {name} must be an ID") from None
        if not 0 <= number < 2**63:  # beyond a BIGINT the database would fail with a 500
            raise ApiError(422, f"Validation failed: {name} must be an ID")
        return number

    return Page(
        max_id=cursor("max_id", paging.max_id),
        since_id=cursor("since_id", paging.since_id),
        min_id=cursor("min_id", paging.min_id),
        limit=min(limit, maximum),
    )


def link_header(request: Request, cursors: Sequence[int], page: Page) -> dict[str, str]:
    """``cursors``: the page's cursor values, newest first (post IDs or mark IDs)."""
    if not cursors:
        return {}
    base = str(request.url.replace(query=""))
    keep = {
        k: v
        for k, v in request.query_params.multi_items()
        if k not in ("max_id", "since_id", "min_id")
    }
    next_url = f"{base}?{urlencode({**keep, 'max_id': cursors[-1]})}"
    prev_url = f"{base}?{urlencode({**keep, 'min_id': cursors[0]})}"
    return {"Link": f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'}
