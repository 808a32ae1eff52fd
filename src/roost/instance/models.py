"""The instance settings (one row per key) and the rules.

Settings are a key/value table rather than columns: an admin changes a handful of
them rarely, and a new one needs no migration. Each value is text; the queries
module knows each key's meaning and default."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

instance_settings = Table(
    "instance_settings",
    metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The server's rules, in the order admins give them (``position``, 0 first). The id is
# what reports cite in ``rule_ids``, so editing a rule's text keeps its id.
rules = Table(
    "rules",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("hint", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_rules_position", rules.c.position)
