"""Filters (what to do, where, until when), their keywords and their single posts.

``context`` is a JSON list of the places a filter applies (``CONTEXTS``): a filter
is read whole with its owner's others, never searched by context in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, String, Table, UniqueConstraint

from roost.store.schema import Id, UTCDateTime, metadata

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide")

filters = Table(
    "filters",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("context", JSON, nullable=False),
    Column("filter_action", String(10), nullable=False, default="warn"),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_filters_account", filters.c.account_id)

filter_keywords = Table(
    "filter_keywords",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("filter_id", Id, ForeignKey("filters.id", ondelete="CASCADE"), nullable=False),
    Column("keyword", String(200), nullable=False),
    Column("whole_word", Boolean, nullable=False, default=True),
)
Index("ix_filter_keywords_filter", filter_keywords.c.filter_id)

filter_statuses = Table(
    "filter_statuses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("filter_id", Id, ForeignKey("filters.id", ondelete="CASCADE"), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("filter_id", "post_id", name="uq_filter_statuses_post"),
)


@dataclass(frozen=True)
class KeywordView:
    id: int
    filter_id: int
    keyword: str
    whole_word: bool


@dataclass(frozen=True)
class FilterStatusView:
    id: int
    filter_id: int
    post_id: int


@dataclass(frozen=True)
class FilterView:
    id: int
    account_id: int
    title: str
    context: list[str]
    filter_action: str
    expires_at: datetime | None
    created_at: datetime
    keywords: list[KeywordView] = field(default_factory=list)
    statuses: list[FilterStatusView] = field(default_factory=list)

    @property
    def irreversible(self) -> bool:
        """Mastodon's v1 name for ``hide``."""
        return self.filter_action == "hide"
