"""Saving where a person stopped reading."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from roost.errors import ValidationFailed
from roost.markers.models import TIMELINES, markers
from roost.runtime import Runtime
from roost.store.schema import utcnow


def do_save_markers(rt: Runtime, viewer_id: int, positions: dict[str, int]) -> None:
    """Each save bumps the marker's version, as Mastodon's does (apps compare them)."""
    for timeline in positions:
        if timeline not in TIMELINES:
            raise ValidationFailed(f"Unknown timeline {timeline}", field="timeline")
    now = utcnow()
    with rt.db.write() as tx:
        for timeline, last_read_id in positions.items():
            mine = (markers.c.account_id == viewer_id) & (markers.c.timeline == timeline)
            version = tx.conn.scalar(select(markers.c.version).where(mine))
            if version is None:
                tx.conn.execute(
                    insert(markers).values(
                        account_id=viewer_id,
                        timeline=timeline,
                        last_read_id=last_read_id,
                        version=0,
                        updated_at=now,
                    )
                )
            else:
                tx.conn.execute(
                    update(markers)
                    .where(mine)
                    .values(last_read_id=last_read_id, version=version + 1, updated_at=now)
                )
