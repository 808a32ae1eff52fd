"""Every change to media attachments: upload, process, describe, delete, attach to a
post, and the jobs that finish processing and clean up.

An upload is checked while the client waits (``check_upload``: header and
structure only, cheap), so bad files are refused with a 422 at once; decoding and
re-encoding either happen at once too (``process_now``, for ``/api/v1/media`` and
the web composer) or in the ``media.process`` job (``/api/v2/media``, which then
answers 202 with ``url`` null). Every upload also enqueues ``media.cleanup`` a day
ahead: if by then no post has taken the attachment, it goes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from roost.errors import NotFound, ValidationFailed
from roost.ids import new_id
from roost.media.models import FAILED, PROCESSING, READY, media_attachments
from roost.media.processing import Processed, check_upload, process_upload
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow

PROCESS_JOB = "media.process"
CLEANUP_JOB = "media.cleanup"
REMOVE_FILES_JOB = "media.remove_files"

MAX_ATTACHMENTS = 4
MAX_DESCRIPTION = 1500
UNATTACHED_LIFETIME = 24 * 3600.0


def parse_focus(value: str | None) -> tuple[float, float] | None:
    """Mastodon's focal point, ``"x,y"`` with each in -1.0..1.0; None if not given."""
    if value is None or not value.strip():
        return None
    parts = value.split(",")
    try:
        x, y = (float(p) for p in parts) if len(parts) == 2 else (2.0, 2.0)
    except ValueError:
        x, y = 2.0, 2.0
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise ValidationFailed("Focus must be two numbers from -1.0 to 1.0: x,y", field="focus")
    return x, y


def _check_description(description: str | None) -> str | None:
    if description is None:
        return None
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            f"Description is too long (at most {MAX_DESCRIPTION} characters)",
            field="description",
            code="ERR_TOO_LONG",
        )
    if "\x00" in description:
        raise ValidationFailed("Description contains a NUL character", field="description")
    return description or None


def do_upload_media(
    rt: Runtime,
    account_id: int,
    data: bytes,
    *,
    content_type: str | None,
    filename: str | None,
    description: str | None = None,
    focus: str | None = None,
    process_now: bool = True,
) -> int:
    """Stores an upload as an unattached attachment; returns its ID."""
    description = _check_description(description)
    point = parse_focus(focus) or (0.0, 0.0)
    check_upload(data, content_type=content_type, filename=filename)
    media_id = new_id()
    values: dict[str, Any] = {
        "id": media_id,
        "account_id": account_id,
        "post_id": None,
        "position": 0,
        "type": "image",
        "description": description,
        "focus_x": point[0],
        "focus_y": point[1],
        "created_at": utcnow(),
    }
    if process_now:
        processed = process_upload(data)
        values.update(_store(rt, processed), state=READY)
    else:
        upload_name = f"uploads/{secrets.token_hex(16)}"
        rt.media.save(upload_name, data)
        values.update(state=PROCESSING, upload_name=upload_name)
    with rt.db.write() as tx:
        tx.conn.execute(insert(media_attachments).values(**values))
        if not process_now:
            rt.jobs.enqueue(tx, PROCESS_JOB, {"media_id": media_id})
        _enqueue_cleanup(rt, tx, [media_id])
    return media_id


def _store(rt: Runtime, processed: Processed) -> dict[str, Any]:
    """Saves both renditions under fresh random names; returns the row's columns."""
    stem = f"attachments/{secrets.token_hex(16)}"
    file_name = f"{stem}.{processed.original.ext}"
    preview_name = f"{stem}-small.{processed.preview.ext}"
    rt.media.save(file_name, processed.original.data)
    rt.media.save(preview_name, processed.preview.data)
    return {
        "file_name": file_name,
        "preview_name": preview_name,
        "width": processed.original.width,
        "height": processed.original.height,
        "small_width": processed.preview.width,
        "small_height": processed.preview.height,
        "blurhash": processed.blurhash,
    }


def process_media_job(rt: Runtime, payload: dict[str, Any]) -> None:
    """``media.process``: decodes the stored upload. Idempotent: an attachment no
    longer processing (done by an earlier run, or deleted) is left alone."""
    media_id = int(payload["media_id"])
    with rt.db.read() as conn:
        row = conn.execute(
            select(media_attachments).where(media_attachments.c.id == media_id)
        ).first()
    if row is None or row.state != PROCESSING or row.upload_name is None:
        return
    data = rt.media.read(row.upload_name)
    columns: dict[str, Any]
    try:
        if data is None:
            raise ValidationFailed("The upload is gone", field="file")
        columns = {**_store(rt, process_upload(data)), "state": READY}
    except ValidationFailed:
        columns = {"state": FAILED}
    with rt.db.write() as tx:
        done = tx.conn.execute(
            update(media_attachments)
            .where(media_attachments.c.id == media_id, media_attachments.c.state == PROCESSING)
            .values(**columns, upload_name=None)
        ).rowcount
        names = [row.upload_name]
        if not done:  # deleted meanwhile, or a concurrent run won: drop what we saved
            names += [n for k, n in columns.items() if k in ("file_name", "preview_name")]
        rt.jobs.enqueue(tx, REMOVE_FILES_JOB, {"names": names})


