"""The media actions other packages build on: attaching to a post inside its
transaction, holding attachments for a scheduled post, releasing them, and the
cleanup job re-reading the state it finds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from roost.errors import ValidationFailed
from roost.ids import new_id
from roost.media.actions import (
    CLEANUP_JOB,
    JOB_HANDLERS,
    attach_media,
    do_upload_media,
    hold_media,
    release_media,
)
from roost.media.models import media_attachments
from roost.media.queries import held_media
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.media.pictures import picture


def upload(rt: Runtime, account_id: int) -> int:
    return do_upload_media(rt, account_id, picture("PNG"), content_type="image/png", filename=None)


def cleanup(rt: Runtime, media_id: int) -> None:
    JOB_HANDLERS[CLEANUP_JOB](rt, {"media_id": media_id})


def exists(rt: Runtime, media_id: int) -> bool:
    with rt.db.read() as conn:
        found = conn.scalar(
            select(media_attachments.c.id).where(media_attachments.c.id == media_id)
        )
    return found is not None


def test_a_scheduled_post_holds_its_media_until_published(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    scheduled_id = new_id()
    first, second = upload(rt, people.alice), upload(rt, people.alice)
    with rt.db.write() as tx:
        hold_media(tx, people.alice, scheduled_id, [second, first])
    with rt.db.read() as conn:
        assert [m.id for m in held_media(conn, scheduled_id)] == [second, first]
    # A day later the cleanup finds them held: they stay.
    cleanup(rt, first)
    assert exists(rt, first)
    # Nobody else's post (nor another scheduled post) may take them meanwhile.
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.alice, "sneaky", media_ids=[first])
    with pytest.raises(ValidationFailed), rt.db.write() as tx:
        hold_media(tx, people.alice, new_id(), [first])
    # Published: the post takes them, in the held order.
    post_id = do_create_post(rt, people.alice, "scheduled text")
    with rt.db.write() as tx:
        attach_media(tx, people.alice, post_id, [second, first], scheduled_id=scheduled_id)
    with rt.db.read() as conn:
        rows = conn.execute(select(media_attachments).order_by(media_attachments.c.position)).all()
    assert [(r.id, r.post_id, r.scheduled_id) for r in rows] == [
        (second, post_id, None),
        (first, post_id, None),
    ]


def test_a_cancelled_scheduled_post_lets_its_media_go(rt: Runtime, people: People) -> None:
    scheduled_id = new_id()
    media_id = upload(rt, people.alice)
    with rt.db.write() as tx:
        hold_media(tx, people.alice, scheduled_id, [media_id])
    with rt.db.write() as tx:
        release_media(rt, tx, scheduled_id)
    cleanup(rt, media_id)
    assert not exists(rt, media_id)


def test_holding_checks_as_attaching_does(rt: Runtime, people: People) -> None:
    alice = people.alice  # (created here: not inside the transactions below)
    bobs = upload(rt, people.bob)
    with pytest.raises(ValidationFailed, match="Media not found"), rt.db.write() as tx:
        hold_media(tx, alice, new_id(), [bobs])
    five = [upload(rt, alice) for _ in range(5)]
    with pytest.raises(ValidationFailed, match="At most 4"), rt.db.write() as tx:
        hold_media(tx, alice, new_id(), five)
