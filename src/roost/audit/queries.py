"""Reading the audit log: the whole of it for staff who may (``VIEW_AUDIT_LOG``), and
the entries about one account or report for its page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.audit.models import audit_log
from roost.paging import Page, paginate
from roost.runtime import Runtime


def list_entries(
    rt: Runtime,
    page: Page,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target: tuple[str, int] | None = None,
) -> list[Any]:
    """Newest first. The caller checks that the reader may read the log."""
    query = select(audit_log)
    if action:
        query = query.where(audit_log.c.action == action)
    if actor_id is not None:
        query = query.where(audit_log.c.account_id == actor_id)
    if target is not None:
        query = query.where(
            audit_log.c.target_type == target[0], audit_log.c.target_id == target[1]
        )
    with rt.db.read() as conn:
        return list(conn.execute(paginate(query, audit_log.c.id, page)).all())
