"""Signing up under the server's registration mode, moderators' decisions on
waiting sign-ups, and invite links.

The modes, as Mastodon's: ``open`` (anyone), ``approval`` (anyone, but the account
waits for a moderator and cannot sign in until approved), ``closed`` (nobody) and
``invite`` (only with an invite link). An invite also works in the open and approval
modes, where it skips the wait, as in Mastodon; in ``closed`` nobody joins at all."""

from __future__ import annotations

import logging
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import Connection

from roost.accounts.actions import do_register
from roost.accounts.models import accounts
from roost.accounts.roles import (
    MANAGE_INVITES,
    MANAGE_USERS,
    at_least,
    has_permission,
    require_permission,
)
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.ids import new_id
from roost.instance.queries import get_instance_settings
from roost.mail.actions import do_send_mail
from roost.mail.compose import render_mail
from roost.oauth.actions import forget_tokens
from roost.registrations.models import invites
from roost.registrations.queries import INVITE_USED_UP, check_invite, get_invite
from roost.runtime import Runtime
from roost.store.db import retry_on_id_collision
from roost.store.schema import utcnow

log = logging.getLogger(__name__)

CLOSED = "This server is not accepting new accounts."
INVITE_ONLY = "This server accepts new accounts by invitation only."
REASON_MAX = 420  # Mastodon's limit on the sign-up reason
MAX_USES_LIMIT = 1000
EXPIRES_LIMIT = timedelta(days=365)
_CODE_ALPHABET = string.ascii_letters + string.digits
# The person whose sign-up was decided is told (the approval or the rejection).
DECISION_JOB = "registrations.decision"


@dataclass(frozen=True)
class SignUp:
    account_id: int
    approved: bool


def do_sign_up(
    rt: Runtime,
    username: str,
    password: str,
    *,
    email: str | None = None,
    display_name: str = "",
    reason: str | None = None,
    agreed: bool,
    invite_code: str | None = None,
    email_required: bool = False,
    address: str | None = None,
) -> SignUp:
    """Every front door's sign-up: checks the mode and the invite, then registers the
    account, approved or waiting. Raises ``Forbidden`` when the mode refuses, and
    ``ValidationFailed`` for bad fields (an invite that cannot be used is one)."""
    mode = get_instance_settings(rt).mode
    invite_code = (invite_code or "").strip() or None
    if mode == "closed":
        raise Forbidden(CLOSED)
    invite_id: int | None = None
    if invite_code is not None:
        invite_id = check_invite(rt, invite_code).id
    elif mode == "invite":
        raise Forbidden(INVITE_ONLY)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise ValidationFailed(
            f"Reason is too long (at most {REASON_MAX} characters)",
            field="reason",
            code="ERR_TOO_LONG",
        )
    approved = mode != "approval" or invite_id is not None

    def use_invite(conn: Connection) -> None:
        """Counts the use only if one is left, in the account's transaction: the
        last use goes to one person however many sign up at once."""
        now = utcnow()
        used = conn.execute(
            update(invites)
            .where(
                invites.c.id == invite_id,
                or_(invites.c.max_uses.is_(None), invites.c.uses < invites.c.max_uses),
                or_(invites.c.expires_at.is_(None), invites.c.expires_at > now),
            )
            .values(uses=invites.c.uses + 1)
            .returning(invites.c.id)
        ).first()
        if used is None:
            raise ValidationFailed(INVITE_USED_UP, field="invite_code")

    account_id = do_register(
        rt,
        username,
        password,
        email=email,
        display_name=display_name,
        email_required=email_required,
        agreed=agreed,
        address=address,
        approved=approved,
        reason=reason,
        in_transaction=use_invite if invite_id is not None else None,
        confirm_email=True,  # a person signing up: the address is confirmed by a link
    )
    return SignUp(account_id, approved)


def _waiting(conn: Connection, account_id: int) -> Any:
    row = conn.execute(
        select(accounts.c.id, accounts.c.username, accounts.c.email, accounts.c.approved).where(
            accounts.c.id == account_id
        )
    ).first()
    if row is None:
        raise NotFound("Record not found")
    if row.approved:  # as Mastodon: only a waiting sign-up can be approved or rejected
        raise Forbidden("This account is not waiting for approval")
    return row


