"""The Report entity: what the reporter gets back (Mastodon's, without the reporter)."""

from __future__ import annotations

from typing import Any

import msgspec

from roost.api.entities.accounts import Account, account_entity, iso
from roost.runtime import Runtime


class Report(msgspec.Struct):
    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    status_ids: list[str] | None
    rule_ids: list[str] | None
    target_account: Account


def report_entity(rt: Runtime, row: Any, target: Any) -> Report:
    return Report(
        id=str(row.id),
        action_taken=row.action_taken_at is not None,
        action_taken_at=iso(row.action_taken_at) if row.action_taken_at else None,
        category=row.category,
        comment=row.comment,
        forwarded=row.forwarded,
        created_at=iso(row.created_at),
        status_ids=list(row.status_ids),
        rule_ids=list(row.rule_ids),
        target_account=account_entity(rt, target),
    )
