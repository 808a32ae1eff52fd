"""The phone pages work without JavaScript: link, verify, settings, remove; the
outbox and the simulator (log transport) show one's own texts only; the profile
bell sets the follow's notify switch, which the phone's texts follow."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.graph.queries import relationships
from roost.phones.queries import get_phone
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.phones.conftest import Link, last_code, link, sent_bodies
from tests.web.conftest import WebClient

Settle = Callable[[], int]
__all__ = ["link"]  # the fixture


def test_a_phone_is_linked_verified_set_and_removed_by_forms(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    assert 'href="/settings/phone"' in web.get("/settings").text
    bad = web.submit("/settings/phone", {"number": "555"}, page="/settings/phone")
    assert bad.status_code == 422
    assert "country code" in bad.text
    entered = web.submit("/settings/phone", {"number": "+1 415 555 0123"}, page="/settings/phone")
    assert entered.status_code == 303
    settle()
    wrong = web.submit("/settings/phone/verify", {"code": "12"}, page="/settings/phone")
    assert wrong.status_code == 422
    code = last_code(rt, alice)
    done = web.submit("/settings/phone/verify", {"code": code}, page="/settings/phone")
    assert done.headers["location"] == "/settings/phone?saved=verified"
    page = web.get("/settings/phone").text
    assert "Linked: +14155550123" in page
    saved = web.submit(
        "/settings/phone/settings",
        {"texts_on": "1", "posts_on": "1", "quiet_start": "22:00", "quiet_end": "07:00",
         "quiet_hold": "drop", "time_zone": "Europe/Paris", "daily_cap": "5"},
        page="/settings/phone",
    )  # fmt: skip
    assert saved.status_code == 303
    phone = get_phone(rt, alice)
    assert phone is not None
    assert (phone.mentions_on, phone.dms_on, phone.quiet_hold) == (False, False, False)
    assert (phone.quiet_start, phone.time_zone, phone.daily_cap) == ("22:00", "Europe/Paris", 5)
    refused = web.submit(
        "/settings/phone/settings",
        {"time_zone": "Atlantis", "daily_cap": "5"},
        page="/settings/phone",
    )
    assert refused.status_code == 422
    removed = web.submit("/settings/phone/remove", {}, page="/settings/phone")
    assert removed.status_code == 303
    assert get_phone(rt, alice) is None


def test_the_outbox_and_simulator_show_ones_own_texts(
    web: WebClient, rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    alice = web.log_in("alice")
    link(alice, "+14155550123")
    link(people.bob, "+14155550124")
    do_create_post(rt, people.carol, "@alice @bob hello both")
    settle()
    outbox = web.get("/settings/phone/outbox").text
    assert "carol: @alice @bob hello both" in outbox
    assert "+14155550124" not in outbox  # bob's texts are his
    assert outbox.count("carol: @alice @bob hello both") == 1
    answered = web.submit(
        "/settings/phone/simulator", {"body": "follow carol"}, page="/settings/phone/simulator"
    )
    assert answered.status_code == 200
    assert "You follow @carol and get their posts by text." in answered.text
    assert relationships(rt, alice, [people.carol])[0].notifying


def test_the_profile_bell_sets_the_notify_switch(
    web: WebClient, rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    alice = web.log_in("alice")
    link(alice, "+14155550123")
    assert "Notify me when they post" not in web.get("/@bob").text  # not following
    do_follow(rt, alice, people.bob)
    assert "Notify me when they post" in web.get("/@bob").text
    web.submit("/@bob/notify", {"next": "/@bob"}, page="/@bob")
    assert relationships(rt, alice, [people.bob])[0].notifying
    do_create_post(rt, people.bob, "now you know")
    settle()
    assert sent_bodies(rt, alice) == ["bob: now you know"]
    web.submit("/@bob/unnotify", {"next": "/@bob"}, page="/@bob")
    assert not relationships(rt, alice, [people.bob])[0].notifying
