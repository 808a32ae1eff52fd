"""Filing reports: what may be reported, and that the reported learn nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from roost.errors import NotFound, ValidationFailed
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block
from roost.moderation.actions import do_report
from roost.moderation.models import reports
from roost.notifications.models import notifications
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People


def test_a_report_keeps_what_was_reported(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.bob, "spam spam")
    report_id = do_report(
        rt, people.alice, people.bob, status_ids=[post, post], comment="ads", category="spam"
    )
    with rt.db.read() as conn:
        row = conn.execute(select(reports).where(reports.c.id == report_id)).one()
    assert (row.account_id, row.target_account_id) == (people.alice, people.bob)
    assert (row.status_ids, row.comment, row.category) == ([str(post)], "ads", "spam")
    assert row.action_taken_at is None


def test_only_the_targets_own_posts_can_be_reported(rt: Runtime, people: People) -> None:
    carols = do_create_post(rt, people.carol, "hello")
    with pytest.raises(NotFound):
        do_report(rt, people.alice, people.bob, status_ids=[carols])


@pytest.mark.parametrize("visibility", ["private", "direct"])
def test_posts_the_reporter_cannot_see_are_not_found(
    rt: Runtime, people: People, visibility: str
) -> None:
    # a post the reporter may not see cannot be reported, so a report never
    # confirms that a hidden post exists
    hidden = do_create_post(rt, people.bob, "for followers", visibility=visibility)
    with pytest.raises(NotFound):
        do_report(rt, people.alice, people.bob, status_ids=[hidden])
    do_follow(rt, people.carol, people.bob)
    if visibility == "private":
        assert do_report(rt, people.carol, people.bob, status_ids=[hidden])


def test_a_blocked_accounts_posts_are_not_found(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.bob, "hello")
    do_block(rt, people.bob, people.alice)
    with pytest.raises(NotFound):
        do_report(rt, people.alice, people.bob, status_ids=[post])


def test_bad_reports_are_refused(rt: Runtime, people: People) -> None:
    assert people.bob
    with pytest.raises(ValidationFailed):
        do_report(rt, people.alice, people.bob, category="rude")
    with pytest.raises(ValidationFailed):
        do_report(rt, people.alice, people.bob, comment="x" * 1001)
    with pytest.raises(ValidationFailed):
        do_report(rt, people.alice, people.alice)
    with pytest.raises(NotFound):
        do_report(rt, people.alice, 123456789)


def test_the_reported_account_is_not_told(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    post = do_create_post(rt, people.bob, "hello")
    do_report(rt, people.alice, people.bob, status_ids=[post], comment="about @bob")
    settle()
    with rt.db.read() as conn:
        told = conn.scalar(select(func.count()).where(notifications.c.account_id == people.bob))
    assert told == 0
