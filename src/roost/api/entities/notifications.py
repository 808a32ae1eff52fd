"""Notification, NotificationGroup (Mastodon 4.3), NotificationPolicy, NotificationRequest,
Conversation and Marker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from roost.api.entities.accounts import Account, account_entity, iso
from roost.api.entities.statuses import Status, status_entities, status_entity
from roost.conversations.queries import ConversationView
from roost.filters.matcher import EMPTY, Matcher
from roost.notifications.queries import NotificationGroup as GroupView
from roost.notifications.queries import NotificationView, Policy, RequestView
from roost.runtime import Runtime

# Types whose notification carries the post (Mastodon leaves ``status`` out of the others).
STATUS_TYPES = ("mention", "status", "reblog", "favourite", "poll", "update", "quote")


class Notification(msgspec.Struct, kw_only=True):
    id: str
    type: str
    group_key: str
    created_at: str
    account: Account
    status: Status | UnsetType = UNSET


class NotificationGroup(msgspec.Struct, kw_only=True):
    group_key: str
    notifications_count: int
    type: str
    most_recent_notification_id: str
    page_min_id: str
    page_max_id: str
    latest_page_notification_at: str
    sample_account_ids: list[str]
    status_id: str | UnsetType = UNSET


class GroupedNotificationsResults(msgspec.Struct):
    accounts: list[Account]
    statuses: list[Status]
    notification_groups: list[NotificationGroup]


class UnreadCount(msgspec.Struct):
    count: int


class PolicySummary(msgspec.Struct):
    pending_requests_count: int
    pending_notifications_count: int


class NotificationPolicy(msgspec.Struct):
    for_not_following: str
    for_not_followers: str
    for_new_accounts: str
    for_private_mentions: str
    for_limited_accounts: str
    summary: PolicySummary


class NotificationRequest(msgspec.Struct, kw_only=True):
    id: str
    created_at: str
    updated_at: str
    account: Account
    notifications_count: str  # a string in Mastodon's entity
    last_status: Status | UnsetType = UNSET


class Conversation(msgspec.Struct):
    id: str
    unread: bool
    accounts: list[Account]
    last_status: Status | None


class Marker(msgspec.Struct):
    last_read_id: str
    version: int
    updated_at: str


def notification_entity(
    rt: Runtime, view: NotificationView, matcher: Matcher = EMPTY
) -> Notification:
    return notification_entities(rt, [view], matcher)[0]


def notification_entities(
    rt: Runtime, views: Sequence[NotificationView], matcher: Matcher = EMPTY
) -> list[Notification]:
    statuses = status_entities(rt, [v.status for v in views if v.status is not None], matcher)
    by_post = dict(zip((v.status.post.id for v in views if v.status), statuses, strict=True))
    return [
        Notification(
            id=str(v.id),
            type=v.type,
            group_key=v.group_key,
            created_at=iso(v.created_at),
            account=account_entity(rt, v.account),
            status=by_post[v.status.post.id]
            if v.status is not None and v.type in STATUS_TYPES
            else UNSET,
        )
        for v in views
    ]


def grouped_entity(
    rt: Runtime, groups: Sequence[GroupView], matcher: Matcher = EMPTY
) -> GroupedNotificationsResults:
    people: dict[int, Any] = {}
    for group in groups:
        people.update(group.accounts)
    statuses = {g.status.post.id: g.status for g in groups if g.status is not None}
    return GroupedNotificationsResults(
        accounts=[account_entity(rt, row) for row in people.values()],
        statuses=status_entities(rt, list(statuses.values()), matcher),
        notification_groups=[
            NotificationGroup(
                group_key=g.group_key,
                notifications_count=g.notifications_count,
                type=g.type,
                most_recent_notification_id=str(g.most_recent_notification_id),
                page_min_id=str(g.page_min_id),
                page_max_id=str(g.page_max_id),
                latest_page_notification_at=iso(g.latest_page_notification_at),
                sample_account_ids=[str(a) for a in g.sample_account_ids],
                status_id=str(g.status.post.id) if g.status is not None else UNSET,
            )
            for g in groups
        ],
    )


def policy_entity(policy: Policy) -> NotificationPolicy:
    return NotificationPolicy(
        for_not_following=policy.for_not_following,
        for_not_followers=policy.for_not_followers,
        for_new_accounts=policy.for_new_accounts,
        for_private_mentions=policy.for_private_mentions,
        for_limited_accounts=policy.for_limited_accounts,
        summary=PolicySummary(policy.pending_requests_count, policy.pending_notifications_count),
    )


def request_entity(rt: Runtime, view: RequestView) -> NotificationRequest:
    return NotificationRequest(
        id=str(view.id),
        created_at=iso(view.created_at),
        updated_at=iso(view.updated_at),
        account=account_entity(rt, view.account),
        notifications_count=str(view.notifications_count),
        last_status=status_entity(rt, view.last_status) if view.last_status else UNSET,
    )


def conversation_entity(rt: Runtime, view: ConversationView) -> Conversation:
    return Conversation(
        id=str(view.id),
        unread=view.unread,
        accounts=[account_entity(rt, row) for row in view.accounts],
        last_status=status_entity(rt, view.last_status) if view.last_status else None,
    )


def marker_entity(row: Any) -> Marker:
    return Marker(
        last_read_id=str(row.last_read_id), version=row.version, updated_at=iso(row.updated_at)
    )
