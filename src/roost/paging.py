"""A page request as Mastodon clients send it: ``max_id``, ``since_id``, ``min_id``, ``limit``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select

_T = TypeVar("_T", bound=tuple[Any, ...])


@dataclass(frozen=True)
class Page:
    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20

    @property
    def ascending(self) -> bool:
        """With ``min_id`` a client wants the entries just above it (Mastodon's "gap" loading)."""
        return self.min_id is not None


def paginate(query: Select[_T], column: Any, page: Page) -> Select[_T]:
    """Applies a page to a query ordered by ``column`` (an ID: time-sortable).

    Results come newest first, except with ``min_id`` where they come oldest
    first: callers sort the fetched rows newest first afterwards."""
    if page.max_id is not None:
        query = query.where(column < page.max_id)
    if page.since_id is not None:
        query = query.where(column > page.since_id)
    if page.min_id is not None:
        query = query.where(column > page.min_id).order_by(column.asc())
    else:
        query = query.order_by(column.desc())
    return query.limit(page.limit)
