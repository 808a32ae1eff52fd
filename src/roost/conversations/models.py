"""Each participant's view of a direct conversation.

A conversation is a thread (``posts.conversation_id``, the ID of its first
post); a participant's row says who else takes part, the newest direct post they
can see in it, and whether they have read it. Removing the row hides the
conversation for that person only; the next message brings it back.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Table, UniqueConstraint

from roost.store.schema import Id, UTCDateTime, metadata

account_conversations = Table(
    "account_conversations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("conversation_id", Id, nullable=False),
    Column("participant_ids", JSON, nullable=False),
    Column("last_post_id", Id, nullable=False),
    Column("unread", Boolean, nullable=False, default=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("account_id", "conversation_id", name="uq_account_conversations_pair"),
)
# The inbox pages by its newest message, as Mastodon's does.
Index(
    "ix_account_conversations_inbox",
    account_conversations.c.account_id,
    account_conversations.c.last_post_id,
)
