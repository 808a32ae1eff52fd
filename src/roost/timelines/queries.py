"""Reading timelines from the database alone (no write, no cache fill): the page a
stored timeline would give, and the posts of very large accounts (never fanned out)
merged into a home page at read time. Reading a stored timeline, which may rebuild it
and marks its reader active, is in ``roost.timelines.feeds``; every other timeline is a
query (see ``roost.posts.queries``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select

from roost.paging import Page, paginate
from roost.posts.models import posts
from roost.posts.visibility import home_clause, visible_clause
from roost.runtime import Runtime


def feed_page_from_database(
    rt: Runtime,
    viewer_id: int,
    sources: Sequence[int],
    belongs: ColumnElement[bool],
    also: ColumnElement[bool] | None,
    page: Page,
) -> list[int]:
    """The page a stored timeline would give (as its rebuild reads it), newest first."""
    source = posts.c.account_id.in_(list(sources))
    query = select(posts.c.id).where(
        source if also is None else or_(source, also), visible_clause(viewer_id), belongs
    )
    with rt.db.read() as conn:
        ids = list(conn.scalars(paginate(query, posts.c.id, page)))
    return sorted(ids, reverse=True)


def merge_heavy(
    rt: Runtime, viewer_id: int, heavy: list[int], ids: list[int], page: Page
) -> list[int]:
    """A home page with the posts of followed accounts that are not fanned out."""
    query = select(posts.c.id).where(
        posts.c.account_id.in_(heavy), visible_clause(viewer_id), home_clause(viewer_id)
    )
    with rt.db.read() as conn:
        extra = list(conn.scalars(paginate(query, posts.c.id, page)))
    merged = sorted(set(ids) | set(extra), reverse=True)
    if page.min_id is not None:
        return sorted(merged)[: page.limit][::-1]
    return merged[: page.limit]
