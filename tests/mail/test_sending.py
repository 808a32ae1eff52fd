"""Outbound mail through both transports: the log (the outbox is the delivery) and a
real SMTP server on loopback, reached by the ``mail.send`` job."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from roost.accounts.actions import do_register
from roost.accounts.emails import mail_account
from roost.config import Settings
from roost.mail.actions import SEND_JOB, do_send_mail
from roost.mail.compose import render_mail
from roost.mail.models import mail_messages
from roost.mail.queries import messages_to
from roost.runtime import Runtime
from roost.store.jobs import MAX_ATTEMPTS, jobs
from roost.store.schema import utcnow
from roost.worker import drain
from tests.conftest import People
from tests.smtp import SmtpServer


def _jobs(rt: Runtime) -> list[tuple[str, int, bool]]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(jobs.c.kind, jobs.c.attempts, jobs.c.parked).where(jobs.c.kind == SEND_JOB)
        ).all()
    return [(r.kind, r.attempts, r.parked) for r in rows]


def _make_due(rt: Runtime) -> None:
    """The backoff has passed (tests do not wait for it)."""
    with rt.db.write() as tx:
        tx.conn.execute(update(jobs).values(run_at=utcnow() - timedelta(seconds=1)))


def _row(rt: Runtime, message_id: int) -> Any:
    with rt.db.read() as conn:
        return conn.execute(select(mail_messages).where(mail_messages.c.id == message_id)).one()


def test_log_mode_writes_the_log_and_the_outbox_and_queues_no_job(
    rt: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    # given no SMTP server (the embedded default)
    assert rt.settings.smtp_url == ""
    # when
    with caplog.at_level(logging.INFO, logger="roost.mail"):
        message_id = do_send_mail(rt, "ann@example.com", "Hello", "Body text\n")
    # then
    [row] = messages_to(rt, "ann@example.com")
    assert (row.id, row.status, row.transport, row.text_body) == (
        message_id,
        "logged",
        "log",
        "Body text\n",
    )
    assert ("Body text" in caplog.text, "ann@example.com" in caplog.text) == (True, True)
    assert _jobs(rt) == []


def test_smtp_delivers_text_and_html_with_proper_headers(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    mail = render_mail(
        "confirmation",
        username="ann",
        link="http://roost.test/x?token=abc",
        instance_title="Roost",
        hours=48,
    )
    message_id = do_send_mail(
        smtp_rt, "ann@example.com", mail.subject, mail.text, html=mail.html, secret=True
    )
    assert _row(smtp_rt, message_id).status == "queued"
    assert smtp_server.inbox == []  # nothing leaves before the job runs
    # when
    assert drain(smtp_rt) == 1
    # then
    [got] = smtp_server.inbox
    row = _row(smtp_rt, message_id)
    assert got.rcpt_tos == ["ann@example.com"]
    headers = got.message
    assert headers["To"] == "ann@example.com"
    assert headers["Subject"] == "Confirm your email address for Roost"
    assert headers["From"] == smtp_rt.settings.mail_from == "Roost <notifications@roost.test>"
    assert headers["Message-ID"] == row.message_id
    assert headers["Message-ID"].endswith("@roost.test>")
    assert headers["Date"] is not None
    assert "http://roost.test/x?token=abc" in got.text
    assert 'href="http://roost.test/x?token=abc"' in (got.html or "")
    assert (row.status, row.sent_at is not None) == ("sent", True)
    # a sign-in link does not stay in the database once sent
    assert (row.text_body, row.html_body) == (None, None)
    assert _jobs(smtp_rt) == []


def test_a_text_template_keeps_the_text_as_written() -> None:
    mail = render_mail(
        "warning",
        subject="A warning",
        username="ann",
        action="sent you a warning",
        text="Stop <b>shouting</b> & spamming",
        instance_title="Roost",
        base_url="http://roost.test",
    )
    assert "Stop <b>shouting</b> & spamming" in mail.text
    assert mail.subject == "A warning"


@pytest.mark.parametrize("answer", ["451 4.7.1 Greylisted, try later", "421 4.3.2 Busy"])
def test_a_refusing_server_makes_the_job_retry_and_later_succeed(
    smtp_rt: Runtime, smtp_server: SmtpServer, answer: str
) -> None:
    # given a server that refuses the first attempt
    smtp_server.refuse.append(answer)
    message_id = do_send_mail(smtp_rt, "bob@example.com", "Hi", "Hello Bob\n")
    # when the job runs
    drain(smtp_rt)
    # then it failed, waits for its backoff, and nothing was delivered
    assert smtp_server.inbox == []
    row = _row(smtp_rt, message_id)
    assert (row.status, answer[:3] in row.last_error) == ("queued", True)
    assert _jobs(smtp_rt) == [(SEND_JOB, 1, False)]
    assert drain(smtp_rt) == 0  # not before its backoff
    # when the backoff has passed
    _make_due(smtp_rt)
    drain(smtp_rt)
    # then it is delivered once, with the Message-ID chosen at first
    [got] = smtp_server.to("bob@example.com")
    row = _row(smtp_rt, message_id)
    assert got.message["Message-ID"] == row.message_id
    assert (row.status, row.attempts) == ("sent", 2)
    assert row.text_body == "Hello Bob\n"  # not secret: kept
    assert _jobs(smtp_rt) == []


def test_a_server_that_is_down_is_retried_until_it_is_back(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    message_id = do_send_mail(smtp_rt, "cy@example.com", "Hi", "Hello Cy\n")
    drain(smtp_rt)
    _make_due(smtp_rt)
    drain(smtp_rt)
    row = _row(smtp_rt, message_id)
    assert (row.status, "could not reach" in row.last_error) == ("queued", True)
    assert _jobs(smtp_rt) == [(SEND_JOB, 2, False)]
    # when the server is back on its port
    smtp_server.start()
    _make_due(smtp_rt)
    drain(smtp_rt)
    assert len(smtp_server.to("cy@example.com")) == 1
    assert _row(smtp_rt, message_id).status == "sent"


def test_a_server_down_for_good_parks_the_job_after_its_attempts(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    do_send_mail(smtp_rt, "di@example.com", "Hi", "Hello\n")
    for _ in range(MAX_ATTEMPTS):
        _make_due(smtp_rt)
        drain(smtp_rt)
    assert _jobs(smtp_rt) == [(SEND_JOB, MAX_ATTEMPTS, True)]  # for `roost jobs retry`


def test_a_permanent_refusal_fails_the_message_without_retrying(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse.append("550 5.1.1 No such mailbox")
    message_id = do_send_mail(smtp_rt, "nobody@example.com", "Hi", "Hello\n")
    drain(smtp_rt)
    row = _row(smtp_rt, message_id)
    assert (row.status, "550" in row.last_error) == ("failed", True)
    assert _jobs(smtp_rt) == []  # done: retrying cannot help


def test_smtp_login_uses_the_url_credentials(rt: Runtime) -> None:
    server = SmtpServer(credentials=("mailer", "p@ss:word")).start()
    try:
        url = server.url(userinfo="mailer:p%40ss%3Aword")
        smtp = rt.settings.model_copy(update={"smtp_url": url})
        runtime = _with_settings(rt, smtp)
        do_send_mail(runtime, "ed@example.com", "Hi", "Hello\n")
        drain(runtime)
        assert server.logins == ["mailer"]
        assert len(server.to("ed@example.com")) == 1
    finally:
        server.stop()


def test_a_wrong_smtp_password_is_retried_not_dropped(rt: Runtime) -> None:
    server = SmtpServer(credentials=("mailer", "right")).start()
    try:
        runtime = _with_settings(
            rt, rt.settings.model_copy(update={"smtp_url": server.url(userinfo="mailer:wrong")})
        )
        message_id = do_send_mail(runtime, "fa@example.com", "Hi", "Hello\n")
        drain(runtime)
        assert server.inbox == []
        assert _row(runtime, message_id).status == "queued"
        assert _jobs(runtime) == [(SEND_JOB, 1, False)]
    finally:
        server.stop()


def _with_settings(rt: Runtime, settings: Settings) -> Runtime:
    return dataclasses.replace(rt, settings=settings)


def test_mail_account_uses_the_address_and_name_of_the_account(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    alice = people.alice
    nobody = do_register(smtp_rt, "noaddress", "long enough password")
    with smtp_rt.db.write() as tx:
        sent = mail_account(
            smtp_rt,
            tx,
            alice,
            "warning",
            kind="warning",
            action="sent you a warning",
            text="Please stop posting spam.",
            subject=None,
        )
        unsent = mail_account(smtp_rt, tx, nobody, "warning", kind="warning", text="x")
    assert (sent, unsent) == (True, False)
    drain(smtp_rt)
    [got] = smtp_server.inbox
    assert got.rcpt_tos == ["alice@example.com"]
    assert got.message["Subject"] == "A message from the moderators of Roost"
    assert "Hello @alice" in got.text
    assert "Please stop posting spam." in got.text
