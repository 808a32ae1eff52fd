"""The links Roost mails to an account's address: confirming it, resetting the
password. A link carries a random token; ``email_tokens`` keeps its SHA-256 only,
with the address it went to and when it expires, and taking a token deletes it in
the statement that reads it, so two clicks racing each other cannot both use it.

Confirmation is a condition of logging in only when real mail goes out
(``ROOST_SMTP_URL`` set), as Mastodon refuses an unconfirmed login: in log mode
nobody receives the link (the operator reads it on the outbox page), so requiring
it would lock every newcomer out of the embedded default.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import delete, insert, select

from roost.accounts.models import accounts, email_tokens
from roost.errors import Forbidden, ValidationFailed
from roost.mail.actions import send_mail
from roost.mail.compose import render_mail
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow

CONFIRM = "confirm"
RESET = "reset"
LIFETIMES = {CONFIRM: timedelta(days=2), RESET: timedelta(hours=1)}
PATHS = {CONFIRM: "/auth/confirmation", RESET: "/auth/password/edit"}
INVALID_LINK = "This link is invalid, already used or expired. Ask for a new one."
UNCONFIRMED = (
    "Your login is missing a confirmed e-mail address: follow the link we sent you,"
    " or ask for a new one."
)


class EmailUnconfirmed(Forbidden):
    """The password was right, but the address has not been confirmed yet."""

    def __init__(self) -> None:
        super().__init__(UNCONFIRMED)


def confirmation_required(rt: Runtime) -> bool:
    return bool(rt.settings.smtp_url)


def check_confirmed(rt: Runtime, email: str | None, confirmed_at: datetime | None) -> None:
    """Raises ``EmailUnconfirmed`` for an account that may not log in yet. An account
    without an address (made by the operator, or before addresses were asked for)
    has nothing to confirm."""
    if confirmation_required(rt) and email and confirmed_at is None:
        raise EmailUnconfirmed


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(tx: Tx, account_id: int, purpose: str, email: str) -> str:
    """A new token, replacing the account's earlier ones of this purpose."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    tx.conn.execute(
        delete(email_tokens).where(
            email_tokens.c.account_id == account_id, email_tokens.c.purpose == purpose
        )
    )
    tx.conn.execute(
        insert(email_tokens).values(
            digest=token_digest(token),
            account_id=account_id,
            purpose=purpose,
            email=email,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    return token


@dataclass(frozen=True)
class TakenToken:
    account_id: int
    email: str


def take_token(tx: Tx, token: str, purpose: str) -> TakenToken:
    """Uses up a token: deleted whatever happens next in ``tx`` (if ``tx`` commits).
    Raises ``ValidationFailed`` if it is unknown, used or expired."""
    row = (
        tx.conn.execute(
            delete(email_tokens)
            .where(email_tokens.c.digest == token_digest(token), email_tokens.c.purpose == purpose)
            .returning(email_tokens.c.account_id, email_tokens.c.email, email_tokens.c.expires_at)
        ).first()
        if token
        else None
    )
    if row is None or row.expires_at <= utcnow():
        raise ValidationFailed(INVALID_LINK, field="token")
    return TakenToken(int(row.account_id), str(row.email))


def forget_tokens(tx: Tx, account_id: int, purpose: str) -> None:
    tx.conn.execute(
        delete(email_tokens).where(
            email_tokens.c.account_id == account_id, email_tokens.c.purpose == purpose
        )
    )


def _link(rt: Runtime, purpose: str, token: str) -> str:
    return f"{rt.settings.effective_base_url}{PATHS[purpose]}?{urlencode({'token': token})}"


def send_link(
    rt: Runtime, tx: Tx, account_id: int, username: str, email: str, purpose: str
) -> None:
    """Mails a fresh confirmation or reset link to ``email`` inside ``tx``."""
    token = _issue(tx, account_id, purpose, email)
    mail = render_mail(
        "confirmation" if purpose == CONFIRM else "password_reset",
        username=username,
        link=_link(rt, purpose, token),
        instance_title=rt.settings.instance_title,
        hours=int(LIFETIMES[purpose].total_seconds() // 3600),
    )
    send_mail(
        rt,
        tx,
        email,
        mail.subject,
        mail.text,
        html=mail.html,
        kind="confirmation" if purpose == CONFIRM else "password_reset",
        account_id=account_id,
        secret=True,
    )


def mail_account(
    rt: Runtime, tx: Tx, account_id: int, template: str, *, kind: str, **context: Any
) -> bool:
    """Mails the account a message from ``mail/templates/TEMPLATE.txt`` inside ``tx``
    (a moderator's warning, a decision on a sign-up), with ``username``,
    ``instance_title`` and ``base_url`` filled in. False if it has no address."""
    row = tx.conn.execute(
        select(accounts.c.username, accounts.c.email).where(accounts.c.id == account_id)
    ).first()
    if row is None or not row.email:
        return False
    mail = render_mail(
        template,
        username=row.username,
        instance_title=rt.settings.instance_title,
        base_url=rt.settings.effective_base_url,
        **context,
    )
    send_mail(
        rt,
        tx,
        row.email,
        mail.subject,
        mail.text,
        html=mail.html,
        kind=kind,
        account_id=account_id,
    )
    return True