def do_update_media(
    rt: Runtime,
    account_id: int,
    media_id: int,
    *,
    description: str | None = None,
    focus: str | None = None,
) -> None:
    """Alt text and focal point; only of one's own attachments not yet posted (as
    Mastodon: a posted attachment changes through an edit of its post)."""
    values: dict[str, Any] = {}
    if description is not None:
        values["description"] = _check_description(description)
    point = parse_focus(focus)
    if point is not None:
        values["focus_x"], values["focus_y"] = point
    with rt.db.write() as tx:
        row = _own_unattached(tx.conn, account_id, media_id)
        if values:
            tx.conn.execute(
                update(media_attachments).where(media_attachments.c.id == row.id).values(**values)
            )


def do_delete_media(rt: Runtime, account_id: int, media_id: int) -> None:
    """Deletes one's own attachment while no post has it."""
    with rt.db.write() as tx:
        row = _own(tx.conn, account_id, media_id)
        if row.post_id is not None:
            raise ValidationFailed("Media attachment is currently used by a status", field="id")
        _remove(rt, tx, [row])


def _own(conn: Connection, account_id: int, media_id: int) -> Any:
    row = conn.execute(
        select(media_attachments).where(
            media_attachments.c.id == media_id, media_attachments.c.account_id == account_id
        )
    ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def _own_unattached(conn: Connection, account_id: int, media_id: int) -> Any:
    row = _own(conn, account_id, media_id)
    if row.post_id is not None:
        raise NotFound("Record not found")
    return row


def _remove(rt: Runtime, tx: Tx, rows: Sequence[Any]) -> None:
    """Deletes the rows now and their files in a job after commit (durable, retried)."""
    if not rows:
        return
    tx.conn.execute(
        delete(media_attachments).where(media_attachments.c.id.in_([r.id for r in rows]))
    )
    names = [n for r in rows for n in (r.file_name, r.preview_name, r.upload_name) if n is not None]
    if names:
        rt.jobs.enqueue(tx, REMOVE_FILES_JOB, {"names": names})


def _check_usable(
    conn: Connection, account_id: int, media_ids: Sequence[int], scheduled_id: int | None
) -> list[int]:
    """The IDs, deduplicated, once each is the account's, processed, on no post and
    held by no other scheduled post; raises ValidationFailed (a 422) otherwise."""
    wanted = list(dict.fromkeys(media_ids))
    if len(wanted) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            f"At most {MAX_ATTACHMENTS} media attachments per post", field="media_ids"
        )
    rows = {
        r.id: r
        for r in conn.execute(
            select(media_attachments).where(
                media_attachments.c.id.in_(wanted), media_attachments.c.account_id == account_id
            )
        )
    }
    for media_id in wanted:
        row = rows.get(media_id)
        if row is None or row.post_id is not None or row.scheduled_id not in (None, scheduled_id):
            raise ValidationFailed(f"Media not found: {media_id}", field="media_ids")
        if row.state == PROCESSING:
            raise ValidationFailed(
                "Cannot attach files that have not finished processing. Try again in a moment!",
                field="media_ids",
            )
        if row.state == FAILED:
            raise ValidationFailed(f"Media could not be processed: {media_id}", field="media_ids")
    return wanted


def attach_media(
    tx: Tx,
    account_id: int,
    post_id: int,
    media_ids: Sequence[int],
    *,
    scheduled_id: int | None = None,
) -> None:
    """Gives a new post its attachments, in the order given, inside the post's own
    transaction. Each must be the author's, processed, on no other post and held by
    no scheduled post but ``scheduled_id`` (the one being published, if any);
    otherwise the whole post is refused (ValidationFailed, a 422)."""
    if not media_ids:
        return
    wanted = _check_usable(tx.conn, account_id, media_ids, scheduled_id)
    for position, media_id in enumerate(wanted):
        taken = tx.conn.execute(
            update(media_attachments)
            .where(media_attachments.c.id == media_id, media_attachments.c.post_id.is_(None))
            .values(post_id=post_id, position=position, scheduled_id=None)
        ).rowcount
        if not taken:  # another post took it since we read
            raise ValidationFailed(f"Media not found: {media_id}", field="media_ids")


