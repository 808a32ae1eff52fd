"""An export is one row with its progress; an import is one row plus one row per
batch of CSV rows, written by the batch's job (an upsert: a retried batch rewrites
its own result, so nothing is counted twice)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

archive_exports = Table(
    "archive_exports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(10), nullable=False),  # pending, running, done, failed
    Column("posts_total", Integer, nullable=False),
    Column("posts_done", Integer, nullable=False),
    # In media storage under a random name; served only through the owner's session.
    Column("file_name", String(200), nullable=True),
    Column("size", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
)
Index("ix_archive_exports_account", archive_exports.c.account_id, archive_exports.c.id)

archive_imports = Table(
    "archive_imports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # follows, blocks, mutes, lists, bookmarks
    Column("mode", String(10), nullable=False),  # merge, overwrite
    Column("file_label", String(200), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("batches_total", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_archive_imports_account", archive_imports.c.account_id, archive_imports.c.id)

archive_import_batches = Table(
    "archive_import_batches",
    metadata,
    Column("import_id", Id, ForeignKey("archive_imports.id", ondelete="CASCADE"), primary_key=True),
    Column("batch", Integer, primary_key=True, autoincrement=False),
    Column("imported", Integer, nullable=False),
    # Overwrite's first step: what it took away because the file did not list it.
    Column("removed", Integer, nullable=False, default=0),
    # [{"row": n, "value": "...", "reason": "..."}]
    Column("skipped", JSON, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
)
