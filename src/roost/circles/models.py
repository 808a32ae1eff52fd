"""Circles and their members.

A circle is one author's named set of people, followers or not; a post addressed
to it (``posts.circle_id``) is seen by its author and the circle's current members
only (``roost.posts.visibility``). This package sits beside ``roost.graph``, below
``roost.posts``, so the visibility rule can read membership; it knows nothing of
posts. ``posts.circle_id`` deliberately has no foreign key: a deleted circle leaves
its posts pointing at it, and since the rule asks for a *member* of that circle
and a deleted circle has none, they become visible to their authors only, never
to followers (``ON DELETE SET NULL`` would have opened them to all followers).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint

from roost.store.schema import Id, UTCDateTime, metadata

NAME_MAX = 100

circles = Table(
    "circles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_circles_account", circles.c.account_id, circles.c.id)

circle_members = Table(
    "circle_members",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("circle_id", Id, ForeignKey("circles.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("circle_id", "account_id", name="uq_circle_members_pair"),
)
# The visibility rule asks "is the viewer in this post's circle?" (the unique
# index answers it); home rebuilds ask "which circles is the viewer in?".
Index("ix_circle_members_account", circle_members.c.account_id, circle_members.c.circle_id)
