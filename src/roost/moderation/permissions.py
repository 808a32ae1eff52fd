"""Who may do what to whom, as Mastodon's policies decide it: a permission flag of the
actor's role (``roost.accounts.roles``), and for anything done *to* an account, a role
that outranks the target's (a moderator cannot suspend an admin, nor anyone their
own rank)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from roost.accounts.models import accounts
from roost.accounts.roles import role_spec
from roost.errors import Forbidden, NotFound
from roost.runtime import Runtime

NOT_ALLOWED = "This action is not allowed"


def check_permission(conn: Connection, actor_id: int, *flags: int) -> str:
    """The actor's role, if it carries any of ``flags`` (Mastodon's ``can?(a, b)``)."""
    role = conn.scalar(select(accounts.c.role).where(accounts.c.id == actor_id))
    permissions = role_spec(role or "user").permissions
    if role is None or not any(permissions & flag for flag in flags):
        raise Forbidden(NOT_ALLOWED)
    return str(role)


def check_outranks(actor_role: str, target: Any) -> None:
    """Mastodon's ``role.overrides?(target.role)``: strictly higher."""
    if role_spec(actor_role).rank <= role_spec(target.role).rank:
        raise Forbidden(NOT_ALLOWED)


def get_target(conn: Connection, account_id: int) -> Any:
    """Any account, suspended or not (moderators act on both)."""
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def require_permission(rt: Runtime, actor_id: int, *flags: int) -> str:
    """``check_permission`` for a read that needs no transaction of its own."""
    with rt.db.read() as conn:
        return check_permission(conn, actor_id, *flags)
