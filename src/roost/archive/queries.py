"""Reads of the account's own archives and imports, for its pages (nobody else's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from roost.archive.models import archive_exports, archive_import_batches, archive_imports
from roost.errors import NotFound
from roost.runtime import Runtime


def get_exports(rt: Runtime, account_id: int) -> list[Any]:
    with rt.db.read() as conn:
        return list(
            conn.execute(
                select(archive_exports)
                .where(archive_exports.c.account_id == account_id)
                .order_by(archive_exports.c.id.desc())
                .limit(5)
            ).all()
        )


def access_archive(rt: Runtime, account_id: int, export_id: int) -> bytes:
    """The finished archive's bytes, for its owner only (anyone else: not found)."""
    with rt.db.read() as conn:
        name = conn.scalar(
            select(archive_exports.c.file_name).where(
                archive_exports.c.id == export_id,
                archive_exports.c.account_id == account_id,
                archive_exports.c.state == "done",
            )
        )
    data = rt.media.read(name) if name else None
    if data is None:
        raise NotFound("Record not found")
    return data


@dataclass(frozen=True)
class ImportView:
    id: int
    kind: str
    mode: str
    file_label: str
    rows_total: int
    batches_total: int
    batches_done: int
    imported: int
    removed: int
    skipped: list[dict[str, Any]]
    created_at: Any

    @property
    def finished(self) -> bool:
        return self.batches_done >= self.batches_total


def get_imports(rt: Runtime, account_id: int, limit: int = 5) -> list[ImportView]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(archive_imports)
            .where(archive_imports.c.account_id == account_id)
            .order_by(archive_imports.c.id.desc())
            .limit(limit)
        ).all()
        results: dict[int, list[Any]] = {}
        if rows:
            for batch in conn.execute(
                select(archive_import_batches)
                .where(archive_import_batches.c.import_id.in_([r.id for r in rows]))
                .order_by(archive_import_batches.c.batch)
            ):
                results.setdefault(batch.import_id, []).append(batch)
    views = []
    for row in rows:
        done = results.get(row.id, [])
        views.append(
            ImportView(
                id=row.id,
                kind=row.kind,
                mode=row.mode,
                file_label=row.file_label,
                rows_total=row.rows_total,
                batches_total=row.batches_total,
                batches_done=len(done),
                imported=sum(b.imported for b in done),
                removed=sum(b.removed for b in done),
                skipped=[s for b in done for s in (b.skipped or [])],
                created_at=row.created_at,
            )
        )
    return views
