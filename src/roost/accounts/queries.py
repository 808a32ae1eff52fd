"""Reads of accounts. Accounts are public in Roost; what is hidden is posts, not people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select, true

from roost.accounts.models import accounts
from roost.errors import NotFound, ValidationFailed
from roost.runtime import Runtime

AccountRow = Row[Any]

# Everything but the password hash: queries never carry it out of this module.
PUBLIC_COLUMNS = [c for c in accounts.c if c.name not in ("password_hash", "email")]

# An account its owner deleted is gone for everyone at once, before its purge job ran.
NOT_DELETED = accounts.c.deleted_at.is_(None)


def suspended_accounts() -> Select[tuple[int]]:
    """Accounts a moderator suspended: hidden from everyone, posts and profile. Over an
    alias, so that it never correlates with an ``accounts`` in the outer query: it is
    read once per statement through its index, and ``NOT IN`` it leaves the outer
    query's own index choice alone (``suspended_at IS NULL`` would not)."""
    sanctioned = accounts.alias("suspended")
    return select(sanctioned.c.id).where(sanctioned.c.suspended_at.is_not(None))


def limited_accounts() -> Select[tuple[int]]:
    """Accounts a moderator limited ("silenced"): seen by their followers only."""
    sanctioned = accounts.alias("limited")
    return select(sanctioned.c.id).where(sanctioned.c.silenced_at.is_not(None))


def get_account(rt: Runtime, account_id: int) -> AccountRow:
    """A profile as others see it: a suspended account is not found (its moderators
    read it through ``get_any_account``)."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(*PUBLIC_COLUMNS).where(
                accounts.c.id == account_id, accounts.c.suspended_at.is_(None), NOT_DELETED
            )
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def get_any_account(rt: Runtime, account_id: int) -> AccountRow:
    """Any account, suspended or not: for moderators and the account's own jobs."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(*PUBLIC_COLUMNS).where(accounts.c.id == account_id, NOT_DELETED)
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def get_account_by_username(rt: Runtime, username: str) -> AccountRow:
    username = username.lstrip("@").split("@", 1)[0]
    with rt.db.read() as conn:
        row = conn.execute(
            select(*PUBLIC_COLUMNS).where(
                func.lower(accounts.c.username) == username.lower(),
                NOT_DELETED,
                accounts.c.suspended_at.is_(None),
            )
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def get_accounts(rt: Runtime, ids: Iterable[int]) -> dict[int, AccountRow]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    with rt.db.read() as conn:
        rows = conn.execute(select(*PUBLIC_COLUMNS).where(accounts.c.id.in_(wanted))).all()
    return {r.id: r for r in rows}


def get_email(rt: Runtime, account_id: int) -> str | None:
    """Only for the account itself (settings, verify_credentials source)."""
    with rt.db.read() as conn:
        return conn.scalar(select(accounts.c.email).where(accounts.c.id == account_id))


def find_existing_usernames(rt: Runtime, usernames: Sequence[str]) -> dict[str, int]:
    """Lower-cased username -> id for those that exist (to link @mentions)."""
    if not usernames:
        return {}
    lowered = [u.lower() for u in usernames]
    with rt.db.read() as conn:
        rows = conn.execute(
            select(accounts.c.id, accounts.c.username).where(
                func.lower(accounts.c.username).in_(lowered), NOT_DELETED
            )
        ).all()
    return {r.username.lower(): r.id for r in rows}


MAX_SEARCH_OFFSET = 10_000


def search_accounts(
    rt: Runtime,
    query: str,
    *,
    limit: int = 40,
    offset: int = 0,
    among: ColumnElement[bool] | None = None,
    limited: ColumnElement[bool] | None = None,
) -> list[AccountRow]:
    """Accounts whose lowercased username or display name starts with ``query``.

    Prefix only, never ``%query%``: a leading wildcard scans every account, and
    anyone may search. Each side is served by an index (migration 0009): a range
    over ``lower(...)`` on SQLite, ``LIKE 'prefix%'`` over a ``text_pattern_ops``
    index on PostgreSQL. ``offset`` is capped at ``MAX_SEARCH_OFFSET``. ``among``: a
    further condition on ``accounts`` (``roost.search``: followed, not blocked)."""
    if offset > MAX_SEARCH_OFFSET:
        raise ValidationFailed(
            f"offset must be at most {MAX_SEARCH_OFFSET}", field="offset", code="ERR_TOO_LONG"
        )
    query = query.strip().lstrip("@").split("@", 1)[0].lower()
    if not query:
        return []
    with rt.db.read() as conn:
        postgres = conn.dialect.name == "postgresql"
        rows = conn.execute(
            select(*PUBLIC_COLUMNS)
            .where(
                or_(
                    _starts_with(accounts.c.username, query, postgres),
                    _starts_with(accounts.c.display_name, query, postgres),
                ),
                true() if among is None else among,
                NOT_DELETED,
                accounts.c.approved.is_(True),  # a sign-up waiting for approval is not found
                # Suspended accounts are found by nobody, limited ones by their
                # followers only (``roost.search`` passes them in ``limited``).
                accounts.c.id.not_in(suspended_accounts()),
                accounts.c.id.not_in(limited_accounts()) if limited is None else limited,
            )
            .order_by(func.lower(accounts.c.username) != query, accounts.c.followers_count.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    return list(rows)


def _starts_with(column: ColumnElement[str], prefix: str, postgres: bool) -> ColumnElement[bool]:
    lowered = func.lower(column)
    if postgres:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return lowered.like(f"{escaped}%")  # backslash is PostgreSQL's default escape
    # SQLite compares text bytewise (BINARY), so the range is exactly the prefix.
    return and_(lowered >= prefix, lowered < prefix + "\U0010ffff")


@dataclass(frozen=True)
class LocalStats:
    """The instance entity's numbers. Statuses are summed from the accounts' counters
    (as Mastodon does), so this is one cheap query rather than a scan of posts."""

    user_count: int
    status_count: int
    active_since_count: int


STATS_SECONDS = 60.0


def local_stats(rt: Runtime, active_since: datetime) -> LocalStats:
    """Counts for the instance entity, recomputed at most once a minute per process:
    clients fetch the instance at every launch, and the counts scan every account
    (Mastodon caches them too)."""
    return rt.memo.get(
        "accounts.local_stats", STATS_SECONDS, lambda: _count_stats(rt, active_since)
    )


def _count_stats(rt: Runtime, active_since: datetime) -> LocalStats:
    with rt.db.read() as conn:
        row = conn.execute(
            select(
                func.count(accounts.c.id),
                func.coalesce(func.sum(accounts.c.statuses_count), 0),
                func.count(accounts.c.id).filter(accounts.c.last_active_at >= active_since),
            )
        ).one()
    return LocalStats(int(row[0]), int(row[1]), int(row[2]))


# Mastodon's words, which apps show as they are.
PENDING_APPROVAL = "Your login is currently pending approval"
