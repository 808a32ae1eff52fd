"""Reading the outbox. Only the admin outbox page and tests read it: the messages
hold people's addresses and, in log mode, their sign-in links."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select

from roost.mail.models import mail_messages
from roost.paging import Page
from roost.runtime import Runtime


def list_outbox(rt: Runtime, page: Page) -> list[Row[Any]]:
    """Newest first; the caller checks that the viewer administers the server."""
    query = select(mail_messages).order_by(mail_messages.c.id.desc()).limit(page.limit)
    if page.max_id is not None:
        query = query.where(mail_messages.c.id < page.max_id)
    with rt.db.read() as conn:
        return list(conn.execute(query).all())


def messages_to(rt: Runtime, address: str) -> list[Row[Any]]:
    """Every message to ``address``, oldest first (tests, ``roost`` commands)."""
    with rt.db.read() as conn:
        return list(
            conn.execute(
                select(mail_messages)
                .where(mail_messages.c.to_address == address)
                .order_by(mail_messages.c.id)
            ).all()
        )
