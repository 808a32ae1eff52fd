"""Mastodon's Admin::Account and Admin::Report, for moderators only.

Admin::Account is the subset a single, unfederated server has: no domain, no IP
addresses kept, every account confirmed; ``approved`` is false while a sign-up
waits for a moderator, and ``invite_request`` is the reason it gave."""

from __future__ import annotations

from typing import Any

import msgspec

from roost.accounts.queries import get_email
from roost.accounts.roles import role_spec
from roost.api.entities.accounts import Account, Role, account_entity, iso, role_entity
from roost.api.entities.statuses import Status
from roost.runtime import Runtime


class AdminAccount(msgspec.Struct):
    id: str
    username: str
    domain: str | None
    created_at: str
    email: str
    ip: str | None
    ips: list[Any]
    locale: str | None
    invite_request: str | None
    role: Role
    confirmed: bool
    approved: bool
    disabled: bool
    silenced: bool
    suspended: bool
    account: Account


class AdminReport(msgspec.Struct):
    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    updated_at: str
    account: AdminAccount
    target_account: AdminAccount
    assigned_account: AdminAccount | None
    action_taken_by_account: AdminAccount | None
    statuses: list[Status]
    rules: list[Any]


def admin_account_entity(rt: Runtime, row: Any) -> AdminAccount:
    return AdminAccount(
        id=str(row.id),
        username=row.username,
        domain=None,
        created_at=iso(row.created_at),
        email=get_email(rt, row.id) or "",
        ip=None,
        ips=[],
        locale=row.default_language,
        invite_request=row.registration_reason,
        role=role_entity(role_spec(row.role)),
        confirmed=True,
        approved=row.approved,
        disabled=False,
        silenced=False,
        suspended=False,
        account=account_entity(rt, row),
    )


def admin_report_entity(
    rt: Runtime, row: Any, accounts: dict[int, Any], statuses: list[Status]
) -> AdminReport:
    """``accounts``: every account the report names, by id."""

    def named(account_id: int | None) -> AdminAccount | None:
        return admin_account_entity(rt, accounts[account_id]) if account_id else None

    reporter = named(row.account_id)
    target = named(row.target_account_id)
    assert reporter is not None
    assert target is not None
    return AdminReport(
        id=str(row.id),
        action_taken=row.action_taken_at is not None,
        action_taken_at=iso(row.action_taken_at) if row.action_taken_at else None,
        category=row.category,
        comment=row.comment,
        forwarded=row.forwarded,
        created_at=iso(row.created_at),
        updated_at=iso(row.updated_at),
        account=reporter,
        target_account=target,
        assigned_account=named(row.assigned_account_id),
        action_taken_by_account=named(row.action_taken_by_account_id),
        statuses=statuses,
        rules=[],
    )
