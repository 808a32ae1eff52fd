"""Reads of hashtags: a tag with its daily use and whether the viewer follows it, the
tags one follows, the posts a followed tag brings into home (``followed_tags_clause``,
the same rule for fan-out and for a home rebuild), and featured tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, distinct, func, select

from roost.accounts.models import accounts
from roost.ids import id_time, min_id_for
from roost.paging import Page, paginate
from roost.posts.models import post_tags, posts, tags
from roost.runtime import Runtime
from roost.tags.models import featured_tags, tag_follows
from roost.text import is_hashtag

HISTORY_DAYS = 7
# 2**16 IDs per millisecond, 86,400,000 milliseconds a day: an ID's day, in SQL.
_IDS_PER_DAY = 65536 * 86_400_000


@dataclass(frozen=True)
class DayUse:
    day: date
    uses: int
    accounts: int


@dataclass(frozen=True)
class TagInfo:
    """``following`` is None for an anonymous viewer (the entity then leaves it out)."""

    name: str
    history: list[DayUse] = field(default_factory=list)
    following: bool | None = None


def get_tag(rt: Runtime, viewer_id: int | None, name: str) -> TagInfo | None:
    """The tag as posts spell it, or the name as given if no post used it yet (it is a
    tag all the same, as in Mastodon); None for a name that is no hashtag."""
    name = name.lstrip("#")
    if not is_hashtag(name):
        return None
    with rt.db.read() as conn:
        row = conn.execute(
            select(tags.c.id, tags.c.name).where(func.lower(tags.c.name) == name.lower())
        ).first()
    if row is None:
        return TagInfo(name, _empty_history(), None if viewer_id is None else False)
    return tag_infos(rt, viewer_id, [(row.id, row.name)])[0]


def tag_infos(rt: Runtime, viewer_id: int | None, rows: Sequence[tuple[int, str]]) -> list[TagInfo]:
    """(tag ID, name) pairs with their history and the viewer's following: two queries."""
    ids = [tag_id for tag_id, _ in rows]
    if not ids:
        return []
    history = _histories(rt, ids)
    followed: set[int] = set()
    if viewer_id is not None:
        with rt.db.read() as conn:
            followed = set(
                conn.scalars(
                    select(tag_follows.c.tag_id).where(
                        tag_follows.c.account_id == viewer_id, tag_follows.c.tag_id.in_(ids)
                    )
                )
            )
    return [
        TagInfo(name, history[tag_id], None if viewer_id is None else tag_id in followed)
        for tag_id, name in rows
    ]


def _empty_history() -> list[DayUse]:
    today = datetime.now(UTC).date()
    return [DayUse(today - timedelta(days=i), 0, 0) for i in range(HISTORY_DAYS)]


