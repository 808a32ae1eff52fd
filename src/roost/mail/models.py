"""The outbox: every message Roost sends, one row each.

In log mode (no ``ROOST_SMTP_URL``) a row *is* the delivery: the operator reads it on
``/admin/outbox``. With SMTP a row is written ``queued`` in the transaction of the
change that wants it sent (a sign-up and its confirmation commit together) and the
``mail.send`` job moves it to ``sent`` or ``failed``. ``message_id`` is chosen when
the row is written, so a message sent twice (a worker died after the server took
it) reaches the receiver with one Message-ID, which mail clients merge.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

mail_messages = Table(
    "mail_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    # Whom it concerns, when an account: gone with the account.
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(32), nullable=False),  # confirmation, password_reset, warning, ...
    Column("to_address", String(254), nullable=False),
    Column("from_address", String(320), nullable=False),
    Column("subject", String(300), nullable=False),
    # NULL once sent when ``secret``: a sign-in link must not outlive its delivery.
    Column("text_body", Text, nullable=True),
    Column("html_body", Text, nullable=True),
    Column("secret", Boolean, nullable=False, default=False),
    Column("message_id", String(300), nullable=False),
    Column("transport", String(8), nullable=False),  # log, smtp
    Column("status", String(8), nullable=False),  # logged, queued, sent, failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
)
Index("ix_mail_messages_account", mail_messages.c.account_id)
