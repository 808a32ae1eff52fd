"""Reads of notifications: the list (flat and grouped), one notification, the unread
count, the policy and the requests it filed.

Every list pages by index (``ix_notifications_list``: account, filtered, id) and
ends in ``hydrate``, so a notification about a post the recipient can no longer
see is left out rather than shown empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from roost.accounts.queries import AccountRow, get_accounts
from roost.errors import NotFound
from roost.markers.models import markers
from roost.notifications.models import (
    GROUPABLE,
    TYPES,
    notification_policies,
    notification_requests,
    notifications,
)
from roost.paging import Page, paginate
from roost.posts.queries import StatusView, hydrate
from roost.posts.visibility import blocked_clause
from roost.runtime import Runtime


@dataclass
class NotificationView:
    id: int
    type: str
    created_at: datetime
    group_key: str
    account: AccountRow
    status: StatusView | None


@dataclass(frozen=True)
class Filter:
    """Mastodon's ``types[]``, ``exclude_types[]`` and ``account_id``."""

    types: Sequence[str] = ()
    exclude_types: Sequence[str] = ()
    account_id: int | None = None

    def clause(self) -> ColumnElement[bool]:
        conditions: list[ColumnElement[bool]] = []
        if self.types:
            conditions.append(notifications.c.type.in_([t for t in self.types if t in TYPES]))
        if self.exclude_types:
            conditions.append(notifications.c.type.not_in(list(self.exclude_types)))
        if self.account_id is not None:
            conditions.append(notifications.c.from_account_id == self.account_id)
        return and_(True, *conditions)


def _mine(viewer_id: int, *, filtered: bool = False) -> ColumnElement[bool]:
    """The viewer's notifications, without those from across a block made since."""
    return and_(
        notifications.c.account_id == viewer_id,
        notifications.c.filtered.is_(filtered),
        ~blocked_clause(viewer_id, notifications.c.from_account_id),
    )


def _views(rt: Runtime, viewer_id: int, rows: Sequence[Any]) -> list[NotificationView]:
    """Rows to views in two more queries (accounts, statuses), newest first."""
    authors = get_accounts(rt, {r.from_account_id for r in rows})
    post_ids = [r.post_id for r in rows if r.post_id is not None]
    statuses = {v.post.id: v for v in hydrate(rt, viewer_id, post_ids)}
    views = []
    for r in sorted(rows, key=lambda r: r.id, reverse=True):
        status = statuses.get(r.post_id) if r.post_id is not None else None
        if r.from_account_id not in authors or (r.post_id is not None and status is None):
            continue
        views.append(
            NotificationView(
                r.id, r.type, r.created_at, r.group_key, authors[r.from_account_id], status
            )
        )
    return views


def list_notifications(
    rt: Runtime, viewer_id: int, page: Page, which: Filter = Filter()
) -> tuple[list[NotificationView], list[int]]:
    """The page and the IDs it covered (for the Link header: a page whose posts are
    all hidden still pages onwards)."""
    query = select(notifications).where(_mine(viewer_id), which.clause())
    with rt.db.read() as conn:
        rows = conn.execute(paginate(query, notifications.c.id, page)).all()
    ids = sorted((r.id for r in rows), reverse=True)
    return _views(rt, viewer_id, rows), ids


def get_notification(rt: Runtime, viewer_id: int, notification_id: int) -> NotificationView:
    with rt.db.read() as conn:
        row = conn.execute(
            select(notifications).where(
                notifications.c.id == notification_id, notifications.c.account_id == viewer_id
            )
        ).first()
    views = _views(rt, viewer_id, [row]) if row is not None else []
    if not views:
        raise NotFound("Record not found")
    return views[0]


def get_marker_id(rt: Runtime, viewer_id: int, timeline: str) -> int:
    with rt.db.read() as conn:
        value = conn.scalar(
            select(markers.c.last_read_id).where(
                markers.c.account_id == viewer_id, markers.c.timeline == timeline
            )
        )
    return int(value or 0)


