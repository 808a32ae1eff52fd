"""One row per use of a hashtag or link in a public post, stamped with its hour.

A row is (kind, key, post): the same post counts once however often it repeats a
tag, and recording a post twice (a job run again) changes nothing. Counting
*distinct accounts* per hour from these rows is what keeps one loud account from
trending a tag. The post's foreign key takes its uses with it when it is deleted.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Table

from roost.store.schema import Id, metadata

KINDS = ("tag", "link")
MAX_KEY = 500  # longer links are not counted: nobody shares a card of them anyway

trend_uses = Table(
    "trend_uses",
    metadata,
    Column("kind", String(8), nullable=False),
    # A tag's id (as text) or a link's URL.
    Column("key", String(MAX_KEY), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # Whole hours since the Unix epoch of the post's creation (a day is hour // 24).
    Column("hour", Integer, nullable=False),
    PrimaryKeyConstraint("kind", "key", "post_id"),
)
# "What was used in the last hours?" (the candidates), then each one's own history.
Index("ix_trend_uses_hour", trend_uses.c.kind, trend_uses.c.hour)
Index("ix_trend_uses_key_hour", trend_uses.c.kind, trend_uses.c.key, trend_uses.c.hour)
