"""Scheduled posts: the job runner publishes them when due (with their poll), not
before; cancelled or moved ones are not published by their old job; a job run
twice posts once; and the job survives a restart (it is in the database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from roost.config import Settings
from roost.errors import NotFound, ValidationFailed
from roost.media.actions import do_upload_media
from roost.posts.actions import do_create_post
from roost.posts.models import posts
from roost.posts.queries import get_status
from roost.runtime import Runtime, build_runtime
from roost.scheduled.actions import (
    do_cancel_scheduled_post,
    do_reschedule_post,
    do_schedule_post,
    handle_publish,
    publish,
)
from roost.scheduled.models import scheduled_posts
from roost.store.jobs import jobs
from roost.store.schema import utcnow
from roost.worker import drain
from tests.conftest import People
from tests.media.pictures import picture

Settle = Callable[[], int]


def _in(minutes: int) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


def travel(rt: Runtime, minutes: int) -> None:
    """Moves the clock forward for the stored times: what was due in ``minutes`` is due now."""
    shift = timedelta(minutes=minutes)
    with rt.db.write() as tx:
        for table, column in ((scheduled_posts, "scheduled_at"), (jobs, "run_at")):
            for row_id, when in tx.conn.execute(select(table.c.id, table.c[column])).all():
                tx.conn.execute(
                    update(table).where(table.c.id == row_id).values({column: when - shift})
                )


def texts_by(rt: Runtime, account_id: int) -> list[str]:
    with rt.db.read() as conn:
        return list(conn.scalars(select(posts.c.text).where(posts.c.account_id == account_id)))


def test_published_on_time_with_its_poll(rt: Runtime, people: People, settle: Settle) -> None:
    poll = {"options": ["Yes", "No"], "expires_in": 600}
    do_schedule_post(
        rt, people.alice, _in(60), {"text": "Tonight?", "poll": poll, "visibility": "unlisted"}
    )
    settle()
    assert texts_by(rt, people.alice) == []  # not before its time
    travel(rt, 59)
    settle()
    assert texts_by(rt, people.alice) == []
    travel(rt, 1)
    settle()
    assert texts_by(rt, people.alice) == ["Tonight?"]
    with rt.db.read() as conn:
        post_id = conn.execute(select(posts.c.id).where(posts.c.account_id == people.alice)).one()[
            0
        ]
        assert conn.scalar(select(scheduled_posts.c.id)) is None
    view = get_status(rt, people.alice, post_id)
    assert view.post.visibility == "unlisted"
    assert view.poll is not None
    assert list(view.poll.row.options) == ["Yes", "No"]


def test_cancelled_is_not_published(rt: Runtime, people: People, settle: Settle) -> None:
    scheduled = do_schedule_post(rt, people.alice, _in(10), {"text": "never"})
    do_cancel_scheduled_post(rt, people.alice, scheduled)
    with pytest.raises(NotFound):
        do_cancel_scheduled_post(rt, people.alice, scheduled)
    travel(rt, 10)
    settle()
    assert texts_by(rt, people.alice) == []


def test_moved_later_is_published_at_the_new_time(
    rt: Runtime, people: People, settle: Settle
) -> None:
    scheduled = do_schedule_post(rt, people.alice, _in(10), {"text": "later"})
    with pytest.raises(NotFound):
        do_reschedule_post(rt, people.bob, scheduled, _in(30))  # not hers to move
    do_reschedule_post(rt, people.alice, scheduled, _in(30))
    travel(rt, 10)
    settle()  # the first job runs: not due any more
    assert texts_by(rt, people.alice) == []
    travel(rt, 20)
    settle()
    assert texts_by(rt, people.alice) == ["later"]


def test_too_soon_or_bad_is_refused(rt: Runtime, people: People) -> None:
    with pytest.raises(ValidationFailed):
        do_schedule_post(rt, people.alice, _in(4), {"text": "soon"})
    with pytest.raises(ValidationFailed):
        do_schedule_post(rt, people.alice, _in(10), {"text": ""})
    with pytest.raises(ValidationFailed):
        do_schedule_post(
            rt, people.alice, _in(10), {"text": "x", "poll": {"options": ["a"], "expires_in": 600}}
        )
    scheduled = do_schedule_post(rt, people.alice, _in(10), {"text": "fine"})
    with pytest.raises(ValidationFailed):
        do_reschedule_post(rt, people.alice, scheduled, _in(1))


def test_a_job_run_twice_posts_once(rt: Runtime, people: People) -> None:
    scheduled = do_schedule_post(rt, people.alice, _in(10), {"text": "once"})
    travel(rt, 10)
    with rt.db.read() as conn:
        row = conn.execute(select(scheduled_posts)).one()
    publish(rt, row)  # a worker crashed after posting, before forgetting the row
    publish(rt, row)
    handle_publish(rt, {"scheduled_id": scheduled})
    assert texts_by(rt, people.alice) == ["once"]


def test_survives_a_restart(settings: Settings, rt: Runtime, people: People) -> None:
    do_schedule_post(rt, people.alice, _in(15), {"text": "after the restart"})
    alice = people.alice
    rt.close()  # the process stops; the job is in the database
    restarted = build_runtime(settings, pool_size=5)
    try:
        travel(restarted, 15)
        drain(restarted)
        assert texts_by(restarted, alice) == ["after the restart"]
    finally:
        restarted.close()


def _picture(rt: Runtime, account_id: int) -> int:
    return do_upload_media(
        rt,
        account_id,
        picture("PNG"),
        content_type="image/png",
        filename="hours.png",
        description="The clinic's new hours",
    )


def test_published_with_its_pictures(rt: Runtime, people: People, settle: Settle) -> None:
    media_id = _picture(rt, people.alice)
    do_schedule_post(rt, people.alice, _in(10), {"text": "", "media_ids": [media_id]})
    with pytest.raises(ValidationFailed):  # held by the scheduled post: not for another
        do_create_post(rt, people.alice, "now", media_ids=[media_id])
    travel(rt, 10)
    settle()
    with rt.db.read() as conn:
        post_id = conn.execute(select(posts.c.id).where(posts.c.account_id == people.alice)).one()[
            0
        ]
    assert [m.id for m in get_status(rt, people.alice, post_id).media] == [media_id]


def test_cancelling_releases_its_pictures(rt: Runtime, people: People) -> None:
    media_id = _picture(rt, people.alice)
    scheduled = do_schedule_post(rt, people.alice, _in(10), {"text": "x", "media_ids": [media_id]})
    with pytest.raises(NotFound):
        do_cancel_scheduled_post(rt, people.bob, scheduled)  # not hers: nothing changes
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.alice, "now", media_ids=[media_id])
    do_cancel_scheduled_post(rt, people.alice, scheduled)
    post_id = do_create_post(rt, people.alice, "now", media_ids=[media_id])
    assert [m.id for m in get_status(rt, people.alice, post_id).media] == [media_id]
