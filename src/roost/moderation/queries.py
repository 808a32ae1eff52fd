"""Reads of reports: the reporter's own, and the moderators' queue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.errors import NotFound
from roost.moderation.models import reports
from roost.paging import Page, paginate
from roost.runtime import Runtime


def get_own_report(rt: Runtime, reporter_id: int, report_id: int) -> Any:
    """A report as its reporter may read it back."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(reports).where(reports.c.id == report_id, reports.c.account_id == reporter_id)
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def get_report(rt: Runtime, report_id: int) -> Any:
    """Any report; only for moderators (the caller checks the role)."""
    with rt.db.read() as conn:
        row = conn.execute(select(reports).where(reports.c.id == report_id)).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def list_reports(
    rt: Runtime,
    page: Page,
    *,
    resolved: bool = False,
    account_id: int | None = None,
    target_account_id: int | None = None,
) -> list[Any]:
    """The moderators' queue, newest first: open reports unless ``resolved``."""
    query = select(reports).where(
        reports.c.action_taken_at.is_not(None) if resolved else reports.c.action_taken_at.is_(None)
    )
    if account_id is not None:
        query = query.where(reports.c.account_id == account_id)
    if target_account_id is not None:
        query = query.where(reports.c.target_account_id == target_account_id)
    with rt.db.read() as conn:
        return list(conn.execute(paginate(query, reports.c.id, page)).all())
