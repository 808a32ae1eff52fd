"""Reads of one's own scheduled posts (nobody else sees them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.errors import NotFound
from roost.media.queries import held_media
from roost.paging import Page, paginate
from roost.runtime import Runtime
from roost.scheduled.models import scheduled_posts


def get_scheduled_post(rt: Runtime, account_id: int, scheduled_id: int) -> Any:
    with rt.db.read() as conn:
        row = conn.execute(
            select(scheduled_posts).where(
                scheduled_posts.c.id == scheduled_id, scheduled_posts.c.account_id == account_id
            )
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def list_scheduled_posts(rt: Runtime, account_id: int, page: Page) -> list[Any]:
    """Newest scheduled first by ID, as Mastodon pages them."""
    query = select(scheduled_posts).where(scheduled_posts.c.account_id == account_id)
    with rt.db.read() as conn:
        rows = list(conn.execute(paginate(query, scheduled_posts.c.id, page)))
    return sorted(rows, key=lambda r: r.id, reverse=True)


def scheduled_media(rt: Runtime, scheduled_ids: list[int]) -> dict[int, list[Any]]:
    """The pictures each of these scheduled posts holds, in order."""
    with rt.db.read() as conn:
        return {i: held_media(conn, i) for i in scheduled_ids}
