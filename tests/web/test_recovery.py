"""The web side of email: sign-up waiting for the confirmation link, asking for it
again, "forgot your password?", and the administrators' outbox. Mail is read from
a real SMTP server on loopback (or from the outbox in log mode)."""

from __future__ import annotations

import pytest

from roost.accounts.roles import do_set_role
from roost.mail.queries import messages_to
from roost.notifications.digest import digest_enabled
from roost.runtime import Runtime
from roost.worker import drain
from tests.conftest import PASSWORD, People
from tests.smtp import SmtpServer
from tests.web.conftest import WebClient, make_client

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def mail_web(smtp_rt: Runtime, people: People) -> WebClient:
    return WebClient(make_client(smtp_rt), people)


@pytest.fixture
def other_mail_web(smtp_rt: Runtime, people: People) -> WebClient:
    return WebClient(make_client(smtp_rt), people)


def _path(link: str) -> str:
    return link.removeprefix("http://roost.test")


def test_sign_up_with_smtp_confirms_the_address_before_logging_in(
    mail_web: WebClient, smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    web = mail_web
    # the address is required when mail goes out
    blank = web.submit("/signup", {"username": "newbie", "password": PASSWORD})
    assert blank.status_code == 422
    assert 'id="email-error"' in blank.text
    # when signing up
    joined = web.submit(
        "/signup", {"username": "newbie", "password": PASSWORD, "email": "newbie@example.com"}
    )
    assert joined.status_code == 200
    assert "Check your email" in joined.text
    assert "Log out" not in web.get("/").text  # not logged in
    # logging in is refused with the reason and a way to get the link again
    refused = web.submit("/login", {"login": "newbie", "password": PASSWORD}, page="/login")
    assert refused.status_code == 403
    assert "confirmed e-mail address" in refused.text
    assert 'href="/auth/confirmation/new"' in refused.text
    # asking again sends a second link; either the newest works
    again = web.submit(
        "/auth/confirmation/new", {"email": "newbie@example.com"}, page="/auth/confirmation/new"
    )
    assert "on its way" in again.text
    drain(smtp_rt)
    first, second = smtp_server.to("newbie@example.com")
    confirmed = web.get(_path(second.link("/auth/confirmation")))
    assert confirmed.status_code == 200
    assert "Address confirmed" in confirmed.text
    used = web.get(_path(second.link("/auth/confirmation")))
    assert used.status_code == 422
    assert web.get(_path(first.link("/auth/confirmation"))).status_code == 422  # replaced
    # then the login works
    ok = web.submit("/login", {"login": "newbie", "password": PASSWORD}, page="/login")
    assert ok.status_code == 303


def test_forgotten_password_through_the_web(
    mail_web: WebClient,
    other_mail_web: WebClient,
    smtp_rt: Runtime,
    smtp_server: SmtpServer,
) -> None:
    # given alice logged in on another browser
    other_mail_web.log_in("alice")
    assert "Log out" in other_mail_web.get("/").text
    web = mail_web
    assert 'href="/auth/password/new"' in web.get("/login").text
    # when she asks for a link: the answer is the same for an unknown address
    known = web.submit(
        "/auth/password/new", {"email": "alice@example.com"}, page="/auth/password/new"
    )
    unknown = web.submit(
        "/auth/password/new", {"email": "who@example.com"}, page="/auth/password/new"
    )
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("alice@example.com", "X") == unknown.text.replace(
        "who@example.com", "X"
    )
    drain(smtp_rt)
    [mail] = smtp_server.inbox
    link = _path(mail.link("/auth/password/edit"))
    form = web.get(link)
    assert form.status_code == 200
    token = mail.token("/auth/password/edit")
    # the passwords must match and follow the sign-up rules
    mismatch = web.submit(
        "/auth/password/edit",
        {"token": token, "password": NEW_PASSWORD, "confirm_password": "something else"},
        page=link,
    )
    assert mismatch.status_code == 422
    assert 'id="confirm_password-error"' in mismatch.text
    short = web.submit(
        "/auth/password/edit",
        {"token": token, "password": "short", "confirm_password": "short"},
        page=link,
    )
    assert short.status_code == 422
    assert "at least 8 characters" in short.text
    done = web.submit(
        "/auth/password/edit",
        {"token": token, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        page=link,
    )
    assert done.status_code == 200
    assert "Password changed" in done.text
    # then the other browser is logged out, the link is spent, the new password works
    assert "Log out" not in other_mail_web.get("/").text
    assert web.get(link).status_code == 422
    old = web.submit("/login", {"login": "alice", "password": PASSWORD}, page="/login")
    assert old.status_code == 422
    new = web.submit("/login", {"login": "alice", "password": NEW_PASSWORD}, page="/login")
    assert new.status_code == 303


def test_a_made_up_reset_link_shows_a_way_to_ask_again(web: WebClient) -> None:
    page = web.get("/auth/password/edit?token=made-up")
    assert page.status_code == 422
    assert 'href="/auth/password/new"' in page.text


def test_the_outbox_lists_logged_mail_for_admins_only(
    web: WebClient, other_web: WebClient, rt: Runtime, people: People
) -> None:
    # given a message in log mode (a sign-up's confirmation link)
    joined = web.submit(
        "/signup", {"username": "newbie", "password": PASSWORD, "email": "newbie@example.com"}
    )
    assert joined.status_code == 303  # log mode: logged in at once
    [mail] = messages_to(rt, "newbie@example.com")
    # an admin reads it
    assert people.alice
    do_set_role(rt, "alice", "admin")
    other_web.log_in("alice")
    page = other_web.get("/admin/outbox")
    assert page.status_code == 200
    assert "Confirm your email address for Roost" in page.text
    assert "newbie@example.com" in page.text
    assert "/auth/confirmation?token=" in page.text
    assert f'id="mail-{mail.id}"' in page.text


@pytest.mark.parametrize("role", ["user", "moderator"])
def test_the_outbox_refuses_everyone_but_admins(
    web: WebClient, rt: Runtime, people: People, role: str
) -> None:
    joined = web.submit(
        "/signup", {"username": "newbie", "password": PASSWORD, "email": "newbie@example.com"}
    )
    assert joined.status_code == 303
    web.log_out()
    assert people.bob
    do_set_role(rt, "bob", role)
    web.log_in("bob")
    page = web.get("/admin/outbox")
    assert page.status_code == 403
    assert "newbie@example.com" not in page.text


def test_the_outbox_sends_the_signed_out_to_log_in(web: WebClient) -> None:
    page = web.get("/admin/outbox", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_settings_offer_the_confirmation_link_until_the_address_is_confirmed(
    web: WebClient, rt: Runtime
) -> None:
    joined = web.submit(
        "/signup", {"username": "newbie", "password": PASSWORD, "email": "newbie@example.com"}
    )
    assert joined.status_code == 303
    assert "not confirmed yet" in web.get("/settings").text
    sent = web.submit("/settings/confirmation", page="/settings", follow=True)
    assert "A new confirmation link is on its way" in sent.text
    first, second = messages_to(rt, "newbie@example.com")
    old, token = (m.text_body.split("token=", 1)[1].split()[0] for m in (first, second))
    assert web.get(f"/auth/confirmation?token={old}").status_code == 422  # replaced
    assert web.get(f"/auth/confirmation?token={token}").status_code == 200
    assert "not confirmed yet" not in web.get("/settings").text
    # confirmed: nothing to send
    assert web.submit("/settings/confirmation", page="/settings").status_code == 403


def test_the_digest_is_switched_on_and_off_in_the_settings(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = web.log_in("alice")
    page = web.get("/settings")
    assert "Email digest" in page.text
    assert 'name="digest" checked' not in page.text
    web.submit("/settings/digest", {"digest": "on"}, page="/settings")
    assert digest_enabled(rt, alice)
    assert 'name="digest" checked' in web.get("/settings").text
    web.submit("/settings/digest", {}, page="/settings")
    assert not digest_enabled(rt, alice)
