"""Reads of lists, and the rule for which of a member's posts a list timeline holds.

``list_clause`` (SQL, for rebuilds) and ``shown_in_list`` (for fan-out) are the
same rule, as ``home_clause`` and ``shown_in_home`` are for home: a list holds its
members' posts that reach followers (never direct posts, as Mastodon), and of
their replies those its ``replies_policy`` lets through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, or_, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS
from roost.errors import NotFound
from roost.graph.models import follows
from roost.lists.models import list_accounts, lists
from roost.paging import Page, paginate
from roost.posts.models import posts
from roost.runtime import Runtime


@dataclass(frozen=True)
class ListInfo:
    id: int
    account_id: int
    title: str
    replies_policy: str
    exclusive: bool


def _info(row: Any) -> ListInfo:
    return ListInfo(row.id, row.account_id, row.title, row.replies_policy, bool(row.exclusive))


_COLUMNS = (
    lists.c.id,
    lists.c.account_id,
    lists.c.title,
    lists.c.replies_policy,
    lists.c.exclusive,
)


def get_lists(rt: Runtime, owner_id: int) -> list[ListInfo]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(*_COLUMNS)
            .where(lists.c.account_id == owner_id)
            .order_by(func.lower(lists.c.title), lists.c.id)
        ).all()
    return [_info(r) for r in rows]


def access_list(rt: Runtime, owner_id: int, list_id: int) -> ListInfo:
    """The list, if it is the viewer's: someone else's list is not found."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(*_COLUMNS).where(lists.c.id == list_id, lists.c.account_id == owner_id)
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return _info(row)


def lists_with_account(rt: Runtime, owner_id: int, account_id: int) -> list[ListInfo]:
    """The viewer's lists that hold this account."""
    with rt.db.read() as conn:
        rows = conn.execute(
            select(*_COLUMNS)
            .join(list_accounts, list_accounts.c.list_id == lists.c.id)
            .where(lists.c.account_id == owner_id, list_accounts.c.account_id == account_id)
            .order_by(func.lower(lists.c.title), lists.c.id)
        ).all()
    return [_info(r) for r in rows]


def list_members(rt: Runtime, list_id: int, page: Page | None) -> list[tuple[int, Row[Any]]]:
    """(membership id, account) pairs, newest first; ``None`` pages nothing (all members)."""
    query = (
        select(list_accounts.c.id.label("membership_id"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == list_accounts.c.account_id)
        .where(list_accounts.c.list_id == list_id)
    )
    query = (
        paginate(query, list_accounts.c.id, page)
        if page
        else query.order_by(list_accounts.c.id.desc())
    )
    with rt.db.read() as conn:
        rows = conn.execute(query).all()
    rows = sorted(rows, key=lambda r: r.membership_id, reverse=True)
    return [(r.membership_id, r) for r in rows]


def list_member_ids(rt: Runtime, list_id: int) -> list[int]:
    with rt.db.read() as conn:
        return list(
            conn.scalars(
                select(list_accounts.c.account_id).where(list_accounts.c.list_id == list_id)
            )
        )


def list_ids_of(rt: Runtime, owner_id: int) -> list[int]:
    with rt.db.read() as conn:
        return list(conn.scalars(select(lists.c.id).where(lists.c.account_id == owner_id)))


def lists_holding(rt: Runtime, author_ids: Sequence[int]) -> list[ListInfo]:
    """Every list that holds one of these accounts: where fan-out delivers their posts."""
    if not author_ids:
        return []
    with rt.db.read() as conn:
        rows = conn.execute(
            select(*_COLUMNS)
            .join(list_accounts, list_accounts.c.list_id == lists.c.id)
            .where(list_accounts.c.account_id.in_(list(author_ids)))
            .distinct()
        ).all()
    return [_info(r) for r in rows]


def exclusive_member_ids(rt: Runtime, owner_id: int) -> set[int]:
    """Accounts whose posts an exclusive list of the owner keeps out of their home."""
    with rt.db.read() as conn:
        return set(
            conn.scalars(
                select(list_accounts.c.account_id)
                .join(lists, lists.c.id == list_accounts.c.list_id)
                .where(lists.c.account_id == owner_id, lists.c.exclusive.is_(True))
            )
        )


def lists_also_holding(rt: Runtime, list_ids: Sequence[int], account_id: int) -> set[int]:
    """Which of these lists also hold ``account_id`` (the one a reply answers)."""
    if not list_ids:
        return set()
    with rt.db.read() as conn:
        return set(
            conn.scalars(
                select(list_accounts.c.list_id).where(
                    list_accounts.c.list_id.in_(list(list_ids)),
                    list_accounts.c.account_id == account_id,
                )
            )
        )


def list_clause(info: ListInfo, table: Any = posts) -> ColumnElement[bool]:
    """Which visible posts of the members belong in the list timeline (``shown_in_list``
    is the same rule for fan-out). As Mastodon: a reply to oneself or to the list's
    owner always belongs; other replies as ``replies_policy`` says — "followed": replies
    to anyone the owner follows, "list": to the list's members, "none": none."""
    reply_ok = [
        table.c.in_reply_to_account_id.is_(None),
        table.c.in_reply_to_account_id == table.c.account_id,
        table.c.in_reply_to_account_id == info.account_id,
    ]
    if info.replies_policy == "followed":
        followed = select(follows.c.target_account_id).where(
            follows.c.account_id == info.account_id
        )
        reply_ok.append(table.c.in_reply_to_account_id.in_(followed))
    elif info.replies_policy == "list":
        members = select(list_accounts.c.account_id).where(list_accounts.c.list_id == info.id)
        reply_ok.append(table.c.in_reply_to_account_id.in_(members))
    # Circle posts reach home timelines only (as fan-out: ``reaches_followers``).
    reaches = and_(
        table.c.visibility.in_(("public", "unlisted", "private")), table.c.circle_id.is_(None)
    )
    return and_(or_(*reply_ok), reaches)


def shown_in_list(
    info: ListInfo,
    author_id: int,
    in_reply_to_account_id: int | None,
    *,
    replied_to_is_member: bool,
    owner_follows_replied_to: bool,
) -> bool:
    """``list_clause``'s reply rule for one list in a fan-out."""
    if in_reply_to_account_id in (None, author_id, info.account_id):
        return True
    if info.replies_policy == "followed":
        return owner_follows_replied_to
    if info.replies_policy == "list":
        return replied_to_is_member
    return False