def unread_count(
    rt: Runtime, viewer_id: int, *, limit: int, which: Filter = Filter(), after: int = 0
) -> int:
    """Notifications newer than the ``notifications`` marker (and than ``after``),
    counted up to ``limit`` (by index, so a long-unread account costs no more than
    ``limit`` rows)."""
    since = max(get_marker_id(rt, viewer_id, "notifications"), after)
    newer = (
        select(notifications.c.id)
        .where(_mine(viewer_id), notifications.c.id > since, which.clause())
        .limit(limit)
        .subquery()
    )
    with rt.db.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(newer)) or 0)


# -- grouped (Mastodon 4.3's /api/v2/notifications) ---------------------------


@dataclass
class NotificationGroup:
    group_key: str
    type: str
    notifications_count: int
    most_recent_notification_id: int
    page_min_id: int
    page_max_id: int
    latest_page_notification_at: datetime
    sample_account_ids: list[int]
    status: StatusView | None
    accounts: dict[int, AccountRow] = field(default_factory=dict)


SAMPLE_ACCOUNTS = 8
_SCAN = 200


def grouped_notifications(
    rt: Runtime,
    viewer_id: int,
    page: Page,
    which: Filter = Filter(),
    grouped_types: Sequence[str] | None = None,
) -> list[NotificationGroup]:
    """``page.limit`` groups: the page is the newest notification of each of them, and
    each group counts its members between the page's ends, as Mastodon's does."""
    groupable = set(GROUPABLE if grouped_types is None else grouped_types) & set(GROUPABLE)

    def key_of(row: Any) -> str:
        return row.group_key if row.type in groupable else f"ungrouped-{row.id}"

    base = select(notifications).where(_mine(viewer_id), which.clause())
    members: dict[str, list[Any]] = {}
    cursor = _slice(page)
    with rt.db.read() as conn:
        # Scan newest first (oldest first with min_id) in slices until enough groups.
        while len(members) < page.limit:
            rows = conn.execute(paginate(base, notifications.c.id, cursor)).all()
            for row in rows:
                key = key_of(row)
                if key not in members and len(members) == page.limit:
                    break
                members.setdefault(key, []).append(row)
            if len(rows) < _SCAN:
                break
            last = rows[-1].id
            cursor = _slice(
                Page(
                    max_id=None if page.ascending else last,
                    min_id=last if page.ascending else None,
                    since_id=page.since_id,
                )
            )
    return _groups(rt, viewer_id, members)


def _groups(rt: Runtime, viewer_id: int, members: dict[str, list[Any]]) -> list[NotificationGroup]:
    """Groups from their member rows: accounts and posts in two queries for the page."""
    newest = {key: max(rows, key=lambda r: r.id) for key, rows in members.items()}
    authors = get_accounts(rt, {r.from_account_id for rows in members.values() for r in rows})
    post_ids = [r.post_id for r in newest.values() if r.post_id is not None]
    statuses = {v.post.id: v for v in hydrate(rt, viewer_id, post_ids)}
    groups: list[NotificationGroup] = []
    for key, rows in members.items():
        top = newest[key]
        status = statuses.get(top.post_id) if top.post_id is not None else None
        ordered = sorted(rows, key=lambda r: r.id, reverse=True)
        samples = [a for a in dict.fromkeys(r.from_account_id for r in ordered) if a in authors][
            :SAMPLE_ACCOUNTS
        ]
        if not samples or (top.post_id is not None and status is None):
            continue  # its post or people are gone, or hidden from this viewer
        groups.append(
            NotificationGroup(
                group_key=key,
                type=top.type,
                notifications_count=len(rows),
                most_recent_notification_id=top.id,
                page_min_id=ordered[-1].id,
                page_max_id=top.id,
                latest_page_notification_at=top.created_at,
                sample_account_ids=samples,
                status=status,
                accounts={a: authors[a] for a in samples},
            )
        )
    groups.sort(key=lambda g: g.most_recent_notification_id, reverse=True)
    return groups


def _slice(page: Page) -> Page:
    return Page(max_id=page.max_id, since_id=page.since_id, min_id=page.min_id, limit=_SCAN)


def get_group(rt: Runtime, viewer_id: int, group_key: str) -> NotificationGroup:
    """One group, its newest members (Mastodon's ``GET /api/v2/notifications/:group_key``)."""
    query = (
        select(notifications)
        .where(_mine(viewer_id), _group_clause(group_key[:80]))
        .order_by(notifications.c.id.desc())
        .limit(80)
    )
    with rt.db.read() as conn:
        rows = conn.execute(query).all()
    groups = _groups(rt, viewer_id, {group_key: list(rows)}) if rows else []
    if not groups:
        raise NotFound("Record not found")
    return groups[0]


