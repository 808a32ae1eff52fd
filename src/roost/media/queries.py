"""Reading media attachments: one's own (by ID), and those of a page of posts.

Who may see a posted attachment is the post's business: ``attachments_of`` is
only ever called by hydration with the IDs of posts the viewer may see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, exists, select

from roost.errors import NotFound
from roost.media.models import media_attachments
from roost.runtime import Runtime

_OF_POSTS = (
    select(media_attachments)
    .where(media_attachments.c.post_id.in_(bindparam("ids", expanding=True)))
    .order_by(media_attachments.c.post_id, media_attachments.c.position)
)


def has_media_clause(post_id: Any) -> ColumnElement[bool]:
    """True for posts with pictures: ``only_media`` filters, ``has:media`` search."""
    return exists().where(media_attachments.c.post_id == post_id)


def get_own_media(rt: Runtime, account_id: int, media_id: int) -> Any:
    """One's own attachment; anyone else's is not found."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(media_attachments).where(
                media_attachments.c.id == media_id, media_attachments.c.account_id == account_id
            )
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def attachments_of(conn: Connection, post_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The attachments of these posts, in their order: one statement for a page."""
    found: dict[int, list[Any]] = {}
    if post_ids:
        for row in conn.execute(_OF_POSTS, {"ids": list(post_ids)}):
            found.setdefault(row.post_id, []).append(row)
    return found


def held_media(conn: Connection, scheduled_id: int) -> list[Any]:
    """The attachments a scheduled post holds, in order (for its ScheduledStatus)."""
    return list(
        conn.execute(
            select(media_attachments)
            .where(media_attachments.c.scheduled_id == scheduled_id)
            .order_by(media_attachments.c.position)
        )
    )
