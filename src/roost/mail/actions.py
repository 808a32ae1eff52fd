"""Sending mail. ``send_mail`` writes the message into the caller's transaction, so
a message exists exactly when the change that wants it committed; the transport
decides what happens next:

- log mode (no ``ROOST_SMTP_URL``, the embedded default): the row is the delivery,
  written to the log after commit and shown on ``/admin/outbox``;
- SMTP: the row is ``queued`` with a ``mail.send`` job, which sends it and retries a
  transient failure with the job queue's backoff (parked after its last attempt).
  At least once: a worker that dies after the server took the message sends it
  again, under the same Message-ID.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid
from typing import Any

from sqlalchemy import insert, select, update

from roost.ids import new_id
from roost.mail.compose import build_message
from roost.mail.models import mail_messages
from roost.mail.transport import MailFailed, build_transport
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow

log = logging.getLogger("roost.mail")

SEND_JOB = "mail.send"
SUBJECT_MAX = 300


def send_mail(
    rt: Runtime,
    tx: Tx,
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    kind: str = "notice",
    account_id: int | None = None,
    secret: bool = False,
) -> int:
    """Queues one message inside ``tx``; returns its outbox id. ``secret``: it carries
    a sign-in link, so its body is erased once a server took it."""
    message_id = new_id()
    smtp = bool(rt.settings.smtp_url)
    subject = " ".join(subject.split())[:SUBJECT_MAX]
    values = {
        "id": message_id,
        "account_id": account_id,
        "kind": kind,
        "to_address": to,
        "from_address": rt.settings.mail_from,
        "subject": subject,
        "text_body": text,
        "html_body": html,
        "secret": secret,
        "message_id": make_msgid(domain=rt.settings.domain.split(":", 1)[0]),
        "transport": "smtp" if smtp else "log",
        "status": "queued" if smtp else "logged",
        "attempts": 0,
        "created_at": utcnow(),
    }
    tx.conn.execute(insert(mail_messages).values(**values))
    if smtp:
        rt.jobs.enqueue(tx, SEND_JOB, {"message": message_id})
    else:
        tx.on_commit(lambda: log.info("mail %s to %s: %s\n%s", message_id, to, subject, text))
    return message_id


def do_send_mail(rt: Runtime, to: str, subject: str, text: str, **options: Any) -> int:
    """``send_mail`` in a transaction of its own."""
    with rt.db.write() as tx:
        return send_mail(rt, tx, to, subject, text, **options)


def send_job(rt: Runtime, payload: dict[str, Any]) -> None:
    """Sends one queued message. A transient failure raises (the queue retries it
    later); a final one marks the message failed and ends the job."""
    message_id = int(payload["message"])
    with rt.db.read() as conn:
        row = conn.execute(select(mail_messages).where(mail_messages.c.id == message_id)).first()
    if row is None or row.status != "queued":
        return  # sent (or given up) by an earlier attempt, or its account is gone
    transport = build_transport(rt.settings)
    if transport is None:  # SMTP was turned off since: the outbox page shows it
        _record(rt, message_id, status="logged")
        return
    message = build_message(
        message_id=row.message_id,
        sender=row.from_address,
        to=row.to_address,
        subject=row.subject,
        text=row.text_body or "",
        html=row.html_body,
        date=row.created_at,
    )
    try:
        transport.send(message)
    except MailFailed as exc:
        if exc.retry:
            _record(rt, message_id, error=str(exc))
            raise
        _record(rt, message_id, status="failed", error=str(exc))
        log.warning("mail %s to %s refused: %s", message_id, row.to_address, exc)
        return
    done: dict[str, Any] = {"sent_at": utcnow()}
    if row.secret:
        done |= {"text_body": None, "html_body": None}
    _record(rt, message_id, status="sent", **done)


def _record(
    rt: Runtime,
    message_id: int,
    *,
    status: str | None = None,
    error: str | None = None,
    **more: Any,
) -> None:
    values: dict[str, Any] = {"attempts": mail_messages.c.attempts + 1, **more}
    if status is not None:
        values["status"] = status
    if error is not None:
        values["last_error"] = error[:500]
    with rt.db.write() as tx:
        tx.conn.execute(
            update(mail_messages).where(mail_messages.c.id == message_id).values(**values)
        )


JOB_HANDLERS = {SEND_JOB: send_job}