def _group_clause(group_key: str) -> ColumnElement[bool]:
    if group_key.startswith("ungrouped-"):
        raw = group_key.removeprefix("ungrouped-")
        return notifications.c.id == (int(raw) if raw.isdigit() and len(raw) < 19 else -1)
    return notifications.c.group_key == group_key


# -- policy and requests --------------------------------------------------------


@dataclass
class Policy:
    for_not_following: str = "accept"
    for_not_followers: str = "accept"
    for_new_accounts: str = "accept"
    for_private_mentions: str = "filter"
    for_limited_accounts: str = "filter"
    pending_requests_count: int = 0
    pending_notifications_count: int = 0


def get_policy(rt: Runtime, viewer_id: int) -> Policy:
    with rt.db.read() as conn:
        row = conn.execute(
            select(notification_policies).where(notification_policies.c.account_id == viewer_id)
        ).first()
        requests = conn.scalar(
            select(func.count())
            .select_from(notification_requests)
            .where(notification_requests.c.account_id == viewer_id)
        )
        pending = conn.scalar(
            select(func.count()).select_from(notifications).where(_mine(viewer_id, filtered=True))
        )
    policy = (
        Policy()
        if row is None
        else Policy(**{k: v for k, v in row._mapping.items() if k != "account_id"})
    )
    policy.pending_requests_count = int(requests or 0)
    policy.pending_notifications_count = int(pending or 0)
    return policy


@dataclass
class RequestView:
    id: int
    created_at: datetime
    updated_at: datetime
    account: AccountRow
    notifications_count: int
    last_status: StatusView | None


def _requests_query(viewer_id: int) -> Select[Any]:
    return select(notification_requests).where(notification_requests.c.account_id == viewer_id)


def list_requests(rt: Runtime, viewer_id: int, page: Page) -> list[RequestView]:
    with rt.db.read() as conn:
        rows = conn.execute(
            paginate(_requests_query(viewer_id), notification_requests.c.id, page)
        ).all()
    return _request_views(rt, viewer_id, rows)


def get_request(rt: Runtime, viewer_id: int, request_id: int) -> RequestView:
    with rt.db.read() as conn:
        rows = conn.execute(
            _requests_query(viewer_id).where(notification_requests.c.id == request_id)
        ).all()
    views = _request_views(rt, viewer_id, rows)
    if not views:
        raise NotFound("Record not found")
    return views[0]


def _request_views(rt: Runtime, viewer_id: int, rows: Sequence[Any]) -> list[RequestView]:
    if not rows:
        return []
    senders = [r.from_account_id for r in rows]
    with rt.db.read() as conn:
        counts: dict[int, int] = dict(
            conn.execute(
                select(notifications.c.from_account_id, func.count())
                .where(
                    _mine(viewer_id, filtered=True), notifications.c.from_account_id.in_(senders)
                )
                .group_by(notifications.c.from_account_id)
            ).all()
        )
    authors = get_accounts(rt, senders)
    statuses = {
        v.post.id: v
        for v in hydrate(rt, viewer_id, [r.last_post_id for r in rows if r.last_post_id])
    }
    return [
        RequestView(
            r.id,
            r.created_at,
            r.updated_at,
            authors[r.from_account_id],
            int(counts.get(r.from_account_id, 0)),
            statuses.get(r.last_post_id),
        )
        for r in sorted(rows, key=lambda r: r.id, reverse=True)
        if r.from_account_id in authors
    ]


def filtered_notifications(
    rt: Runtime, viewer_id: int, from_account_id: int, page: Page
) -> tuple[list[NotificationView], list[int]]:
    """The notifications a request holds (Mastodon: ``account_id`` with ``include_filtered``)."""
    query = select(notifications).where(
        _mine(viewer_id, filtered=True), notifications.c.from_account_id == from_account_id
    )
    with rt.db.read() as conn:
        rows = conn.execute(paginate(query, notifications.c.id, page)).all()
    return _views(rt, viewer_id, rows), sorted((r.id for r in rows), reverse=True)
