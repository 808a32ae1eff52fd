"""What a person does with their notifications: dismiss one or a group, clear them
all, set the policy, and accept or dismiss the requests it filed."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from roost.errors import NotFound, ValidationFailed
from roost.notifications.models import (
    notification_permissions,
    notification_policies,
    notification_requests,
    notifications,
)
from roost.runtime import Runtime

POLICY_FIELDS = (
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
    "for_limited_accounts",
)
POLICY_VALUES = ("accept", "filter", "drop")


def do_dismiss_notification(rt: Runtime, viewer_id: int, notification_id: int) -> None:
    with rt.db.write() as tx:
        deleted = tx.conn.execute(
            delete(notifications).where(
                notifications.c.id == notification_id, notifications.c.account_id == viewer_id
            )
        ).rowcount
    if not deleted:
        raise NotFound("Record not found")


def do_dismiss_group(rt: Runtime, viewer_id: int, group_key: str) -> None:
    """Dismissing a group dismisses every notification in it."""
    if group_key.startswith("ungrouped-"):
        raw = group_key.removeprefix("ungrouped-")
        if not raw.isdigit() or len(raw) > 19:
            raise NotFound("Record not found")
        do_dismiss_notification(rt, viewer_id, int(raw))
        return
    with rt.db.write() as tx:
        deleted = tx.conn.execute(
            delete(notifications).where(
                notifications.c.group_key == group_key[:80],
                notifications.c.account_id == viewer_id,
            )
        ).rowcount
    if not deleted:
        raise NotFound("Record not found")


def do_clear_notifications(rt: Runtime, viewer_id: int) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            delete(notifications).where(
                notifications.c.account_id == viewer_id, notifications.c.filtered.is_(False)
            )
        )


def do_update_policy(rt: Runtime, viewer_id: int, changes: dict[str, str]) -> None:
    for name, value in changes.items():
        if name not in POLICY_FIELDS:
            raise ValidationFailed(f"Unknown policy {name}", field=name)
        if value not in POLICY_VALUES:
            raise ValidationFailed(f"{name} must be one of {', '.join(POLICY_VALUES)}", field=name)
    if not changes:
        return
    with rt.db.write() as tx:
        exists = tx.conn.scalar(
            select(notification_policies.c.account_id).where(
                notification_policies.c.account_id == viewer_id
            )
        )
        if exists is None:
            defaults = {
                "for_not_following": "accept",
                "for_not_followers": "accept",
                "for_new_accounts": "accept",
                "for_private_mentions": "filter",
                "for_limited_accounts": "filter",
            }
            tx.conn.execute(
                insert(notification_policies).values(
                    account_id=viewer_id, **{**defaults, **changes}
                )
            )
        else:
            tx.conn.execute(
                update(notification_policies)
                .where(notification_policies.c.account_id == viewer_id)
                .values(**changes)
            )


def do_accept_requests(rt: Runtime, viewer_id: int, request_ids: list[int]) -> None:
    """The held notifications join the list, and that person is never filtered again."""
    with rt.db.write() as tx:
        for sender in _take_requests(tx.conn, viewer_id, request_ids):
            tx.conn.execute(
                update(notifications)
                .where(
                    notifications.c.account_id == viewer_id,
                    notifications.c.from_account_id == sender,
                )
                .values(filtered=False)
            )
            try:
                with tx.conn.begin_nested():
                    tx.conn.execute(
                        insert(notification_permissions).values(
                            account_id=viewer_id, from_account_id=sender
                        )
                    )
            except IntegrityError:  # accepted before
                pass


def do_dismiss_requests(rt: Runtime, viewer_id: int, request_ids: list[int]) -> None:
    """The request and the notifications it held go."""
    with rt.db.write() as tx:
        for sender in _take_requests(tx.conn, viewer_id, request_ids):
            tx.conn.execute(
                delete(notifications).where(
                    notifications.c.account_id == viewer_id,
                    notifications.c.from_account_id == sender,
                    notifications.c.filtered.is_(True),
                )
            )


def _take_requests(conn: Connection, viewer_id: int, request_ids: list[int]) -> list[int]:
    """Removes the viewer's requests among these; returns who sent them. One unknown
    request is "not found"; in a bulk call unknown ones are skipped, as Mastodon."""
    senders = [_take_request(conn, viewer_id, request_id) for request_id in request_ids]
    if len(request_ids) == 1 and senders[0] is None:
        raise NotFound("Record not found")
    return [s for s in senders if s is not None]


def _take_request(conn: Connection, viewer_id: int, request_id: int) -> int | None:
    sender = conn.scalar(
        select(notification_requests.c.from_account_id).where(
            notification_requests.c.id == request_id,
            notification_requests.c.account_id == viewer_id,
        )
    )
    if sender is not None:
        conn.execute(delete(notification_requests).where(notification_requests.c.id == request_id))
    return sender
