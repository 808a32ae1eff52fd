"""Reading the markers back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from roost.markers.models import markers
from roost.runtime import Runtime


def get_markers(rt: Runtime, viewer_id: int, timelines: Sequence[str]) -> dict[str, Any]:
    """timeline → row (last_read_id, version, updated_at), for those that exist."""
    if not timelines:
        return {}
    with rt.db.read() as conn:
        rows = conn.execute(
            select(markers).where(
                markers.c.account_id == viewer_id, markers.c.timeline.in_(list(timelines))
            )
        ).all()
    return {r.timeline: r for r in rows}
