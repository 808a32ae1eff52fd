"""Writing the audit log, always inside the transaction of the action it records, so
an action is never done without its entry (nor an entry written for an undone one)."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from roost.audit.models import audit_log
from roost.ids import new_id
from roost.store.schema import utcnow


def record(
    conn: Connection,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: int | None,
    target_label: str = "",
    note: str = "",
) -> int:
    entry_id = new_id()
    conn.execute(
        insert(audit_log).values(
            id=entry_id,
            account_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_label=target_label[:100],
            note=note,
            created_at=utcnow(),
        )
    )
    return entry_id
