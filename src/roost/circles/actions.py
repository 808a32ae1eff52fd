"""Making, renaming and deleting circles, and choosing their members.

Membership is read when a post is read (``roost.posts.visibility``), so these
actions enqueue no jobs: a removed member's stored home timeline may still hold
the circle's posts, and every read drops them (``hydrate``); a deleted circle's
posts become visible to their authors only. New members see the circle's new
posts; older ones appear in their home timeline when it is next rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from roost.accounts.models import accounts
from roost.circles.models import NAME_MAX, circle_members, circles
from roost.errors import NotFound, ValidationFailed
from roost.ids import new_id
from roost.runtime import Runtime
from roost.store.db import Tx, is_id_collision, retry_on_id_collision
from roost.store.schema import utcnow

# Enough for any circle of people one knows; keeps a fan-out's member read bounded.
MAX_MEMBERS = 5000


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed("Name can't be blank", field="name", code="ERR_BLANK")
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            f"Name is too long (maximum is {NAME_MAX} characters)",
            field="name",
            code="ERR_TOO_LONG",
        )
    return name


def do_create_circle(rt: Runtime, owner_id: int, name: str) -> int:
    circle_id = new_id()
    name = check_name(name)
    with rt.db.write() as tx:
        tx.conn.execute(
            circles.insert().values(
                id=circle_id, account_id=owner_id, name=name, created_at=utcnow()
            )
        )
    return circle_id


def _check_owned(tx: Tx, owner_id: int, circle_id: int) -> None:
    found = tx.conn.scalar(
        select(circles.c.id).where(circles.c.id == circle_id, circles.c.account_id == owner_id)
    )
    if found is None:
        raise NotFound("Record not found")


def do_rename_circle(rt: Runtime, owner_id: int, circle_id: int, name: str) -> None:
    name = check_name(name)
    with rt.db.write() as tx:
        _check_owned(tx, owner_id, circle_id)
        tx.conn.execute(update(circles).where(circles.c.id == circle_id).values(name=name))


def do_delete_circle(rt: Runtime, owner_id: int, circle_id: int) -> None:
    """The members go with the circle; its posts stay, visible to their authors only."""
    with rt.db.write() as tx:
        _check_owned(tx, owner_id, circle_id)
        tx.conn.execute(delete(circles).where(circles.c.id == circle_id))


@retry_on_id_collision
def do_add_circle_members(
    rt: Runtime, owner_id: int, circle_id: int, account_ids: Sequence[int]
) -> None:
    """Anyone may be added, follower or not (they are not told). Adding twice changes
    nothing; adding oneself is refused (the author always sees their own posts)."""
    wanted = set(account_ids)
    if owner_id in wanted:
        raise ValidationFailed("You are always in your own circles", field="account_ids")
    try:
        with rt.db.write() as tx:
            _check_owned(tx, owner_id, circle_id)
            found = set(tx.conn.scalars(select(accounts.c.id).where(accounts.c.id.in_(wanted))))
            if wanted - found:
                raise NotFound("Record not found")
            present = set(
                tx.conn.scalars(
                    select(circle_members.c.account_id).where(
                        circle_members.c.circle_id == circle_id
                    )
                )
            )
            added = sorted(wanted - present)
            if not added:
                return
            if len(present) + len(added) > MAX_MEMBERS:
                raise ValidationFailed(
                    f"A circle holds at most {MAX_MEMBERS} people", field="account_ids"
                )
            tx.conn.execute(
                circle_members.insert(),
                [{"id": new_id(), "circle_id": circle_id, "account_id": a} for a in added],
            )
    except IntegrityError as exc:  # a concurrent add of the same member committed first
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        return


def do_remove_circle_members(
    rt: Runtime, owner_id: int, circle_id: int, account_ids: Sequence[int]
) -> None:
    with rt.db.write() as tx:
        _check_owned(tx, owner_id, circle_id)
        tx.conn.execute(
            delete(circle_members).where(
                circle_members.c.circle_id == circle_id,
                circle_members.c.account_id.in_(set(account_ids)),
            )
        )
