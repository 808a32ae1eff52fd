"""Reads of circles: one's own circles and their members (only the owner sees them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, func, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS
from roost.circles.models import circle_members, circles
from roost.errors import NotFound
from roost.paging import Page, paginate
from roost.runtime import Runtime


@dataclass(frozen=True)
class CircleInfo:
    id: int
    account_id: int
    name: str
    members_count: int


_MEMBERS_COUNT = (
    select(func.count())
    .where(circle_members.c.circle_id == circles.c.id)
    .correlate(circles)
    .scalar_subquery()
)
_COLUMNS = (circles.c.id, circles.c.account_id, circles.c.name, _MEMBERS_COUNT.label("n"))


def _info(row: Any) -> CircleInfo:
    return CircleInfo(row.id, row.account_id, row.name, int(row.n))


def get_circles(rt: Runtime, owner_id: int) -> list[CircleInfo]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(*_COLUMNS)
            .where(circles.c.account_id == owner_id)
            .order_by(func.lower(circles.c.name), circles.c.id)
        ).all()
    return [_info(r) for r in rows]


def access_circle(rt: Runtime, owner_id: int, circle_id: int) -> CircleInfo:
    """The circle, if it is the viewer's: someone else's circle is not found."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(*_COLUMNS).where(circles.c.id == circle_id, circles.c.account_id == owner_id)
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return _info(row)


def circle_members_page(
    rt: Runtime, circle_id: int, page: Page | None
) -> list[tuple[int, Row[Any]]]:
    """(membership id, account) pairs, newest first; ``None`` pages nothing (all members)."""
    query = (
        select(circle_members.c.id.label("membership_id"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == circle_members.c.account_id)
        .where(circle_members.c.circle_id == circle_id)
    )
    query = (
        paginate(query, circle_members.c.id, page)
        if page
        else query.order_by(circle_members.c.id.desc())
    )
    with rt.db.read() as conn:
        rows = conn.execute(query).all()
    rows = sorted(rows, key=lambda r: r.membership_id, reverse=True)
    return [(r.membership_id, r) for r in rows]


def circle_audience(rt: Runtime, circle_id: int) -> set[int]:
    """Who may read the circle's posts besides their authors: its members and its owner
    (a member's reply in the circle reaches the owner). Where fan-out delivers them;
    nobody once the circle is deleted."""
    with rt.db.read() as conn:
        return set(circle_audience_ids(conn, circle_id))


def circle_audience_ids(conn: Connection, circle_id: int) -> list[int]:
    members = select(circle_members.c.account_id).where(circle_members.c.circle_id == circle_id)
    owner = select(circles.c.account_id).where(circles.c.id == circle_id)
    return list(conn.scalars(members.union(owner)))
