"""The one paginator: reads ``max_id``/``since_id``/``min_id``/``limit`` and writes
Mastodon's ``Link`` header (``next`` pages older, ``prev`` pages newer)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import msgspec
from starlette.requests import Request

from roost.api.http import ApiError, Params
from roost.paging import Page


class PageParams(msgspec.Struct, kw_only=True):
    """Mastodon's paging parameters, for endpoints that declare their request."""

    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int | None = None


def read_page(params: Params, *, default: int = 20, maximum: int = 40) -> Page:
    limit = params.get_int("limit", default) or default
    if limit < 1:
        raise ApiError(422, "Validation failed: limit must be positive")

    def cursor(name: str) -> int | None:
        value = params.get_str(name)
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
        max_id=cursor("max_id"),
        since_id=cursor("since_id"),
        min_id=cursor("min_id"),
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
