"""Reads of reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.errors import NotFound
from roost.moderation.models import reports
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
