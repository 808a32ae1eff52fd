"""Dismissing a suggestion: that person is not suggested again (until the row goes
with either account)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from roost.accounts.models import accounts
from roost.errors import NotFound
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.suggestions.models import suggestion_dismissals


def do_dismiss_suggestion(rt: Runtime, account_id: int, target_id: int) -> None:
    with rt.db.write() as tx:
        if tx.conn.scalar(select(accounts.c.id).where(accounts.c.id == target_id)) is None:
            raise NotFound("Record not found")
        dialect_insert = sqlite_insert if rt.db.is_sqlite else postgresql_insert
        tx.conn.execute(
            dialect_insert(suggestion_dismissals)
            .values(account_id=account_id, target_account_id=target_id, created_at=utcnow())
            .on_conflict_do_nothing()
        )
