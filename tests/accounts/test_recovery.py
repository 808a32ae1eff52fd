"""Confirming an address and resetting a password, end to end through a real SMTP
server on loopback: the link is read from the message the server received."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from roost.accounts.actions import authenticate, do_register
from roost.accounts.emails import EmailUnconfirmed
from roost.accounts.models import accounts, email_tokens
from roost.accounts.recovery import (
    check_reset_token,
    do_confirm_email,
    do_request_password_reset,
    do_resend_confirmation,
    do_resend_own_confirmation,
    do_reset_password,
)
from roost.accounts.sessions import do_resume_web_session, do_start_web_session
from roost.errors import Forbidden, ValidationFailed
from roost.mail.queries import messages_to
from roost.oauth.actions import do_register_token
from roost.oauth.queries import get_token
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.worker import drain
from tests.conftest import PASSWORD, People
from tests.smtp import SmtpServer

NEW_PASSWORD = "a brand new passphrase"


def _expire_tokens(rt: Runtime) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(update(email_tokens).values(expires_at=utcnow() - timedelta(seconds=1)))


def _sign_up(rt: Runtime, name: str = "newbie") -> int:
    return do_register(
        rt, name, PASSWORD, email=f"{name}@example.com", confirm_email=True, address="192.0.2.1"
    )


def test_password_reset_end_to_end(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    rt = smtp_rt
    alice = people.alice
    # given a browser session and an app token of alice's
    session = do_start_web_session(rt, alice, "Firefox")
    token = do_register_token(rt, None, alice, frozenset({"read"})).access_token
    assert get_token(rt, token) is not None
    # when she asks for a reset and the mail goes out
    do_request_password_reset(rt, "ALICE@example.com", address="192.0.2.1")
    drain(rt)
    [mail] = smtp_server.to("alice@example.com")
    assert mail.message["Subject"] == "Reset your password on Roost"
    reset = mail.token("/auth/password/edit")
    check_reset_token(rt, reset)
    # and she chooses a new password with the link
    assert do_reset_password(rt, reset, NEW_PASSWORD) == alice
    # then her old sessions and tokens are dead, the new password works, the old not
    assert do_resume_web_session(rt, session) is None
    assert get_token(rt, token) is None
    assert authenticate(rt, "alice", NEW_PASSWORD, address=None) == alice
    assert authenticate(rt, "alice", PASSWORD, address=None) is None
    # and the link works once
    with pytest.raises(ValidationFailed):
        check_reset_token(rt, reset)
    with pytest.raises(ValidationFailed):
        do_reset_password(rt, reset, "yet another passphrase")
    assert authenticate(rt, "alice", NEW_PASSWORD, address=None) == alice


def test_an_expired_reset_link_is_refused(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    bob = people.bob
    do_request_password_reset(smtp_rt, "bob@example.com", address=None)
    drain(smtp_rt)
    reset = smtp_server.to("bob@example.com")[0].token("/auth/password/edit")
    _expire_tokens(smtp_rt)
    with pytest.raises(ValidationFailed):
        check_reset_token(smtp_rt, reset)
    with pytest.raises(ValidationFailed):
        do_reset_password(smtp_rt, reset, NEW_PASSWORD)
    assert authenticate(smtp_rt, "bob", PASSWORD, address=None) == bob


def test_a_refused_new_password_leaves_the_link_usable(rt: Runtime, people: People) -> None:
    # log mode: the link is read from the outbox
    carol = people.carol
    do_request_password_reset(rt, "carol@example.com", address=None)
    [mail] = messages_to(rt, "carol@example.com")
    reset = mail.text_body.split("token=", 1)[1].split()[0]
    with pytest.raises(ValidationFailed) as refused:
        do_reset_password(rt, reset, "short")
    assert refused.value.field == "password"
    do_reset_password(rt, reset, NEW_PASSWORD)
    assert authenticate(rt, "carol", NEW_PASSWORD, address=None) == carol


def test_a_newer_reset_link_replaces_the_older(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    assert people.dave
    do_request_password_reset(smtp_rt, "dave@example.com", address=None)
    do_request_password_reset(smtp_rt, "dave@example.com", address=None)
    drain(smtp_rt)
    first, second = (m.token("/auth/password/edit") for m in smtp_server.to("dave@example.com"))
    with pytest.raises(ValidationFailed):
        do_reset_password(smtp_rt, first, NEW_PASSWORD)
    do_reset_password(smtp_rt, second, NEW_PASSWORD)


def test_asking_for_an_unknown_address_says_nothing_and_sends_nothing(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    assert people.alice
    do_request_password_reset(smtp_rt, "stranger@example.com", address="192.0.2.1")
    do_resend_confirmation(smtp_rt, "stranger@example.com", address="192.0.2.1")
    drain(smtp_rt)
    assert smtp_server.inbox == []


def test_tokens_are_stored_as_digests_only(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    assert people.alice
    do_request_password_reset(smtp_rt, "alice@example.com", address=None)
    drain(smtp_rt)
    reset = smtp_server.to("alice@example.com")[0].token("/auth/password/edit")
    with smtp_rt.db.read() as conn:
        stored = [tuple(r) for r in conn.execute(select(email_tokens)).all()]
    assert stored
    assert not any(reset in str(value) for row in stored for value in row)


def test_sign_up_with_smtp_waits_for_the_confirmation_link(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    rt = smtp_rt
    newbie = _sign_up(rt)
    # the right password of an unconfirmed account is refused with a clear reason
    with pytest.raises(EmailUnconfirmed):
        authenticate(rt, "newbie", PASSWORD, address=None)
    # a wrong password says only that it is wrong
    assert authenticate(rt, "newbie", "not the password", address=None) is None
    drain(rt)
    [mail] = smtp_server.to("newbie@example.com")
    assert mail.message["Subject"] == "Confirm your email address for Roost"
    assert do_confirm_email(rt, mail.token("/auth/confirmation")) == newbie
    assert authenticate(rt, "newbie", PASSWORD, address=None) == newbie
    with rt.db.read() as conn:
        assert conn.scalar(select(accounts.c.email_confirmed_at).where(accounts.c.id == newbie))
    with pytest.raises(ValidationFailed):  # single use
        do_confirm_email(rt, mail.token("/auth/confirmation"))


def test_an_expired_confirmation_link_is_refused_and_a_new_one_works(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    _sign_up(smtp_rt)
    drain(smtp_rt)
    _expire_tokens(smtp_rt)
    with pytest.raises(ValidationFailed):
        do_confirm_email(smtp_rt, smtp_server.inbox[0].token("/auth/confirmation"))
    do_resend_confirmation(smtp_rt, "newbie@example.com", address="192.0.2.1")
    drain(smtp_rt)
    do_confirm_email(smtp_rt, smtp_server.inbox[1].token("/auth/confirmation"))
    assert authenticate(smtp_rt, "newbie", PASSWORD, address=None) is not None


def test_a_password_reset_confirms_the_address(smtp_rt: Runtime, smtp_server: SmtpServer) -> None:
    newbie = _sign_up(smtp_rt)
    do_request_password_reset(smtp_rt, "newbie@example.com", address=None)
    drain(smtp_rt)
    reset = smtp_server.to("newbie@example.com")[-1].token("/auth/password/edit")
    do_reset_password(smtp_rt, reset, NEW_PASSWORD)
    assert authenticate(smtp_rt, "newbie", NEW_PASSWORD, address=None) == newbie


def test_the_api_resend_can_correct_the_address(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    newbie = _sign_up(smtp_rt)
    assert people.alice
    with pytest.raises(ValidationFailed):  # someone else's address
        do_resend_own_confirmation(smtp_rt, newbie, email="alice@example.com")
    do_resend_own_confirmation(smtp_rt, newbie, email="fixed@example.com")
    drain(smtp_rt)
    [mail] = smtp_server.to("fixed@example.com")
    do_confirm_email(smtp_rt, mail.token("/auth/confirmation"))
    assert authenticate(smtp_rt, "fixed@example.com", PASSWORD, address=None) == newbie
    with pytest.raises(Forbidden):  # confirmed: nothing to resend
        do_resend_own_confirmation(smtp_rt, newbie)


def test_a_link_to_an_old_address_confirms_nothing(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    newbie = _sign_up(smtp_rt)
    drain(smtp_rt)
    old = smtp_server.to("newbie@example.com")[0].token("/auth/confirmation")
    do_resend_own_confirmation(smtp_rt, newbie, email="other@example.com")
    with pytest.raises(ValidationFailed):  # replaced, and for another address
        do_confirm_email(smtp_rt, old)


def test_log_mode_sends_the_link_but_does_not_hold_back_the_login(rt: Runtime) -> None:
    newbie = _sign_up(rt)
    assert authenticate(rt, "newbie", PASSWORD, address=None) == newbie
    [mail] = messages_to(rt, "newbie@example.com")
    assert (mail.kind, mail.status) == ("confirmation", "logged")
    token = mail.text_body.split("token=", 1)[1].split()[0]
    do_confirm_email(rt, token)


def test_the_operator_and_seeded_accounts_are_taken_as_confirmed(smtp_rt: Runtime) -> None:
    made = do_register(smtp_rt, "staff", PASSWORD, email="staff@example.com")
    assert authenticate(smtp_rt, "staff", PASSWORD, address=None) == made
    assert messages_to(smtp_rt, "staff@example.com") == []
