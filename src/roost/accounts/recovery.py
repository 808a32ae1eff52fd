"""Following the mailed links: confirming an address, resending the confirmation,
and recovering a forgotten password.

Asking for a link never says whether the address belongs to anyone: the answer is
the same either way, and the rate limits count attempts per client address and
per email address alike. Resetting a password ends every web session and every
API token of the account (the session epoch, as a password change does) and, since
the link reached the address, confirms it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, update

from roost.accounts.actions import EMAIL_REFUSED, check_email, hash_password
from roost.accounts.emails import (
    CONFIRM,
    INVALID_LINK,
    RESET,
    forget_tokens,
    send_link,
    take_token,
    token_digest,
)
from roost.accounts.models import accounts, email_tokens
from roost.accounts.sessions import end_all_web_sessions
from roost.errors import Forbidden, ValidationFailed
from roost.runtime import Runtime
from roost.store.caches import account_tag
from roost.store.ratelimit import RateRule
from roost.store.schema import utcnow

# Mastodon's: 5 reset or confirmation mails per 30 minutes, per client address and
# per email address (so nobody floods someone's inbox from many addresses).
LINK_RULE = RateRule("email-links", 5, 30 * 60, per="address")
LINK_PER_EMAIL_RULE = RateRule("email-links-to", 5, 30 * 60, per="address")
AWAITING_ONLY = "This method is only available while the e-mail is awaiting confirmation"


def _usable(email: str) -> tuple[ColumnElement[bool], ...]:
    """The live account using ``email``, if any."""
    return (
        func.lower(accounts.c.email) == email.lower(),
        accounts.c.deleted_at.is_(None),
        accounts.c.suspended_at.is_(None),
    )


def _limit(rt: Runtime, email: str, address: str | None) -> None:
    rt.limiter.enforce(LINK_RULE, address)
    if address is not None:  # the operator's own requests are not counted
        rt.limiter.enforce(LINK_PER_EMAIL_RULE, email.lower())


def do_request_password_reset(rt: Runtime, email: str, *, address: str | None) -> None:
    """Mails a reset link if an account uses ``email``; silent otherwise."""
    email = email.strip()
    if not email:
        raise ValidationFailed("Email can't be blank", field="email", code="ERR_BLANK")
    _limit(rt, email, address)
    with rt.db.write() as tx:
        row = tx.conn.execute(
            select(accounts.c.id, accounts.c.username, accounts.c.email).where(*_usable(email))
        ).first()
        if row is not None:
            send_link(rt, tx, row.id, row.username, row.email, RESET)


def check_reset_token(rt: Runtime, token: str) -> None:
    """Whether the reset form may be shown (without using the token up)."""
    with rt.db.read() as conn:
        expires = conn.scalar(
            select(email_tokens.c.expires_at).where(
                email_tokens.c.digest == token_digest(token), email_tokens.c.purpose == RESET
            )
        )
    if expires is None or expires <= utcnow():
        raise ValidationFailed(INVALID_LINK, field="token")


def do_reset_password(rt: Runtime, token: str, password: str) -> int:
    """Sets the new password and ends every session and token; returns the account.
    A password the rules refuse leaves the token usable."""
    new_hash = hash_password(password)  # the sign-up rules, before the token is used
    now = utcnow()
    with rt.db.write() as tx:
        taken = take_token(tx, token, RESET)
        account_id = tx.conn.scalar(
            update(accounts)
            .where(
                accounts.c.id == taken.account_id,
                func.lower(accounts.c.email) == taken.email.lower(),
                accounts.c.deleted_at.is_(None),
            )
            .values(
                password_hash=new_hash,
                session_epoch=accounts.c.session_epoch + 1,
                email_confirmed_at=func.coalesce(accounts.c.email_confirmed_at, now),
            )
            .returning(accounts.c.id)
        )
        if account_id is None:  # the address changed since the link was sent
            raise ValidationFailed(INVALID_LINK, field="token")
        end_all_web_sessions(tx, taken.account_id)
        forget_tokens(tx, taken.account_id, RESET)
        # The epoch bump ends the API tokens; no process may go on trusting a cached one.
        tx.on_commit(lambda: rt.caches.forget_everywhere(account_tag(taken.account_id)))
    return taken.account_id


def do_confirm_email(rt: Runtime, token: str) -> int:
    """Marks the address the link went to as confirmed; returns the account."""
    with rt.db.write() as tx:
        taken = take_token(tx, token, CONFIRM)
        account_id = tx.conn.scalar(
            update(accounts)
            .where(
                accounts.c.id == taken.account_id,
                func.lower(accounts.c.email) == taken.email.lower(),
            )
            .values(email_confirmed_at=func.coalesce(accounts.c.email_confirmed_at, utcnow()))
            .returning(accounts.c.id)
        )
        if account_id is None:
            raise ValidationFailed(INVALID_LINK, field="token")
    return taken.account_id


def do_resend_confirmation(rt: Runtime, email: str, *, address: str | None) -> None:
    """The web's "send the link again": silent whether or not the address is known
    or already confirmed."""
    email = email.strip()
    if not email:
        raise ValidationFailed("Email can't be blank", field="email", code="ERR_BLANK")
    _limit(rt, email, address)
    with rt.db.write() as tx:
        row = tx.conn.execute(
            select(accounts.c.id, accounts.c.username, accounts.c.email).where(
                *_usable(email), accounts.c.email_confirmed_at.is_(None)
            )
        ).first()
        if row is not None:
            send_link(rt, tx, row.id, row.username, row.email, CONFIRM)


def do_resend_own_confirmation(
    rt: Runtime, account_id: int, *, email: str | None = None, address: str | None = None
) -> None:
    """``POST /api/v1/emails/confirmations``: the signed-in, unconfirmed account asks
    again, perhaps to a corrected address (which must be free, as at sign-up)."""
    new_address = check_email(email) if email else None
    rt.limiter.enforce(LINK_RULE, address)
    with rt.db.write() as tx:
        row = tx.conn.execute(
            select(accounts.c.username, accounts.c.email, accounts.c.email_confirmed_at).where(
                accounts.c.id == account_id
            )
        ).first()
        if row is None or row.email_confirmed_at is not None:
            raise Forbidden(AWAITING_ONLY)
        target = new_address or row.email
        if not target:
            raise ValidationFailed("Email can't be blank", field="email", code="ERR_BLANK")
        if new_address and new_address.lower() != (row.email or "").lower():
            taken = tx.conn.scalar(
                select(accounts.c.id).where(func.lower(accounts.c.email) == new_address.lower())
            )
            if taken is not None:
                raise ValidationFailed(EMAIL_REFUSED, field="email")
            tx.conn.execute(
                update(accounts).where(accounts.c.id == account_id).values(email=new_address)
            )
        send_link(rt, tx, account_id, row.username, target, CONFIRM)
