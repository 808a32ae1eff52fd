"""``POST /sms/twilio``: Twilio's signature over the public URL and the form fields
(valid, missing, wrong), TwiML answers, and retries of one MessageSid."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from starlette.exceptions import StarletteDeprecationWarning
from twilio.request_validator import RequestValidator

from roost.app import create_app
from roost.paging import Page
from roost.posts.queries import account_statuses
from roost.runtime import Runtime
from tests.conftest import People
from tests.phones.conftest import Link

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

TOKEN = "12345678901234567890123456789012"
PUBLIC_URL = "http://roost.test/sms/twilio"
BOB = "+14155550001"


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    rt.settings = rt.settings.model_copy(
        update={"sms_twilio_auth_token": TOKEN, "inprocess_worker": False}
    )
    # Behind a proxy the app sees another URL: the signature covers the public one.
    with TestClient(create_app(rt.settings, rt=rt), base_url="http://10.0.0.5:8000") as c:
        yield c


def inbound(body: str, sid: str, number: str = BOB) -> dict[str, str]:
    return {
        "ToCountry": "US",
        "From": number,
        "To": "40404",
        "Body": body,
        "MessageSid": sid,
        "AccountSid": "AC0123",
        "NumMedia": "0",
    }


def sign(form: dict[str, str], url: str = PUBLIC_URL, token: str = TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, form))


def test_a_signed_text_is_acted_on_and_answered_with_twiml(
    client: TestClient, rt: Runtime, people: People, link: Link
) -> None:
    link(people.bob, BOB)
    people.alice  # noqa: B018
    form = inbound("follow alice", "SM1")
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": sign(form)})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
        "You follow @alice and get their posts by text. OFF alice stops them."
        "</Message></Response>"
    )


def test_a_post_gets_an_empty_response(client: TestClient, people: People, link: Link) -> None:
    link(people.bob, BOB)
    form = inbound("Tea & cake at 4 <3", "SM2")
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": sign(form)})
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response />'


@pytest.mark.parametrize(
    "signature",
    [
        None,  # missing
        "",
        "bm90IGEgc2lnbmF0dXJl",  # wrong
        sign(inbound("hello", "SM3"), url="http://10.0.0.5:8000/sms/twilio"),  # the inner URL
        sign(inbound("hello", "SM3"), token="another-token-another-token-0000"),
        sign(inbound("something else", "SM3")),  # signed another body
    ],
)
def test_unsigned_or_badly_signed_requests_are_refused(
    client: TestClient, rt: Runtime, people: People, link: Link, signature: str | None
) -> None:
    link(people.bob, BOB)
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = client.post("/sms/twilio", data=inbound("hello", "SM3"), headers=headers)
    assert response.status_code == 403
    assert account_statuses(rt, people.bob, people.bob, Page(limit=5)) == []


def test_no_auth_token_refuses_everything(rt: Runtime) -> None:
    rt.settings = rt.settings.model_copy(update={"inprocess_worker": False})
    form = inbound("hello", "SM4")
    with TestClient(create_app(rt.settings, rt=rt), base_url="http://roost.test") as client:
        response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": sign(form)})
    assert response.status_code == 403


def test_twilio_retrying_a_message_sid_posts_once(
    client: TestClient, rt: Runtime, people: People, link: Link
) -> None:
    link(people.bob, BOB)
    form = inbound("Doctor is running 20 minutes behind", "SM5")
    for _ in range(3):
        response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": sign(form)})
        assert response.status_code == 200
    views = account_statuses(rt, people.bob, people.bob, Page(limit=5))
    assert [v.post.text for v in views] == ["Doctor is running 20 minutes behind"]


def test_a_signed_request_without_sender_is_a_bad_request(client: TestClient) -> None:
    form = {"Body": "hi"}
    response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": sign(form)})
    assert response.status_code == 400
