"""Reads of reports: the reporter's own, and the moderators' queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS
from roost.errors import NotFound
from roost.moderation.models import account_warnings, moderation_notes, reports
from roost.paging import Page, paginate
from roost.runtime import Runtime


def get_own_report(rt: Runtime, reporter_id: int, report_id: int) -> Any:
    """A report as its reporter may read it back."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(reports).where(reports.c.id == report_id, reports.c.account_id == reporter_id)
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def get_report(rt: Runtime, report_id: int) -> Any:
    """Any report; only for moderators (the caller checks the role)."""
    with rt.db.read() as conn:
        row = conn.execute(select(reports).where(reports.c.id == report_id)).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def list_reports(
    rt: Runtime,
    page: Page,
    *,
    resolved: bool = False,
    account_id: int | None = None,
    target_account_id: int | None = None,
) -> list[Any]:
    """The moderators' queue, newest first: open reports unless ``resolved``."""
    query = select(reports).where(
        reports.c.action_taken_at.is_not(None) if resolved else reports.c.action_taken_at.is_(None)
    )
    if account_id is not None:
        query = query.where(reports.c.account_id == account_id)
    if target_account_id is not None:
        query = query.where(reports.c.target_account_id == target_account_id)
    with rt.db.read() as conn:
        return list(conn.execute(paginate(query, reports.c.id, page)).all())


@dataclass(frozen=True)
class AccountFilter:
    """Mastodon's admin account filters (v1's flags and v2's ``status``/``origin``
    become these). Every account is local: ``remote`` finds nobody, nor does ``ip``
    (Roost keeps no sign-in addresses)."""

    remote: bool = False
    status: str | None = None  # active, pending, disabled, silenced, suspended, sensitized
    staff: bool = False
    username: str = ""
    display_name: str = ""
    email: str = ""
    ip: str = ""


STATUSES = ("active", "pending", "disabled", "silenced", "suspended", "sensitized")


def _status_clause(status: str) -> ColumnElement[bool]:
    c = accounts.c
    clauses: dict[str, ColumnElement[bool]] = {
        "active": and_(c.suspended_at.is_(None), c.disabled_at.is_(None), c.approved.is_(True)),
        "pending": c.approved.is_(False),
        "disabled": c.disabled_at.is_not(None),
        "silenced": c.silenced_at.is_not(None),
        "suspended": c.suspended_at.is_not(None),
        "sensitized": c.sensitized_at.is_not(None),
    }
    return clauses[status]


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).contains(text.lower(), autoescape=True)


def list_accounts(rt: Runtime, page: Page, filters: AccountFilter) -> list[Any]:
    """Accounts for moderators, newest first, with the email column (the caller has
    checked the reader's permission)."""
    if filters.remote or filters.ip:
        return []
    query = select(*PUBLIC_COLUMNS, accounts.c.email)
    if filters.status:
        query = query.where(_status_clause(filters.status))
    if filters.staff:
        query = query.where(accounts.c.role != "user")
    if filters.username:
        query = query.where(
            func.lower(accounts.c.username).startswith(filters.username.lower(), autoescape=True)
        )
    if filters.display_name:
        query = query.where(_contains(accounts.c.display_name, filters.display_name))
    if filters.email:
        query = query.where(_contains(accounts.c.email, filters.email))
    with rt.db.read() as conn:
        return list(conn.execute(paginate(query, accounts.c.id, page)).all())


def get_account_for_staff(rt: Runtime, account_id: int) -> Any:
    """One account with its email, suspended or not."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(*PUBLIC_COLUMNS, accounts.c.email).where(accounts.c.id == account_id)
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def list_warnings(rt: Runtime, account_id: int, *, limit: int = 100) -> list[Any]:
    """The warnings an account received, newest first: the person reads their own, and
    moderators see them on the account's page."""
    with rt.db.read() as conn:
        return list(
            conn.execute(
                select(account_warnings)
                .where(account_warnings.c.account_id == account_id)
                .order_by(account_warnings.c.id.desc())
                .limit(limit)
            ).all()
        )


def list_notes(
    rt: Runtime, *, target_account_id: int | None = None, report_id: int | None = None
) -> list[Any]:
    """Moderators' notes on an account or a report, oldest first (a conversation)."""
    query = select(moderation_notes)
    if target_account_id is not None:
        query = query.where(moderation_notes.c.target_account_id == target_account_id)
    if report_id is not None:
        query = query.where(moderation_notes.c.report_id == report_id)
    with rt.db.read() as conn:
        return list(conn.execute(query.order_by(moderation_notes.c.id).limit(500)).all())


def list_reports_about(rt: Runtime, target_account_id: int, *, limit: int = 100) -> list[Any]:
    """Every report against an account, open or resolved, newest first."""
    with rt.db.read() as conn:
        return list(
            conn.execute(
                select(reports)
                .where(reports.c.target_account_id == target_account_id)
                .order_by(reports.c.id.desc())
                .limit(limit)
            ).all()
        )
