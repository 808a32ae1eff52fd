"""The opt-in daily email of unread notifications."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from roost.graph.actions import do_follow
from roost.mail.queries import messages_to
from roost.markers.actions import do_save_markers
from roost.notifications.digest import DIGEST_JOB, digest_enabled, do_set_digest
from roost.notifications.models import notification_digests
from roost.runtime import Runtime
from roost.store.jobs import jobs
from roost.store.schema import utcnow
from roost.worker import drain
from tests.conftest import People
from tests.smtp import SmtpServer


def _sweep(rt: Runtime) -> None:
    """The pending sweep runs now (not in an hour)."""
    with rt.db.write() as tx:
        tx.conn.execute(
            update(jobs).where(jobs.c.kind == DIGEST_JOB).values(run_at=utcnow() - timedelta(1))
        )
    drain(rt)


def _a_day_passes(rt: Runtime) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            update(notification_digests).values(last_sent_at=utcnow() - timedelta(days=1, hours=1))
        )


def _sweeps(rt: Runtime) -> int:
    with rt.db.read() as conn:
        return len(conn.execute(select(jobs.c.id).where(jobs.c.kind == DIGEST_JOB)).all())


def test_digest_mails_unread_notifications_once_a_day(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    rt = smtp_rt
    alice, bob, carol = people.alice, people.bob, people.carol
    # given alice opted in and two people followed her
    assert _sweeps(rt) == 0  # nobody opted in: no job waits
    do_set_digest(rt, alice, True)
    assert digest_enabled(rt, alice)
    assert _sweeps(rt) == 1
    do_follow(rt, bob, alice)
    do_follow(rt, carol, alice)
    drain(rt)
    # when the sweep runs
    _sweep(rt)
    # then she gets one mail, and bob (not opted in) none
    [mail] = smtp_server.to("alice@example.com")
    assert mail.message["Subject"] == "2 new notifications on Roost"
    assert "http://roost.test/notifications" in mail.text
    assert smtp_server.to("bob@example.com") == []
    assert _sweeps(rt) == 1  # the next sweep is scheduled
    # the next sweep, the same day, even with a new notification: nothing
    do_follow(rt, people.erin, alice)
    drain(rt)
    _sweep(rt)
    assert len(smtp_server.to("alice@example.com")) == 1
    # a day later, with a new one: the next digest
    _a_day_passes(rt)
    do_follow(rt, people.dave, alice)
    drain(rt)
    _sweep(rt)
    assert len(smtp_server.to("alice@example.com")) == 2


def test_read_notifications_and_opting_out_stop_the_digest(rt: Runtime, people: People) -> None:
    alice, bob = people.alice, people.bob
    do_set_digest(rt, alice, True)
    do_follow(rt, bob, alice)
    drain(rt)
    # read: the marker is past them
    do_save_markers(rt, alice, {"notifications": 2**62})
    _sweep(rt)
    assert messages_to(rt, "alice@example.com") == []
    # opted out: no mail and, nobody left, no next sweep
    do_set_digest(rt, alice, False)
    _sweep(rt)
    assert messages_to(rt, "alice@example.com") == []
    assert _sweeps(rt) == 0
