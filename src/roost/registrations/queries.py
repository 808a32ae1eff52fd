"""Reads for registrations: sign-ups waiting for a moderator, and invites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS
from roost.errors import ValidationFailed
from roost.paging import Page, paginate
from roost.registrations.models import invites
from roost.runtime import Runtime
from roost.store.schema import utcnow

INVITE_EXPIRED = "This invite link has expired."
INVITE_USED_UP = "This invite link has been used as many times as it allows."
INVITE_UNKNOWN = "This invite link is not valid."

InviteState = Literal["valid", "expired", "used_up"]


@dataclass(frozen=True)
class Invite:
    id: int
    code: str
    account_id: int
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    created_at: datetime

    def state(self, now: datetime | None = None) -> InviteState:
        now = now or utcnow()
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "used_up"
        return "valid"


def _invite(row: Any) -> Invite:
    return Invite(
        row.id, row.code, row.account_id, row.max_uses, row.uses, row.expires_at, row.created_at
    )


def find_invite(rt: Runtime, code: str) -> Invite | None:
    if not code or len(code) > 16:
        return None
    with rt.db.read() as conn:
        row = conn.execute(select(invites).where(invites.c.code == code)).first()
    return _invite(row) if row is not None else None


def check_invite(rt: Runtime, code: str) -> Invite:
    """The invite of ``code`` if it can still be used; otherwise the reason, on the
    ``invite_code`` field. (Its use is counted at sign-up, atomically.)"""
    invite = find_invite(rt, code)
    if invite is None:
        raise ValidationFailed(INVITE_UNKNOWN, field="invite_code")
    state = invite.state()
    if state == "expired":
        raise ValidationFailed(INVITE_EXPIRED, field="invite_code")
    if state == "used_up":
        raise ValidationFailed(INVITE_USED_UP, field="invite_code")
    return invite


def list_invites(rt: Runtime, account_id: int | None) -> list[Invite]:
    """Newest first: the invites one account made, or everyone's (``None``, admins)."""
    query = select(invites).order_by(invites.c.id.desc()).limit(200)
    if account_id is not None:
        query = query.where(invites.c.account_id == account_id)
    with rt.db.read() as conn:
        return [_invite(row) for row in conn.execute(query).all()]


def get_invite(rt: Runtime, invite_id: int) -> Invite | None:
    with rt.db.read() as conn:
        row = conn.execute(select(invites).where(invites.c.id == invite_id)).first()
    return _invite(row) if row is not None else None


def pending_accounts(rt: Runtime, page: Page) -> list[Any]:
    """Sign-ups waiting for a moderator, newest first, with the reason each gave."""
    query = select(*PUBLIC_COLUMNS).where(accounts.c.approved.is_(False))
    with rt.db.read() as conn:
        return list(conn.execute(paginate(query, accounts.c.id, page)).all())


def pending_count(rt: Runtime) -> int:
    with rt.db.read() as conn:
        return int(conn.scalar(select(func.count()).where(accounts.c.approved.is_(False))) or 0)
