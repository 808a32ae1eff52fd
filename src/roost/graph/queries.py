"""Reads of the follow graph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, func, or_, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS
from roost.graph.models import blocks, follow_requests, follows, mutes
from roost.paging import Page, paginate
from roost.runtime import Runtime
from roost.store.schema import utcnow


@dataclass(frozen=True)
class Relationship:
    id: int
    following: bool
    followed_by: bool
    notifying: bool = False
    # A follow request is pending: from the viewer (requested) or to the viewer.
    requested: bool = False
    requested_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False


def relationships(rt: Runtime, viewer_id: int, target_ids: Sequence[int]) -> list[Relationship]:
    if not target_ids:
        return []
    with rt.db.read() as conn:
        following = {
            row.target_account_id: row.notify
            for row in conn.execute(
                select(follows.c.target_account_id, follows.c.notify).where(
                    follows.c.account_id == viewer_id, follows.c.target_account_id.in_(target_ids)
                )
            )
        }
        followed_by = set(
            conn.scalars(
                select(follows.c.account_id).where(
                    follows.c.target_account_id == viewer_id, follows.c.account_id.in_(target_ids)
                )
            )
        )
        requested = set(
            conn.scalars(
                select(follow_requests.c.target_account_id).where(
                    follow_requests.c.account_id == viewer_id,
                    follow_requests.c.target_account_id.in_(target_ids),
                )
            )
        )
        requested_by = set(
            conn.scalars(
                select(follow_requests.c.account_id).where(
                    follow_requests.c.target_account_id == viewer_id,
                    follow_requests.c.account_id.in_(target_ids),
                )
            )
        )
        blocking, blocked_by, muting = _audience(conn, viewer_id, target_ids)
    return [
        Relationship(
            t,
            t in following,
            t in followed_by,
            bool(following.get(t)),
            requested=t in requested,
            requested_by=t in requested_by,
            blocking=t in blocking,
            blocked_by=t in blocked_by,
            muting=t in muting,
            muting_notifications=bool(muting.get(t)),
        )
        for t in target_ids
    ]


def follow_requesters(rt: Runtime, account_id: int, page: Page) -> list[tuple[int, Row[Any]]]:
    """(request id, requester) pairs of the requests waiting for this account's
    approval, newest first; the request id is the page cursor (as Mastodon's)."""
    query = (
        select(follow_requests.c.id.label("request_id"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == follow_requests.c.account_id)
        .where(follow_requests.c.target_account_id == account_id)
    )
    with rt.db.read() as conn:
        rows = conn.execute(paginate(query, follow_requests.c.id, page)).all()
    rows = sorted(rows, key=lambda r: r.request_id, reverse=True)
    return [(r.request_id, r) for r in rows]


def follow_requests_count(rt: Runtime, account_id: int) -> int:
    with rt.db.read() as conn:
        return int(
            conn.scalar(
                select(func.count())
                .select_from(follow_requests)
                .where(follow_requests.c.target_account_id == account_id)
            )
            or 0
        )


def _audience(
    conn: Connection, viewer_id: int, target_ids: Sequence[int]
) -> tuple[set[int], set[int], dict[int, bool]]:
    """Whom the viewer blocks, who blocks the viewer, and whom the viewer mutes (with
    whether their notifications are muted too) among ``target_ids``."""
    blocking = set(
        conn.scalars(
            select(blocks.c.target_account_id).where(
                blocks.c.account_id == viewer_id, blocks.c.target_account_id.in_(target_ids)
            )
        )
    )
    blocked_by = set(
        conn.scalars(
            select(blocks.c.account_id).where(
                blocks.c.target_account_id == viewer_id, blocks.c.account_id.in_(target_ids)
            )
        )
    )
    muting = {
        row.target_account_id: row.notifications
        for row in conn.execute(
            select(mutes.c.target_account_id, mutes.c.notifications).where(
                mutes.c.account_id == viewer_id,
                mutes.c.target_account_id.in_(target_ids),
                _mute_active(utcnow()),
            )
        )
    }
    return blocking, blocked_by, muting


def _mute_active(now: datetime) -> ColumnElement[bool]:
    return or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > now)


def blocked_accounts(rt: Runtime, account_id: int, page: Page) -> list[tuple[int, Row[Any]]]:
    """(block id, blocked account) pairs, newest block first; the block id is the cursor."""
    query = (
        select(blocks.c.id.label("edge_id"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == blocks.c.target_account_id)
        .where(blocks.c.account_id == account_id)
    )
    return _paged(rt, query, blocks.c.id, page)


def muted_accounts(rt: Runtime, account_id: int, page: Page) -> list[tuple[int, Row[Any]]]:
    """(mute id, muted account) pairs for the mutes still in force, newest first."""
    query = (
        select(mutes.c.id.label("edge_id"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == mutes.c.target_account_id)
        .where(mutes.c.account_id == account_id, _mute_active(utcnow()))
    )
    return _paged(rt, query, mutes.c.id, page)


def _paged(rt: Runtime, query: Any, column: Any, page: Page) -> list[tuple[int, Row[Any]]]:
    with rt.db.read() as conn:
        rows = conn.execute(paginate(query, column, page)).all()
    return sorted(((r.edge_id, r) for r in rows), key=lambda pair: pair[0], reverse=True)


def is_following(rt: Runtime, account_id: int, target_id: int) -> bool:
    with rt.db.read() as conn:
        return (
            conn.scalar(
                select(follows.c.id).where(
                    follows.c.account_id == account_id, follows.c.target_account_id == target_id
                )
            )
            is not None
        )


def followers(rt: Runtime, account_id: int, page: Page) -> list[tuple[int, Row[Any]]]:
    """(follow id, follower) pairs, newest follow first; the follow id is the page cursor."""
    return _edges(rt, page, follows.c.target_account_id == account_id, follows.c.account_id)


def following(rt: Runtime, account_id: int, page: Page) -> list[tuple[int, Row[Any]]]:
    return _edges(rt, page, follows.c.account_id == account_id, follows.c.target_account_id)


def _edges(rt: Runtime, page: Page, condition: Any, other: Any) -> list[tuple[int, Row[Any]]]:
    query = (
        select(follows.c.id.label("follow_id"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == other)
        .where(condition)
    )
    with rt.db.read() as conn:
        rows = conn.execute(paginate(query, follows.c.id, page)).all()
    rows = sorted(rows, key=lambda r: r.follow_id, reverse=True)
    return [(r.follow_id, r) for r in rows]


def follower_ids(
    rt: Runtime, account_id: int, *, active_since: datetime | None = None
) -> list[int]:
    """Who receives this account's posts by fan-out; idle followers are left out."""
    query = select(follows.c.account_id).where(follows.c.target_account_id == account_id)
    if active_since is not None:
        query = query.join(accounts, accounts.c.id == follows.c.account_id).where(
            accounts.c.last_active_at >= active_since
        )
    with rt.db.read() as conn:
        return list(conn.scalars(query))


def iter_follower_ids(
    rt: Runtime, account_id: int, *, active_since: datetime | None = None, chunk: int = 2500
) -> Iterator[list[int]]:
    """``follower_ids`` in chunks as the database streams them: a large fan-out never
    holds 100,000 IDs at once. Close the iterator when stopping early."""
    query = select(follows.c.account_id).where(follows.c.target_account_id == account_id)
    if active_since is not None:
        query = query.join(accounts, accounts.c.id == follows.c.account_id).where(
            accounts.c.last_active_at >= active_since
        )
    with rt.db.read() as conn:
        for part in conn.execution_options(yield_per=chunk).scalars(query).partitions():
            yield list(part)


def followers_among(rt: Runtime, target_id: int, account_ids: Iterable[int]) -> set[int]:
    """Which of these accounts follow ``target_id``: a reply's fan-out asks this of its
    recipients, instead of loading every follower of the account it answers."""
    candidates = sorted(set(account_ids))
    found: set[int] = set()
    with rt.db.read() as conn:
        for i in range(0, len(candidates), 5000):  # bounded IN lists
            found.update(
                conn.scalars(
                    select(follows.c.account_id).where(
                        follows.c.target_account_id == target_id,
                        follows.c.account_id.in_(candidates[i : i + 5000]),
                    )
                )
            )
    return found


def following_ids(rt: Runtime, account_id: int) -> list[int]:
    with rt.db.read() as conn:
        return list(
            conn.scalars(
                select(follows.c.target_account_id).where(follows.c.account_id == account_id)
            )
        )


HEAVY_CHECK_SECONDS = 5.0


def heavy_accounts(rt: Runtime, threshold: int) -> frozenset[int]:
    """Accounts with more followers than ``threshold``: a handful at most, looked up
    at most every few seconds per process, because every home read asks. (An account
    crossing the threshold is merged a few seconds late; its posts from that moment
    show up then, as the merge reads by ID, not by time.)"""

    def load() -> frozenset[int]:
        with rt.db.read() as conn:
            query = select(accounts.c.id).where(accounts.c.followers_count > threshold)
            return frozenset(conn.scalars(query))

    return rt.memo.get(("graph.heavy_accounts", threshold), HEAVY_CHECK_SECONDS, load)


def followed_heavy_accounts(rt: Runtime, account_id: int, threshold: int) -> list[int]:
    """Accounts this one follows whose posts are merged at read time instead of fanned out."""
    heavy = heavy_accounts(rt, threshold)
    if not heavy:
        return []
    with rt.db.read() as conn:
        return list(
            conn.scalars(
                select(follows.c.target_account_id).where(
                    follows.c.account_id == account_id, follows.c.target_account_id.in_(heavy)
                )
            )
        )


def familiar_followers(
    rt: Runtime, viewer_id: int, account_ids: Sequence[int]
) -> dict[int, list[Row[Any]]]:
    """For each account, the accounts the viewer follows that follow it (Mastodon's
    "familiar followers"), most recent follow first, in one query."""
    if not account_ids:
        return {}
    followed_by_viewer = select(follows.c.target_account_id).where(
        follows.c.account_id == viewer_id
    )
    query = (
        select(follows.c.target_account_id.label("familiar_to"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == follows.c.account_id)
        .where(
            follows.c.target_account_id.in_(account_ids),
            follows.c.account_id.in_(followed_by_viewer),
        )
        .order_by(follows.c.id.desc())
    )
    found: dict[int, list[Row[Any]]] = {account_id: [] for account_id in account_ids}
    with rt.db.read() as conn:
        for row in conn.execute(query):
            found[row.familiar_to].append(row)
    return found
