"""What a participant does with a conversation: read it, or remove it from their inbox."""

from __future__ import annotations

from sqlalchemy import delete, update

from roost.conversations.models import account_conversations
from roost.errors import NotFound
from roost.runtime import Runtime


def do_mark_read(rt: Runtime, viewer_id: int, conversation_id: int) -> None:
    with rt.db.write() as tx:
        changed = tx.conn.execute(
            update(account_conversations)
            .where(
                account_conversations.c.id == conversation_id,
                account_conversations.c.account_id == viewer_id,
            )
            .values(unread=False)
        ).rowcount
    if not changed:
        raise NotFound("Record not found")


def do_remove_conversation(rt: Runtime, viewer_id: int, conversation_id: int) -> None:
    """Hides it for this person only; the next message brings it back."""
    with rt.db.write() as tx:
        deleted = tx.conn.execute(
            delete(account_conversations).where(
                account_conversations.c.id == conversation_id,
                account_conversations.c.account_id == viewer_id,
            )
        ).rowcount
    if not deleted:
        raise NotFound("Record not found")
