"""Announced hashtag chats and their questions."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from roost.store.schema import Id, UTCDateTime, metadata

chats = Table(
    "chats",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    # The host: questions are posted from this account.
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("tag", String(100), nullable=False),
    Column("title", String(200), nullable=False, default=""),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_chats_starts", chats.c.starts_at)

chat_questions = Table(
    "chat_questions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("chat_id", Id, ForeignKey("chats.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),  # Q1, Q2, ...
    Column("text", String(400), nullable=False),
    Column("post_at", UTCDateTime, nullable=False),
    # Set once the question is posted; a deleted question post leaves it NULL but
    # ``posted_at`` keeps the job from posting it again.
    Column("post_id", Id, ForeignKey("posts.id", ondelete="SET NULL"), nullable=True),
    Column("posted_at", UTCDateTime, nullable=True),
    UniqueConstraint("chat_id", "number", name="uq_chat_questions_number"),
)
