"""Loading a page of posts as one viewer sees them: ``hydrate``, the end of every read.

It is the hot path of every timeline, so its statements are built once, here,
with bound parameters, and run on one connection: building SQLAlchemy
expressions per request cost more than the queries themselves. A page takes at
most seven round trips whatever its length: posts, reposted/quoted posts (twice
at most), mentions + tags + which posts have polls + the viewer's marks and poll
votes (one UNION), authors, applications and polls (each only if the page has any).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Row,
    Select,
    String,
    bindparam,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
)

from roost.accounts.models import accounts
from roost.accounts.queries import NOT_DELETED, PUBLIC_COLUMNS, AccountRow
from roost.circles.models import circles
from roost.graph.models import conversation_mutes
from roost.media.queries import attachments_of
from roost.oauth.models import applications
from roost.posts.models import (
    bookmarks,
    favourites,
    mentions,
    pins,
    poll_votes,
    polls,
    post_tags,
    posts,
    tags,
)
from roost.posts.polls import PollView
from roost.posts.visibility import muted_clause, visible_clause
from roost.runtime import Runtime
from roost.store.schema import Id, UTCDateTime, utcnow

PostRow = Row[Any]


@dataclass
class StatusView:
    """A post as one viewer sees it."""

    post: PostRow
    account: AccountRow
    reblog: StatusView | None = None
    quote: StatusView | None = None
    mentions: list[AccountRow] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    media: list[Any] = field(default_factory=list)  # media_attachments rows, in order
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    pinned: bool = False
    muted: bool = False  # the viewer muted the post's thread
    application: Any = None  # (name, website) of the client that posted it
    viewer_id: int | None = None  # whose marks these are; None for an anonymous viewer
    poll: PollView | None = None


_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_VIEWER: BindParameter[int] = bindparam("viewer", type_=Id)

_NOW: BindParameter[datetime] = bindparam("now", type_=UTCDateTime)

# A circle post's circle, named for its owner only (``circle_name``; None for anyone
# else, and once the circle is deleted).
_CIRCLE_NAME = (
    select(circles.c.name)
    .where(circles.c.id == posts.c.circle_id, circles.c.account_id == _VIEWER)
    .scalar_subquery()
    .label("circle_name")
)
_POSTS_ANONYMOUS = select(posts, cast(null(), String).label("circle_name")).where(
    posts.c.id.in_(_IDS), visible_clause(None)
)


def posts_statements() -> tuple[Select[Any], Select[Any]]:
    """The posts statements for a signed-in viewer, from the visibility rule as it is
    now: by ID, and for timelines and streams (also without posts by accounts the
    viewer mutes). Built once below; the privacy property test builds them again
    around a deliberately broken rule to prove it would catch the leak."""
    by_viewer = select(posts, _CIRCLE_NAME).where(posts.c.id.in_(_IDS), visible_clause(_VIEWER))
    return by_viewer, by_viewer.where(~muted_clause(_VIEWER, _NOW))


_POSTS_FOR_VIEWER, _POSTS_FOR_TIMELINE = posts_statements()


def _satellite(kind: str, post_id: Any, account_id: Any = None, name: Any = None) -> Any:
    """One arm of the satellites query: (post_id, kind, account_id, name)."""
    return select(
        post_id.label("post_id"),
        literal(kind).label("kind"),
        (account_id if account_id is not None else cast(null(), Id)).label("account_id"),
        (name if name is not None else cast(null(), String)).label("name"),
    )


# Mentions, tags and (for a signed-in viewer) the viewer's marks in one round trip.
_MENTION_ARM = _satellite("mention", mentions.c.post_id, account_id=mentions.c.account_id).where(
    mentions.c.post_id.in_(_IDS)
)
_TAG_ARM = (
    _satellite("tag", post_tags.c.post_id, name=tags.c.name)
    .join_from(post_tags, tags, tags.c.id == post_tags.c.tag_id)
    .where(post_tags.c.post_id.in_(_IDS))
)
_MARK_ARMS = [
    *(
        _satellite(kind, table.c.post_id).where(
            table.c.account_id == _VIEWER, table.c.post_id.in_(_IDS)
        )
        for kind, table in (("favourited", favourites), ("bookmarked", bookmarks), ("pinned", pins))
    ),
    _satellite("reblogged", posts.c.reblog_of_id).where(
        posts.c.account_id == _VIEWER, posts.c.reblog_of_id.in_(_IDS)
    ),
    _satellite("muted", posts.c.id).where(
        posts.c.id.in_(_IDS),
        exists().where(
            conversation_mutes.c.account_id == _VIEWER,
            conversation_mutes.c.conversation_id
            == func.coalesce(posts.c.conversation_id, posts.c.id),
        ),
    ),
]
# The viewer's poll choices: (post_id, "vote", NULL, choice as text).
_VOTE_ARM = (
    _satellite("vote", polls.c.post_id, name=cast(poll_votes.c.choice, String))
    .join_from(poll_votes, polls, polls.c.id == poll_votes.c.poll_id)
    .where(poll_votes.c.account_id == _VIEWER, polls.c.post_id.in_(_IDS))
)
# Which posts have a poll: their polls are read only then (most pages have none).
_POLL_ARM = _satellite("poll", polls.c.post_id).where(polls.c.post_id.in_(_IDS))
_SATELLITES_ANONYMOUS = union_all(_MENTION_ARM, _TAG_ARM, _POLL_ARM)
_SATELLITES_FOR_VIEWER = union_all(_MENTION_ARM, _TAG_ARM, _POLL_ARM, *_MARK_ARMS, _VOTE_ARM)
_POLLS = select(polls).where(polls.c.post_id.in_(_IDS))
# An account deleted by its owner takes its posts off every page at once, before its
# purge job has run (a post whose author is not found is left out).
_ACCOUNTS = select(*PUBLIC_COLUMNS).where(accounts.c.id.in_(_IDS), NOT_DELETED)
_APPLICATIONS = select(applications.c.id, applications.c.name, applications.c.website).where(
    applications.c.id.in_(_IDS)
)


def _load_posts(
    conn: Connection, viewer_id: int | None, ids: Sequence[int], *, timeline: bool
) -> list[PostRow]:
    if viewer_id is None:
        return list(conn.execute(_POSTS_ANONYMOUS, {"ids": list(ids)}))
    if timeline:
        return list(
            conn.execute(
                _POSTS_FOR_TIMELINE, {"ids": list(ids), "viewer": viewer_id, "now": utcnow()}
            )
        )
    return list(conn.execute(_POSTS_FOR_VIEWER, {"ids": list(ids), "viewer": viewer_id}))


def hydrate(
    rt: Runtime, viewer_id: int | None, ids: Sequence[int], *, timeline: bool = False
) -> list[StatusView]:
    """Visible posts among ``ids``, in the order given; hidden or deleted ones are dropped.
    ``timeline``: a timeline or stream, which also drops posts by people the viewer
    mutes, and reposts and quotes of them (a muted post stays readable by its link)."""
    if not ids:
        return []
    with rt.db.read() as conn:
        rows = {r.id: r for r in _load_posts(conn, viewer_id, ids, timeline=timeline)}
        # Two rounds: reposted and quoted posts, then the posts quoted by reposted ones
        # (a repost of a quote shows the quote in full, as the quote itself would).
        for _ in range(2):
            inner_ids = {r.reblog_of_id for r in rows.values() if r.reblog_of_id} | {
                r.quote_of_id for r in rows.values() if r.quote_of_id
            }
            inner_ids -= rows.keys()
            if not inner_ids:
                break
            for r in _load_posts(conn, viewer_id, sorted(inner_ids), timeline=timeline):
                rows[r.id] = r
        if not rows:
            return []
        all_ids = list(rows)
        marks: dict[str, set[int]] = {
            "favourited": set(),
            "reblogged": set(),
            "bookmarked": set(),
            "pinned": set(),
            "muted": set(),
        }
        mention_rows: list[tuple[int, int]] = []
        tag_rows: list[tuple[int, str]] = []
        votes: dict[int, list[int]] = {}
        with_poll: set[int] = set()
        if viewer_id is None:
            satellites = conn.execute(_SATELLITES_ANONYMOUS, {"ids": all_ids})
        else:
            satellites = conn.execute(_SATELLITES_FOR_VIEWER, {"ids": all_ids, "viewer": viewer_id})
        for post_id, kind, account_id, name in satellites:
            if kind == "mention":
                mention_rows.append((post_id, account_id))
            elif kind == "tag":
                tag_rows.append((post_id, name))
            elif kind == "vote":
                votes.setdefault(post_id, []).append(int(name))
            elif kind == "poll":
                with_poll.add(post_id)
            else:
                marks[kind].add(post_id)
        account_ids = {r.account_id for r in rows.values()} | {a for _, a in mention_rows}
        authors: dict[int, AccountRow] = {
            a.id: a for a in conn.execute(_ACCOUNTS, {"ids": list(account_ids)})
        }
        app_ids = {r.application_id for r in rows.values() if r.application_id is not None}
        apps: dict[int, Any] = {}
        if app_ids:
            apps = {a.id: a for a in conn.execute(_APPLICATIONS, {"ids": list(app_ids)})}
        media = attachments_of(conn, all_ids)
        poll_rows: dict[int, Any] = {}
        if with_poll:
            poll_rows = {p.post_id: p for p in conn.execute(_POLLS, {"ids": sorted(with_poll)})}
    mentions_by_post: dict[int, list[AccountRow]] = {}
    for post_id, account_id in mention_rows:
        if account_id in authors:
            mentions_by_post.setdefault(post_id, []).append(authors[account_id])
    tags_by_post: dict[int, list[str]] = {}
    for post_id, name in sorted(tag_rows):
        tags_by_post.setdefault(post_id, []).append(name)

    def view(post_id: int, *, quoted: bool = False) -> StatusView | None:
        """``quoted``: shown inside a quote, where Mastodon nests no further."""
        row = rows.get(post_id)
        if row is None or row.account_id not in authors:
            return None
        result = StatusView(
            post=row,
            account=authors[row.account_id],
            mentions=mentions_by_post.get(post_id, []),
            tags=tags_by_post.get(post_id, []),
            media=media.get(post_id, []),
            favourited=post_id in marks["favourited"],
            reblogged=post_id in marks["reblogged"],
            bookmarked=post_id in marks["bookmarked"],
            pinned=post_id in marks["pinned"],
            muted=post_id in marks["muted"],
            application=apps.get(row.application_id),
            viewer_id=viewer_id,
        )
        if post_id in poll_rows:
            own = sorted(votes.get(post_id, [])) if viewer_id is not None else None
            result.poll = PollView(poll_rows[post_id], own, viewer_id)
        if row.reblog_of_id is not None:
            result.reblog = view(row.reblog_of_id, quoted=quoted)
            if result.reblog is None:
                return None  # a repost of something this viewer cannot see
        if row.quote_of_id is not None and not quoted:
            result.quote = view(row.quote_of_id, quoted=True)
        return result

    return [v for v in (view(i) for i in ids) if v is not None]
