"""The archive: a zip with the account's posts as ActivityStreams, its pictures, its
profile and its relations, built by a job (``archive.export``) that reports progress.

Members, as Mastodon's archive has them (``BackupService``; Mastodon writes a
tar.gz, Roost a zip, which every system opens): ``outbox.json``, an
OrderedCollection of ``Create`` (a post, its ``Note`` inside) and ``Announce`` (a
repost) activities, oldest first; ``actor.json``, the ``Person`` with ``icon``/
``image`` pointing at ``avatar.*``/``header.*`` in the zip; ``likes.json`` and
``bookmarks.json``, collections of post URIs; the pictures under
``media_attachments/`` (the ``url`` of each attachment in the outbox is that path);
and Mastodon's export CSVs (``roost.archive.csvs``), which ``/settings/import``
reads back. One archive a week (Mastodon's rule); each is kept ``KEEP_DAYS``, in
media storage under a random name, and served only to its owner's session.
"""

from __future__ import annotations

import secrets
import tempfile
import zipfile
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update

from roost.archive.activities import ArchiveWriter
from roost.archive.models import archive_exports
from roost.errors import RateLimited
from roost.ids import new_id
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.schema import utcnow

EXPORT_JOB = "archive.export"
EXPIRE_JOB = "archive.expire"
KEEP_DAYS = 7
EVERY_DAYS = 7


def do_request_export(rt: Runtime, account_id: int) -> int:
    """Starts an archive: one a week, unless the last one never finished."""
    now = utcnow()
    with rt.db.write() as tx:
        recent = tx.conn.scalar(
            select(archive_exports.c.id).where(
                archive_exports.c.account_id == account_id,
                archive_exports.c.created_at > now - timedelta(days=EVERY_DAYS),
                # One still "running" a day on lost its job (parked): it does not count.
                or_(
                    archive_exports.c.state.in_(("done", "expired")),
                    archive_exports.c.created_at > now - timedelta(days=1),
                ),
            )
        )
        if recent is not None:
            raise RateLimited("You can ask for one archive a week: the last one is below.")
        total = tx.conn.scalar(
            select(func.count()).select_from(posts).where(posts.c.account_id == account_id)
        )
        export_id = new_id()
        tx.conn.execute(
            insert(archive_exports).values(
                id=export_id,
                account_id=account_id,
                state="pending",
                posts_total=int(total or 0),
                posts_done=0,
                created_at=now,
            )
        )
        rt.jobs.enqueue(tx, EXPORT_JOB, {"export_id": export_id})
    return export_id


def handle_export(rt: Runtime, payload: dict[str, Any]) -> None:
    """Builds the whole zip in a temporary file, then stores it: a retried job starts
    over and overwrites nothing but its own row (the name is chosen anew)."""
    export_id = int(payload["export_id"])
    with rt.db.read() as conn:
        export = conn.execute(
            select(archive_exports).where(archive_exports.c.id == export_id)
        ).first()
    if export is None or export.state == "done":
        return
    _set(rt, export_id, state="running", posts_done=0)
    builder = ArchiveWriter(rt, export_id, int(export.account_id))
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            builder.write(archive)
        spool.seek(0)
        data = spool.read()
    name = f"archives/{secrets.token_urlsafe(24)}.zip"
    rt.media.save(name, data)
    _set(rt, export_id, state="done", file_name=name, size=len(data), finished_at=utcnow())
    with rt.db.write() as tx:
        rt.jobs.enqueue(tx, EXPIRE_JOB, {"export_id": export_id}, delay=KEEP_DAYS * 24 * 3600.0)


def handle_expire(rt: Runtime, payload: dict[str, Any]) -> None:
    """A week on: the file goes; the row stays as "expired" (it still counts for the
    once-a-week rule until its week is over)."""
    export_id = int(payload["export_id"])
    with rt.db.read() as conn:
        name = conn.scalar(
            select(archive_exports.c.file_name).where(archive_exports.c.id == export_id)
        )
    if name:
        rt.media.delete(name)
    _set(rt, export_id, state="expired", file_name=None)


def remove_account_archives(rt: Runtime, account_id: int) -> None:
    """An account being removed: its archives' files go now (rows go with the account's)."""
    with rt.db.read() as conn:
        rows = conn.execute(
            select(archive_exports.c.id, archive_exports.c.file_name).where(
                archive_exports.c.account_id == account_id
            )
        ).all()
    for row in rows:
        if row.file_name:
            rt.media.delete(row.file_name)
        _set(rt, row.id, state="expired", file_name=None)


def _set(rt: Runtime, export_id: int, **values: Any) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            update(archive_exports).where(archive_exports.c.id == export_id).values(**values)
        )


JOB_HANDLERS = {EXPORT_JOB: handle_export, EXPIRE_JOB: handle_expire}