def do_approve(rt: Runtime, actor_id: int, account_id: int) -> None:
    """Lets a waiting account in; the person is told (``DECISION_JOB``)."""
    require_permission(rt, actor_id, MANAGE_USERS)
    with rt.db.write() as tx:
        row = _waiting(tx.conn, account_id)
        tx.conn.execute(update(accounts).where(accounts.c.id == account_id).values(approved=True))
        # Cached tokens say "pending": every process reads them again.
        tx.on_commit(lambda: forget_tokens(rt, account_id))
        rt.jobs.enqueue(
            tx, DECISION_JOB, {"email": row.email, "username": row.username, "approved": True}
        )


def do_reject(rt: Runtime, actor_id: int, account_id: int) -> None:
    """Deletes a waiting account (it never posted or followed: it could not sign in),
    so the username and address are free again; the person is told by email first."""
    require_permission(rt, actor_id, MANAGE_USERS)
    with rt.db.write() as tx:
        row = _waiting(tx.conn, account_id)
        tx.conn.execute(delete(accounts).where(accounts.c.id == account_id))
        tx.on_commit(lambda: forget_tokens(rt, account_id))
        rt.jobs.enqueue(
            tx, DECISION_JOB, {"email": row.email, "username": row.username, "approved": False}
        )
    rt.timelines.drop(f"home:{account_id}")


def send_decision(rt: Runtime, payload: dict[str, Any]) -> None:
    """Tells the person the outcome by email (``mail/templates/registration_*.txt``),
    through the outbox: the log in log mode, the SMTP job otherwise. An account
    without an address is not told."""
    if not payload.get("email"):
        return
    mail = render_mail(
        "registration_approved" if payload.get("approved") else "registration_rejected",
        username=payload.get("username", ""),
        instance_title=rt.settings.instance_title,
        base_url=rt.settings.effective_base_url,
    )
    do_send_mail(
        rt, str(payload["email"]), mail.subject, mail.text, html=mail.html, kind="registration"
    )


JOB_HANDLERS = {DECISION_JOB: send_decision}


def may_invite(rt: Runtime, actor_id: int) -> bool:
    """Moderators and above always; users when the admins allow it."""
    with rt.db.read() as conn:
        role = conn.scalar(select(accounts.c.role).where(accounts.c.id == actor_id))
    if role is None:
        return False
    return at_least(role, "moderator") or get_instance_settings(rt).users_may_invite


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


@retry_on_id_collision
def do_create_invite(
    rt: Runtime,
    actor_id: int,
    *,
    max_uses: int | None = None,
    expires_in: timedelta | None = None,
) -> int:
    """An invite link usable ``max_uses`` times (None: any number) until ``expires_in``
    from now (None: never). Returns its id."""
    if not may_invite(rt, actor_id):
        raise Forbidden("This action is not allowed")
    if max_uses is not None and not 1 <= max_uses <= MAX_USES_LIMIT:
        raise ValidationFailed(f"Uses must be 1 to {MAX_USES_LIMIT}", field="max_uses")
    if expires_in is not None and not timedelta(minutes=1) <= expires_in <= EXPIRES_LIMIT:
        raise ValidationFailed("Expiry must be a minute to a year", field="expires_in")
    now = utcnow()
    invite_id = new_id()
    with rt.db.write() as tx:
        tx.conn.execute(
            invites.insert().values(
                id=invite_id,
                code=new_code(),
                account_id=actor_id,
                max_uses=max_uses,
                uses=0,
                expires_at=now + expires_in if expires_in is not None else None,
                created_at=now,
            )
        )
    return invite_id


def do_expire_invite(rt: Runtime, actor_id: int, invite_id: int) -> None:
    """Ends an invite now: its maker may, and admins (Mastodon's "manage invites")."""
    invite = get_invite(rt, invite_id)
    if invite is None:
        raise NotFound("Record not found")
    if invite.account_id != actor_id:
        with rt.db.read() as conn:
            role = conn.scalar(select(accounts.c.role).where(accounts.c.id == actor_id))
        if role is None or not has_permission(role, MANAGE_INVITES):
            raise NotFound("Record not found")
    with rt.db.write() as tx:
        tx.conn.execute(
            update(invites)
            .where(
                invites.c.id == invite_id,
                or_(invites.c.expires_at.is_(None), invites.c.expires_at > utcnow()),
            )
            .values(expires_at=utcnow())
        )
