"""Texts out: who gets which text, the rules read at send time (switches, STOP,
quiet hours, daily cap), idempotent composing, and never sending twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from roost.graph.actions import do_follow
from roost.graph.blocks import do_block
from roost.phones.actions import do_set_stopped, do_update_phone_settings
from roost.phones.models import sms_texts
from roost.phones.outbound import handle_compose, handle_send, quiet_wait
from roost.posts.actions import do_create_post, do_delete_post
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.conftest import People
from tests.phones.conftest import (
    Link,
    compose_only,
    make_due,
    release_sends,
    sent_bodies,
    texts,
)

Settle = Callable[[], int]


def test_a_post_reaches_the_phones_of_followers_who_asked(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    # given bob follows alice with texts on, carol follows without, dave has no phone
    link(people.bob, "+14155550001")
    link(people.carol, "+14155550002")
    do_follow(rt, people.bob, people.alice, notify=True)
    do_follow(rt, people.carol, people.alice)
    do_follow(rt, people.dave, people.alice, notify=True)
    # when alice posts
    do_create_post(rt, people.alice, "Running 10 minutes late")
    settle()
    # then
    assert sent_bodies(rt, people.bob) == ["alice: Running 10 minutes late"]
    assert sent_bodies(rt, people.carol) == []


def test_mentions_and_direct_messages_are_texted_and_labelled(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    do_follow(rt, people.bob, people.alice)  # a stranger's DM would wait as a request
    do_create_post(rt, people.alice, "@bob lunch at noon?")
    do_create_post(rt, people.alice, "@bob the code is 42", visibility="direct")
    settle()
    assert sent_bodies(rt, people.bob) == [
        "alice: @bob lunch at noon?",
        "DM alice: @bob the code is 42",
    ]
    assert [t.kind for t in texts(rt, people.bob) if t.kind != "code"] == ["mention", "dm"]


def test_each_kind_has_its_own_switch(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    do_follow(rt, people.bob, people.alice)
    do_update_phone_settings(rt, people.bob, mentions_on=False)
    do_create_post(rt, people.alice, "@bob hello")
    do_create_post(rt, people.alice, "@bob secret", visibility="direct")
    settle()
    assert sent_bodies(rt, people.bob) == ["DM alice: @bob secret"]


def test_off_and_stop_send_nothing(rt: Runtime, people: People, link: Link, settle: Settle) -> None:
    link(people.bob, "+14155550001")
    link(people.carol, "+14155550002")
    do_update_phone_settings(rt, people.bob, texts_on=False)
    do_set_stopped(rt, people.carol, True)
    do_create_post(rt, people.alice, "@bob @carol hello")
    settle()
    assert sent_bodies(rt, people.bob) == []
    assert sent_bodies(rt, people.carol) == []


def test_stop_drops_texts_already_waiting(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    do_create_post(rt, people.alice, "@bob one")
    compose_only(rt)
    do_set_stopped(rt, people.bob, True)
    release_sends(rt)
    settle()
    assert sent_bodies(rt, people.bob) == []
    do_set_stopped(rt, people.bob, False)  # START
    do_create_post(rt, people.alice, "@bob two")
    settle()
    assert sent_bodies(rt, people.bob) == ["alice: @bob two"]


def _quiet_now() -> tuple[str, str]:
    now = utcnow()
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    return start.strftime("%H:%M"), end.strftime("%H:%M")


def test_quiet_hours_hold_texts_until_they_end(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    start, end = _quiet_now()
    do_update_phone_settings(rt, people.bob, quiet_start=start, quiet_end=end, time_zone="UTC")
    do_create_post(rt, people.alice, "@bob late night")
    settle()
    [held] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert held.status == "held"
    # when the quiet hours are over (cleared here) and the held job comes due
    do_update_phone_settings(rt, people.bob, quiet_start="", quiet_end="")
    make_due(rt)
    settle()
    assert sent_bodies(rt, people.bob) == ["alice: @bob late night"]


def test_quiet_hours_may_drop_texts_instead(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    start, end = _quiet_now()
    do_update_phone_settings(
        rt, people.bob, quiet_start=start, quiet_end=end, time_zone="UTC", quiet_hold=False
    )
    do_create_post(rt, people.alice, "@bob late night")
    settle()
    [dropped] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert (dropped.status, dropped.detail) == ("dropped", "quiet hours")


def test_quiet_window_in_the_persons_time_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert quiet_wait("22:00", "07:00", datetime(2026, 1, 10, 23, 30, tzinfo=paris)) == 7.5 * 3600
    assert quiet_wait("22:00", "07:00", datetime(2026, 1, 10, 6, 0, tzinfo=paris)) == 3600
    assert quiet_wait("22:00", "07:00", datetime(2026, 1, 10, 12, 0, tzinfo=paris)) is None
    assert quiet_wait("13:00", "14:00", datetime(2026, 1, 10, 13, 15, tzinfo=paris)) == 45 * 60
    assert quiet_wait("09:00", "09:00", datetime(2026, 1, 10, 9, 0, tzinfo=paris)) is None


def test_the_daily_cap_stops_texts_for_the_day(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    do_update_phone_settings(rt, people.bob, daily_cap=2)
    for n in range(4):
        do_create_post(rt, people.alice, f"@bob number {n}")
        settle()
    assert sent_bodies(rt, people.bob) == ["alice: @bob number 0", "alice: @bob number 1"]
    assert [t.detail for t in texts(rt, people.bob) if t.status == "dropped"] == ["daily cap"] * 2


def test_a_repeated_fan_out_texts_once(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    post = do_create_post(rt, people.alice, "@bob once")
    settle()
    # the compose job of a crashed worker runs again
    handle_compose(rt, {"items": [[people.bob, "mention", post]]})
    settle()
    assert sent_bodies(rt, people.bob) == ["alice: @bob once"]


def test_a_text_whose_send_was_interrupted_is_never_sent_again(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    do_create_post(rt, people.alice, "@bob maybe")
    settle()
    [text] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    # given a worker died after marking it "sending" (the carrier may have it)
    with rt.db.write() as tx:
        tx.conn.execute(
            update(sms_texts)
            .where(sms_texts.c.id == text.id)
            .values(status="sending", carrier_sid=None)
        )
    # when its job runs again
    handle_send(rt, {"text_id": text.id})
    # then it is recorded as unknown, not resent
    with rt.db.read() as conn:
        row = conn.execute(select(sms_texts).where(sms_texts.c.id == text.id)).one()
    assert row.status == "unknown"
    assert row.carrier_sid is None


def test_a_deleted_or_hidden_post_is_not_texted(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    do_follow(rt, people.bob, people.alice, notify=True)
    # given two texts composed and waiting to be sent
    post = do_create_post(rt, people.alice, "oops")
    do_create_post(rt, people.alice, "for followers", visibility="private")
    compose_only(rt)
    # when one post is deleted and alice blocks bob (he may not see the other)
    do_delete_post(rt, people.alice, post)
    do_block(rt, people.alice, people.bob)
    release_sends(rt)
    settle()
    # then neither is sent
    assert sent_bodies(rt, people.bob) == []
    assert [t.detail for t in texts(rt, people.bob) if t.status == "dropped"] == ["post gone"] * 2


def test_a_long_post_is_cut_to_three_segments_with_a_link(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    do_follow(rt, people.bob, people.alice, notify=True)
    post = do_create_post(rt, people.alice, "ça " * 90)
    settle()
    [body] = sent_bodies(rt, people.bob)
    assert body.startswith("alice: ça ça")
    assert body.endswith(f"… http://roost.test/@alice/{post}")
