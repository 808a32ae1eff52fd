"""The ``twilio`` transport against a fake Twilio on loopback: the request it makes,
retries on a carrier failure that send once, and refusals that are not retried."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest

from roost.phones.actions import do_update_phone_settings
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.sms import TwilioTransport
from roost_bench.carrier import FakeTwilio
from tests.conftest import People
from tests.phones.conftest import Link, make_due, texts

Settle = Callable[[], int]
SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "secret-token"


@pytest.fixture
def carrier(rt: Runtime) -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        transport = TwilioTransport(fake.url, SID, TOKEN, "+15005550006")
        rt.sms = transport
        yield fake
        transport.close()


def test_a_text_is_posted_to_twilios_messages_resource(
    rt: Runtime, people: People, link: Link, settle: Settle, carrier: FakeTwilio
) -> None:
    link(people.bob, "+14155550001")
    do_create_post(rt, people.alice, "@bob hi from Roost")
    settle()
    code, text = carrier.requests
    assert text.method == "POST"
    assert text.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert text.authorization == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert text.form == {
        "To": "+14155550001",
        "From": "+15005550006",
        "Body": "alice: @bob hi from Roost",
    }
    assert code.form["Body"].startswith("Your Roost code is ")
    [row] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert row.status == "sent"
    assert row.carrier_sid.startswith("SM")


def test_a_carrier_failure_is_retried_and_the_text_sent_once(
    rt: Runtime, people: People, link: Link, settle: Settle, carrier: FakeTwilio
) -> None:
    link(people.bob, "+14155550001")
    do_update_phone_settings(rt, people.bob, daily_cap=1)  # a failed try is not counted
    carrier.fail_next = 2
    do_create_post(rt, people.alice, "@bob try again")
    settle()
    [row] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert row.status == "queued"  # waiting for its retry, after a backoff
    assert "500" in row.detail
    make_due(rt)
    settle()
    make_due(rt)
    settle()
    bodies = [r.form["Body"] for r in carrier.requests]
    assert bodies.count("alice: @bob try again") == 3  # two failures, one success
    [row] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert row.status == "sent"
    make_due(rt)
    settle()  # nothing left to run: no fourth request
    assert len(carrier.requests) == 4  # the code, then three tries


def test_a_refused_text_is_not_retried(
    rt: Runtime, people: People, link: Link, settle: Settle, carrier: FakeTwilio
) -> None:
    link(people.bob, "+14155550001")
    carrier.refuse = True
    do_create_post(rt, people.alice, "@bob nope")
    settle()
    make_due(rt)
    settle()
    [row] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert row.status == "failed"
    assert len(carrier.requests) == 2  # the code, then one try


def test_an_unreachable_carrier_is_retried(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    with FakeTwilio() as fake:
        url = fake.url  # a port that nothing listens on once it stops
    rt.sms = TwilioTransport(url, SID, TOKEN, "+15005550006")
    do_create_post(rt, people.alice, "@bob anyone?")
    settle()
    [row] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert row.status == "queued"
    assert "could not reach" in row.detail


def test_a_text_the_carrier_may_have_taken_is_never_resent(
    rt: Runtime, people: People, link: Link, settle: Settle, carrier: FakeTwilio
) -> None:
    link(people.bob, "+14155550001")
    # given the carrier takes the request but answers too late (a lost answer)
    rt.sms = TwilioTransport(carrier.url, SID, TOKEN, "+15005550006", timeout=0.5)
    carrier.delay = 1.5
    do_create_post(rt, people.alice, "@bob did you get this?")
    settle()
    make_due(rt)
    settle()
    # then the outcome is unknown, recorded as such, and the text is not sent again
    [row] = [t for t in texts(rt, people.bob) if t.kind != "code"]
    assert row.status == "unknown"
    assert "no answer" in row.detail
    bodies = [r.form["Body"] for r in carrier.requests]
    assert bodies.count("alice: @bob did you get this?") == 1
