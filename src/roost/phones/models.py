"""Linked phones, the outbox of texts, and the inbound messages already acted on.

A phone row exists from the moment a number is entered; ``verified_number`` is set
only once the texted code came back, and is unique: a number belongs to one
account at a time, while a number merely *entered* (perhaps someone else's) claims
nothing. The number is private to its account: no query that reads another
account returns these columns.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

phones = Table(
    "phones",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column(
        "account_id",
        Id,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("number", String(20), nullable=False),  # E.164, entered (maybe not verified)
    Column("verified_number", String(20), nullable=True, unique=True),
    Column("code_hash", String(64), nullable=True),
    Column("code_sent_at", UTCDateTime, nullable=True),
    Column("code_attempts", Integer, nullable=False, default=0),
    Column("texts_on", Boolean, nullable=False, default=True),  # ON / OFF
    Column("stopped", Boolean, nullable=False, default=False),  # STOP / START
    Column("posts_on", Boolean, nullable=False, default=True),
    Column("mentions_on", Boolean, nullable=False, default=True),
    Column("dms_on", Boolean, nullable=False, default=True),
    Column("quiet_start", String(5), nullable=True),  # "22:00", local time
    Column("quiet_end", String(5), nullable=True),
    Column("quiet_hold", Boolean, nullable=False, default=True),  # else dropped
    Column("time_zone", String(64), nullable=False, default="UTC"),
    Column("daily_cap", Integer, nullable=False, default=100),
    Column("created_at", UTCDateTime, nullable=False),
)

# The outbox. ``key`` makes composing idempotent (one text per cause and phone);
# ``status`` is the sending state machine: queued/held -> sending -> sent, or
# dropped (off, STOP, quiet hours, cap), failed (refused by the carrier), unknown
# (a worker died while the carrier had it: never sent again).
sms_texts = Table(
    "sms_texts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("to_number", String(20), nullable=False),
    Column("kind", String(16), nullable=False),  # code, post, mention, dm
    Column("post_id", Id, nullable=True),
    Column("body", Text, nullable=False),
    Column("key", String(120), nullable=False, unique=True),
    Column("status", String(10), nullable=False),
    Column("detail", String(300), nullable=True),
    Column("carrier_sid", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
)
Index("ix_sms_texts_account", sms_texts.c.account_id, sms_texts.c.id)

# Twilio retries a webhook it got no answer to: a MessageSid seen here was acted on,
# and its stored reply is answered again instead of acting twice.
sms_inbound = Table(
    "sms_inbound",
    metadata,
    Column("message_sid", String(64), primary_key=True),
    Column("from_number", String(20), nullable=False),
    Column("reply", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

SMS_STATUSES = ("queued", "held", "sending", "sent", "dropped", "failed", "unknown")
