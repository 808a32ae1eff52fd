"""Scheduling a post, changing when, cancelling it, and the job that publishes it.

The parameters are checked when the post is scheduled (a mistake is told at once,
not at publication) and stored as they will be given to ``do_create_post``. The
job is in the database, enqueued for ``scheduled_at``: it survives a restart. It
re-reads the row and does nothing unless it is due (a PUT moves the time and
enqueues another job); it publishes with an idempotency key derived from the
scheduled post, so a job run twice (a crash after the post committed) posts once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.ids import new_id
from roost.media.actions import hold_media, release_media
from roost.posts.actions import do_create_post
from roost.posts.models import VISIBILITIES
from roost.posts.polls import PollSpec, check_poll
from roost.runtime import Runtime
from roost.scheduled.models import scheduled_posts
from roost.store.schema import utcnow
from roost.text import count_length

log = logging.getLogger("roost.scheduled")

PUBLISH_JOB = "scheduled.publish"

# Mastodon's: at least 5 minutes ahead; at most 300 waiting, 25 of them on one day.
MIN_AHEAD = timedelta(minutes=5)
MAX_WAITING = 300
MAX_PER_DAY = 25


def _check_time(scheduled_at: datetime) -> datetime:
    if scheduled_at.tzinfo is None:
        raise ValidationFailed("scheduled_at needs a time zone", field="scheduled_at")
    if scheduled_at < utcnow() + MIN_AHEAD:
        raise ValidationFailed(
            "The scheduled date must be in the future (at least 5 minutes ahead)",
            field="scheduled_at",
        )
    return scheduled_at


def _check_params(rt: Runtime, params: dict[str, Any]) -> dict[str, Any]:
    text = str(params.get("text") or "").replace("\r\n", "\n").strip()
    params["media_ids"] = [int(m) for m in params.get("media_ids") or []] or None
    if not text and not params["media_ids"]:
        raise ValidationFailed("Text can't be blank", field="status", code="ERR_BLANK")
    length = count_length(text) + len(params.get("spoiler_text") or "")
    if length > rt.settings.max_post_chars or "\x00" in text:
        raise ValidationFailed("Text is too long or not valid", field="status")
    visibility = params.get("visibility")
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValidationFailed(
            f"Visibility must be one of {', '.join(VISIBILITIES)}", field="visibility"
        )
    poll = params.get("poll")
    if poll is not None:
        params["poll"] = check_poll(PollSpec.from_params(poll)).as_params()
    return params | {"text": text}


def do_schedule_post(
    rt: Runtime, account_id: int, scheduled_at: datetime, params: dict[str, Any]
) -> int:
    """``params``: text, visibility, spoiler_text, sensitive, language,
    in_reply_to_id, quote_id, circle_id, poll (``PollSpec.as_params``), media_ids,
    application_id: what ``do_create_post`` will be given."""
    scheduled_at = _check_time(scheduled_at)
    params = _check_params(rt, dict(params))
    scheduled_id = new_id()
    with rt.db.write() as tx:
        waiting = tx.conn.execute(
            select(scheduled_posts.c.scheduled_at).where(scheduled_posts.c.account_id == account_id)
        ).all()
        if len(waiting) >= MAX_WAITING:
            raise ValidationFailed(
                f"At most {MAX_WAITING} posts can wait to be published", field="scheduled_at"
            )
        same_day = [w for w in waiting if w.scheduled_at.date() == scheduled_at.date()]
        if len(same_day) >= MAX_PER_DAY:
            raise ValidationFailed(
                f"At most {MAX_PER_DAY} posts can be scheduled on one day", field="scheduled_at"
            )
        tx.conn.execute(
            insert(scheduled_posts).values(
                id=scheduled_id,
                account_id=account_id,
                scheduled_at=scheduled_at,
                params=params,
                created_at=utcnow(),
            )
        )
        # Its pictures are held (the day-old cleanup leaves them) until it is published.
        hold_media(tx, account_id, scheduled_id, params["media_ids"] or [])
        _enqueue_publish(rt, tx, scheduled_id, scheduled_at)
    return scheduled_id


def _enqueue_publish(rt: Runtime, tx: Any, scheduled_id: int, scheduled_at: datetime) -> None:
    delay = max(0.0, (scheduled_at - utcnow()).total_seconds())
    rt.jobs.enqueue(tx, PUBLISH_JOB, {"scheduled_id": scheduled_id}, delay=delay)


def do_reschedule_post(rt: Runtime, account_id: int, scheduled_id: int, when: datetime) -> None:
    when = _check_time(when)
    with rt.db.write() as tx:
        changed = tx.conn.execute(
            update(scheduled_posts)
            .where(scheduled_posts.c.id == scheduled_id, scheduled_posts.c.account_id == account_id)
            .values(scheduled_at=when)
        ).rowcount
        if not changed:
            raise NotFound("Record not found")
        _enqueue_publish(rt, tx, scheduled_id, when)


def do_cancel_scheduled_post(rt: Runtime, account_id: int, scheduled_id: int) -> None:
    with rt.db.write() as tx:
        gone = tx.conn.execute(
            delete(scheduled_posts).where(
                scheduled_posts.c.id == scheduled_id, scheduled_posts.c.account_id == account_id
            )
        ).rowcount
        if not gone:
            raise NotFound("Record not found")
        release_media(rt, tx, scheduled_id)  # unheld: they go in a day unless posted


def handle_publish(rt: Runtime, payload: dict[str, Any]) -> None:
    scheduled_id = int(payload["scheduled_id"])
    with rt.db.read() as conn:
        row = conn.execute(
            select(scheduled_posts).where(
                scheduled_posts.c.id == scheduled_id,
                scheduled_posts.c.scheduled_at <= utcnow(),
            )
        ).first()
    if row is None:
        return  # cancelled, published already, or moved later (its own job will come)
    publish(rt, row)


def publish(rt: Runtime, row: Any) -> int | None:
    """Posts a due scheduled post through the normal post action, then forgets it.
    A post that cannot be made any more (its parent deleted) is dropped, logged."""
    params = dict(row.params)
    poll = params.get("poll")
    try:
        post_id: int | None = do_create_post(
            rt,
            row.account_id,
            params["text"],
            visibility=params.get("visibility"),
            in_reply_to_id=params.get("in_reply_to_id"),
            quote_id=params.get("quote_id"),
            spoiler_text=params.get("spoiler_text") or "",
            sensitive=bool(params.get("sensitive")),
            language=params.get("language"),
            idempotency_key=f"scheduled:{row.id}",
            application_id=params.get("application_id"),
            circle_id=params.get("circle_id"),
            poll=PollSpec.from_params(poll) if poll else None,
            media_ids=[int(m) for m in params.get("media_ids") or []],
            scheduled_id=row.id,
        )
    except (NotFound, Forbidden, ValidationFailed) as exc:  # a rate limit retries
        log.warning("scheduled post %s dropped: %s", row.id, exc)
        post_id = None
    with rt.db.write() as tx:
        tx.conn.execute(delete(scheduled_posts).where(scheduled_posts.c.id == row.id))
        if post_id is None:
            release_media(rt, tx, row.id)
    return post_id


JOB_HANDLERS = {PUBLISH_JOB: handle_publish}
