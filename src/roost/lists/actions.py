"""Making, changing and deleting lists, and choosing their members.

Timelines follow through jobs that ``roost.timelines`` handles, enqueued in the
same transaction: new members' recent posts are back-filled into the list timeline,
removed members' posts purged from it, and a list whose rule changed (its replies
policy, or whether it is exclusive) has its stored timeline dropped, to be rebuilt
from the database on its next read.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from roost.errors import NotFound, ValidationFailed
from roost.graph.models import follows
from roost.graph.queries import FOLLOWED_HEAVY_CACHE
from roost.ids import new_id
from roost.lists.models import REPLIES_POLICIES, TITLE_MAX, list_accounts, lists
from roost.runtime import Runtime
from roost.store.caches import account_tag
from roost.store.db import Tx, is_id_collision, retry_on_id_collision
from roost.store.schema import utcnow

# Payload: list_id, owner_id, added (account IDs), removed (account IDs), exclusive.
LIST_MEMBERS_JOB = "timelines.list_members"
# Payload: list_id, owner_id, home (whether the owner's home timeline changes too).
LIST_RESET_JOB = "timelines.list_reset"


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationFailed("Title can't be blank", field="title", code="ERR_BLANK")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            f"Title is too long (maximum is {TITLE_MAX} characters)",
            field="title",
            code="ERR_TOO_LONG",
        )
    return title


def check_replies_policy(policy: str) -> str:
    if policy not in REPLIES_POLICIES:
        raise ValidationFailed("Replies policy is not included in the list", field="replies_policy")
    return policy


def do_create_list(
    rt: Runtime, owner_id: int, title: str, *, replies_policy: str = "list", exclusive: bool = False
) -> int:
    list_id = new_id()
    row = {
        "id": list_id,
        "account_id": owner_id,
        "title": check_title(title),
        "replies_policy": check_replies_policy(replies_policy),
        "exclusive": exclusive,
        "created_at": utcnow(),
    }
    with rt.db.write() as tx:
        tx.conn.execute(lists.insert().values(**row))
    return list_id


def _owned(tx: Tx, owner_id: int, list_id: int) -> tuple[str, bool]:
    row = tx.conn.execute(
        select(lists.c.replies_policy, lists.c.exclusive).where(
            lists.c.id == list_id, lists.c.account_id == owner_id
        )
    ).first()
    if row is None:
        raise NotFound("Record not found")
    return row.replies_policy, bool(row.exclusive)


def do_update_list(
    rt: Runtime,
    owner_id: int,
    list_id: int,
    *,
    title: str | None = None,
    replies_policy: str | None = None,
    exclusive: bool | None = None,
) -> None:
    values: dict[str, object] = {}
    if title is not None:
        values["title"] = check_title(title)
    if replies_policy is not None:
        values["replies_policy"] = check_replies_policy(replies_policy)
    if exclusive is not None:
        values["exclusive"] = exclusive
    with rt.db.write() as tx:
        old_policy, old_exclusive = _owned(tx, owner_id, list_id)
        if not values:
            return
        tx.conn.execute(update(lists).where(lists.c.id == list_id).values(**values))
        policy_changed = replies_policy is not None and replies_policy != old_policy
        home_changed = exclusive is not None and exclusive != old_exclusive
        if home_changed:
            _forget_merged(rt, tx, owner_id)
        if policy_changed or home_changed:
            rt.jobs.enqueue(
                tx, LIST_RESET_JOB, {"list_id": list_id, "owner_id": owner_id, "home": home_changed}
            )


def do_delete_list(rt: Runtime, owner_id: int, list_id: int) -> None:
    with rt.db.write() as tx:
        _policy, exclusive = _owned(tx, owner_id, list_id)
        tx.conn.execute(delete(lists).where(lists.c.id == list_id))
        if exclusive:
            _forget_merged(rt, tx, owner_id)
        rt.jobs.enqueue(
            tx, LIST_RESET_JOB, {"list_id": list_id, "owner_id": owner_id, "home": exclusive}
        )


@retry_on_id_collision
def do_add_list_accounts(
    rt: Runtime, owner_id: int, list_id: int, account_ids: Sequence[int]
) -> None:
    """Only followed accounts may join (Mastodon's rule): the membership hangs on the
    follow, so an unfollow takes the account out. Adding a member twice changes nothing."""
    wanted = set(account_ids)
    try:
        with rt.db.write() as tx:
            _policy, exclusive = _owned(tx, owner_id, list_id)
            follow_ids = {
                row.target_account_id: row.id
                for row in tx.conn.execute(
                    select(follows.c.target_account_id, follows.c.id).where(
                        follows.c.account_id == owner_id,
                        follows.c.target_account_id.in_(wanted),
                    )
                )
            }
            if wanted - set(follow_ids):
                raise ValidationFailed("You must follow this account", field="account_ids")
            present = set(
                tx.conn.scalars(
                    select(list_accounts.c.account_id).where(
                        list_accounts.c.list_id == list_id,
                        list_accounts.c.account_id.in_(wanted),
                    )
                )
            )
            added = sorted(wanted - present)
            if not added:
                return
            tx.conn.execute(
                list_accounts.insert(),
                [
                    {
                        "id": new_id(),
                        "list_id": list_id,
                        "account_id": a,
                        "follow_id": follow_ids[a],
                    }
                    for a in added
                ],
            )
            rt.jobs.enqueue(
                tx, LIST_MEMBERS_JOB, _members_payload(list_id, owner_id, exclusive, added=added)
            )
            if exclusive:
                _forget_merged(rt, tx, owner_id)
    except IntegrityError as exc:  # a concurrent add of the same member committed first
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return


def do_remove_list_accounts(
    rt: Runtime, owner_id: int, list_id: int, account_ids: Sequence[int]
) -> None:
    with rt.db.write() as tx:
        _policy, exclusive = _owned(tx, owner_id, list_id)
        removed = sorted(
            tx.conn.scalars(
                delete(list_accounts)
                .where(
                    list_accounts.c.list_id == list_id,
                    list_accounts.c.account_id.in_(set(account_ids)),
                )
                .returning(list_accounts.c.account_id)
            )
        )
        if removed:
            rt.jobs.enqueue(
                tx,
                LIST_MEMBERS_JOB,
                _members_payload(list_id, owner_id, exclusive, removed=removed),
            )
            if exclusive:
                _forget_merged(rt, tx, owner_id)


def _forget_merged(rt: Runtime, tx: Tx, owner_id: int) -> None:
    """An exclusive list's members changed: the owner's home merges large accounts
    anew (``timelines.feeds.merged_accounts``), in every process."""
    tx.on_commit(lambda: rt.caches.forget(FOLLOWED_HEAVY_CACHE, account_tag(owner_id)))


def _members_payload(
    list_id: int,
    owner_id: int,
    exclusive: bool,
    *,
    added: Sequence[int] = (),
    removed: Sequence[int] = (),
) -> dict[str, object]:
    return {
        "list_id": list_id,
        "owner_id": owner_id,
        "exclusive": exclusive,
        "added": list(added),
        "removed": list(removed),
    }