def replace_post_media(
    rt: Runtime, tx: Tx, account_id: int, post_id: int, media_ids: Sequence[int]
) -> None:
    """An edit's ``media_ids``: the post's attachments become exactly these, in this
    order. Those it keeps stay; new ones are checked as ``attach_media`` checks them;
    dropped ones are detached and kept a day (as after "delete and redraft")."""
    wanted = list(dict.fromkeys(media_ids))
    current = list(
        tx.conn.scalars(
            select(media_attachments.c.id)
            .where(media_attachments.c.post_id == post_id)
            .order_by(media_attachments.c.position)
        )
    )
    if wanted == current:
        return
    if len(wanted) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            f"At most {MAX_ATTACHMENTS} media attachments per post", field="media_ids"
        )
    added = [m for m in wanted if m not in current]
    if added:
        _check_usable(tx.conn, account_id, added, None)
    dropped = [m for m in current if m not in wanted]
    if dropped:
        tx.conn.execute(
            update(media_attachments)
            .where(media_attachments.c.id.in_(dropped))
            .values(post_id=None, position=0)
        )
        _enqueue_cleanup(rt, tx, dropped)
    for position, media_id in enumerate(wanted):
        taken = tx.conn.execute(
            update(media_attachments)
            .where(
                media_attachments.c.id == media_id,
                (media_attachments.c.post_id.is_(None)) | (media_attachments.c.post_id == post_id),
            )
            .values(post_id=post_id, position=position, scheduled_id=None)
        ).rowcount
        if not taken:  # another post took it since we read
            raise ValidationFailed(f"Media not found: {media_id}", field="media_ids")


def hold_media(tx: Tx, account_id: int, scheduled_id: int, media_ids: Sequence[int]) -> None:
    """Reserves attachments for a scheduled post (checked as ``attach_media`` checks
    them), so the day-old cleanup leaves them alone until ``attach_media(...,
    scheduled_id=...)`` publishes them or ``release_media`` lets them go. Holding
    again replaces what the scheduled post held."""
    wanted = _check_usable(tx.conn, account_id, media_ids, scheduled_id) if media_ids else []
    tx.conn.execute(
        update(media_attachments)
        .where(
            media_attachments.c.scheduled_id == scheduled_id,
            media_attachments.c.id.not_in(wanted),
        )
        .values(scheduled_id=None)
    )
    for position, media_id in enumerate(wanted):
        tx.conn.execute(
            update(media_attachments)
            .where(media_attachments.c.id == media_id)
            .values(scheduled_id=scheduled_id, position=position)
        )


def release_media(rt: Runtime, tx: Tx, scheduled_id: int) -> None:
    """A scheduled post was cancelled: its attachments are unheld, and go in a day
    unless posted (as after an upload)."""
    ids = list(
        tx.conn.scalars(
            select(media_attachments.c.id).where(
                media_attachments.c.scheduled_id == scheduled_id,
                media_attachments.c.post_id.is_(None),
            )
        )
    )
    if ids:
        tx.conn.execute(
            update(media_attachments)
            .where(media_attachments.c.id.in_(ids))
            .values(scheduled_id=None)
        )
        _enqueue_cleanup(rt, tx, ids)


def _enqueue_cleanup(rt: Runtime, tx: Tx, media_ids: Sequence[int]) -> None:
    for media_id in media_ids:
        rt.jobs.enqueue(tx, CLEANUP_JOB, {"media_id": media_id}, delay=UNATTACHED_LIFETIME)


def remove_post_media(rt: Runtime, tx: Tx, post_ids: Sequence[int], *, keep: bool = False) -> None:
    """The attachments of posts being deleted: removed (their files in a job), or with
    ``keep`` detached and kept a day, so "delete and redraft" can post them again
    (Mastodon's ``delete_media`` left false)."""
    if not post_ids:
        return
    rows = tx.conn.execute(
        select(media_attachments).where(media_attachments.c.post_id.in_(list(post_ids)))
    ).all()
    if not keep:
        _remove(rt, tx, rows)
        return
    if rows:
        ids = [r.id for r in rows]
        tx.conn.execute(
            update(media_attachments)
            .where(media_attachments.c.id.in_(ids))
            .values(post_id=None, position=0)
        )
        _enqueue_cleanup(rt, tx, ids)


def remove_account_media(rt: Runtime, account_id: int) -> None:
    """Every upload of an account being removed, attached or not (files in a job)."""
    with rt.db.write() as tx:
        rows = tx.conn.execute(
            select(media_attachments).where(media_attachments.c.account_id == account_id)
        ).all()
        _remove(rt, tx, rows)


def cleanup_media_job(rt: Runtime, payload: dict[str, Any]) -> None:
    """``media.cleanup``, a day after an upload (or a detach): removes the attachment
    if it is still on no post and held by no scheduled post; else does nothing."""
    with rt.db.write() as tx:
        row = tx.conn.execute(
            select(media_attachments).where(
                media_attachments.c.id == int(payload["media_id"]),
                media_attachments.c.post_id.is_(None),
                media_attachments.c.scheduled_id.is_(None),
            )
        ).first()
        if row is not None:
            _remove(rt, tx, [row])


def remove_files_job(rt: Runtime, payload: dict[str, Any]) -> None:
    """``media.remove_files``: deleting a missing file is fine, so a rerun is too."""
    for name in payload["names"]:
        rt.media.delete(str(name))


JOB_HANDLERS: dict[str, Callable[[Runtime, dict[str, Any]], None]] = {
    PROCESS_JOB: process_media_job,
    CLEANUP_JOB: cleanup_media_job,
    REMOVE_FILES_JOB: remove_files_job,
}