def _histories(rt: Runtime, tag_ids: list[int]) -> dict[int, list[DayUse]]:
    """Uses (posts) and distinct accounts per day, newest day first, over the last week:
    public and unlisted posts only (counting others would reveal private activity).
    Served by ``ix_post_tags_tag`` (tag, post ID): the week is an ID range."""
    today = datetime.now(UTC).date()
    start = datetime.combine(today - timedelta(days=HISTORY_DAYS - 1), datetime.min.time(), UTC)
    day = (post_tags.c.post_id // _IDS_PER_DAY).label("day")
    with rt.db.read() as conn:
        rows = conn.execute(
            select(
                post_tags.c.tag_id,
                day,
                func.count().label("uses"),
                func.count(distinct(posts.c.account_id)).label("accounts"),
            )
            .join(posts, posts.c.id == post_tags.c.post_id)
            .where(
                post_tags.c.tag_id.in_(tag_ids),
                post_tags.c.post_id >= min_id_for(start),
                posts.c.visibility.in_(("public", "unlisted")),
            )
            .group_by(post_tags.c.tag_id, day)
        ).all()
    counts = {
        (r.tag_id, id_time(int(r.day) * _IDS_PER_DAY).date()): (r.uses, r.accounts) for r in rows
    }
    return {
        tag_id: [
            DayUse(d, *counts.get((tag_id, d), (0, 0)))
            for d in (today - timedelta(days=i) for i in range(HISTORY_DAYS))
        ]
        for tag_id in tag_ids
    }


def followed_tags(rt: Runtime, viewer_id: int, page: Page) -> list[tuple[int, TagInfo]]:
    """The tags the viewer follows, most recently followed first, with the follow's ID
    as the page cursor."""
    query = (
        select(tag_follows.c.id, tags.c.id.label("tag_id"), tags.c.name)
        .join(tags, tags.c.id == tag_follows.c.tag_id)
        .where(tag_follows.c.account_id == viewer_id)
    )
    with rt.db.read() as conn:
        rows: list[Any] = sorted(
            conn.execute(paginate(query, tag_follows.c.id, page)).all(),
            key=lambda r: r.id,
            reverse=True,
        )
    infos = tag_infos(rt, viewer_id, [(r.tag_id, r.name) for r in rows])
    return [(r.id, info) for r, info in zip(rows, infos, strict=True)]


def followed_tag_ids(rt: Runtime, viewer_id: int) -> list[int]:
    with rt.db.read() as conn:
        return list(
            conn.scalars(select(tag_follows.c.tag_id).where(tag_follows.c.account_id == viewer_id))
        )


def followed_tags_clause(tag_ids: Sequence[int], table: Any = posts) -> ColumnElement[bool]:
    """Posts these followed hashtags bring into a home timeline: public ones (as
    Mastodon, which delivers only what the tag's public timeline shows), not reposts.
    A home rebuild takes these (``timelines.feeds.home_feed``); fan-out delivers the
    same posts to ``tag_follower_ids``."""
    tagged = select(post_tags.c.post_id).where(post_tags.c.tag_id.in_(list(tag_ids)))
    clause: ColumnElement[bool] = and_(
        table.c.visibility == "public",
        table.c.reblog_of_id.is_(None),
        table.c.id.in_(tagged),
    )
    return clause


def tag_follower_ids(
    rt: Runtime, post_id: int, *, active_since: datetime | None = None
) -> set[int]:
    """Who follows one of this post's tags (and was active since ``active_since``)."""
    query = (
        select(tag_follows.c.account_id)
        .join(post_tags, post_tags.c.tag_id == tag_follows.c.tag_id)
        .where(post_tags.c.post_id == post_id)
    )
    if active_since is not None:
        query = query.join(accounts, accounts.c.id == tag_follows.c.account_id).where(
            accounts.c.last_active_at >= active_since
        )
    with rt.db.read() as conn:
        return set(conn.scalars(query))


def tag_follower_ids_named(rt: Runtime, names: Sequence[str]) -> set[int]:
    """Who follows one of these tags (a deleted post's, whose tag rows are gone)."""
    lowered = [n.lower() for n in names]
    if not lowered:
        return set()
    with rt.db.read() as conn:
        return set(
            conn.scalars(
                select(tag_follows.c.account_id)
                .join(tags, tags.c.id == tag_follows.c.tag_id)
                .where(func.lower(tags.c.name).in_(lowered))
            )
        )


@dataclass(frozen=True)
class FeaturedTag:
    id: int
    name: str
    statuses_count: int
    last_status_at: datetime | None


def featured_tags_of(rt: Runtime, account_id: int) -> list[FeaturedTag]:
    """An account's featured tags with how many of its public posts carry each, oldest
    featured first (as Mastodon lists them)."""
    with rt.db.read() as conn:
        rows = conn.execute(
            select(featured_tags.c.id, featured_tags.c.tag_id, tags.c.name)
            .join(tags, tags.c.id == featured_tags.c.tag_id)
            .where(featured_tags.c.account_id == account_id)
            .order_by(featured_tags.c.id)
        ).all()
        if not rows:
            return []
        usage = {
            r.tag_id: (r.uses, r.last)
            for r in conn.execute(
                select(
                    post_tags.c.tag_id,
                    func.count().label("uses"),
                    func.max(post_tags.c.post_id).label("last"),
                )
                .join(posts, posts.c.id == post_tags.c.post_id)
                .where(
                    post_tags.c.tag_id.in_([r.tag_id for r in rows]),
                    posts.c.account_id == account_id,
                    posts.c.visibility.in_(("public", "unlisted")),
                )
                .group_by(post_tags.c.tag_id)
            )
        }
    result = []
    for r in rows:
        uses, last = usage.get(r.tag_id, (0, None))
        result.append(FeaturedTag(r.id, r.name, uses, None if last is None else id_time(last)))
    return result


def featured_tag_suggestions(rt: Runtime, account_id: int, limit: int = 10) -> list[str]:
    """The tags the account used most in its last posts, not featured yet."""
    recent = (
        select(posts.c.id)
        .where(posts.c.account_id == account_id)
        .order_by(posts.c.id.desc())
        .limit(500)
    )
    featured = select(featured_tags.c.tag_id).where(featured_tags.c.account_id == account_id)
    with rt.db.read() as conn:
        return list(
            conn.scalars(
                select(tags.c.name)
                .join(post_tags, post_tags.c.tag_id == tags.c.id)
                .where(post_tags.c.post_id.in_(recent), tags.c.id.not_in(featured))
                .group_by(tags.c.id, tags.c.name)
                .order_by(func.count().desc(), tags.c.name)
                .limit(limit)
            )
        )
