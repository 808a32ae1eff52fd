"""Following and featuring hashtags.

Following or unfollowing a tag changes which posts belong in one's home timeline:
the stored timeline is dropped (a job of ``roost.timelines``, enqueued in the same
transaction) and rebuilt from the database on its next read, where the rebuild
takes the followed tags' public posts (``followed_tags_clause``), as fan-out does
from then on.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from roost.errors import NotFound, ValidationFailed
from roost.ids import new_id
from roost.posts.actions import ensure_tags
from roost.posts.models import tags
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.tags.models import featured_tags, tag_follows
from roost.text import is_hashtag

# Payload: account_id. The account's stored home timeline is dropped, to be rebuilt.
HOME_RESET_JOB = "timelines.home_reset"
# Mastodon's limit on featured tags per profile.
FEATURED_TAGS_MAX = 10


def check_tag_name(name: str) -> str:
    name = name.strip().lstrip("#")
    if not is_hashtag(name):
        raise NotFound("Record not found")
    return name


def do_follow_tag(rt: Runtime, account_id: int, name: str) -> None:
    """Following twice is one follow."""
    name = check_tag_name(name)
    try:
        with rt.db.write() as tx:
            (tag_id,) = ensure_tags(tx.conn, [name])
            exists = tx.conn.scalar(
                select(tag_follows.c.id).where(
                    tag_follows.c.account_id == account_id, tag_follows.c.tag_id == tag_id
                )
            )
            if exists is not None:
                return
            tx.conn.execute(
                insert(tag_follows).values(
                    id=new_id(), account_id=account_id, tag_id=tag_id, created_at=utcnow()
                )
            )
            rt.jobs.enqueue(tx, HOME_RESET_JOB, {"account_id": account_id})
    except IntegrityError:
        return  # a concurrent follow of the same tag won


def do_unfollow_tag(rt: Runtime, account_id: int, name: str) -> None:
    name = check_tag_name(name)
    with rt.db.write() as tx:
        tag_id = _tag_id(tx.conn, name)
        if tag_id is None:
            return
        gone = tx.conn.execute(
            delete(tag_follows).where(
                tag_follows.c.account_id == account_id, tag_follows.c.tag_id == tag_id
            )
        ).rowcount
        if gone:
            rt.jobs.enqueue(tx, HOME_RESET_JOB, {"account_id": account_id})


def do_feature_tag(rt: Runtime, account_id: int, name: str) -> int:
    """Features a tag on one's profile; returns the featured tag's ID (the existing one
    if it is featured already)."""
    name = name.strip().lstrip("#")
    if not is_hashtag(name):
        raise ValidationFailed("Name is not a valid hashtag", field="name")
    with rt.db.write() as tx:
        (tag_id,) = ensure_tags(tx.conn, [name])
        existing = tx.conn.scalar(
            select(featured_tags.c.id).where(
                featured_tags.c.account_id == account_id, featured_tags.c.tag_id == tag_id
            )
        )
        if existing is not None:
            return int(existing)
        count = tx.conn.scalar(select(func.count()).where(featured_tags.c.account_id == account_id))
        if (count or 0) >= FEATURED_TAGS_MAX:
            raise ValidationFailed(
                f"You can feature at most {FEATURED_TAGS_MAX} hashtags", field="name"
            )
        featured_id = new_id()
        tx.conn.execute(
            insert(featured_tags).values(
                id=featured_id, account_id=account_id, tag_id=tag_id, created_at=utcnow()
            )
        )
    return featured_id


def do_unfeature_tag(rt: Runtime, account_id: int, featured_id: int) -> None:
    with rt.db.write() as tx:
        gone = tx.conn.execute(
            delete(featured_tags).where(
                featured_tags.c.id == featured_id, featured_tags.c.account_id == account_id
            )
        ).rowcount
    if not gone:
        raise NotFound("Record not found")


def _tag_id(conn: Connection, name: str) -> int | None:
    return conn.scalar(select(tags.c.id).where(func.lower(tags.c.name) == name.lower()))
