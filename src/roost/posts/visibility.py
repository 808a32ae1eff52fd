"""Who may see a post: the one rule every read of posts applies.

Public and unlisted posts are visible to everyone; followers-only ("private")
posts to the author, their followers and the people mentioned; direct posts to
the author and the people mentioned. A post addressed to a circle (stored as
"private" with ``circle_id``, so Mastodon clients call it followers-only) is
visible to its author and the circle's current members (and owner) only: not to followers,
not to mentioned non-members, not to anyone once the circle is deleted (a deleted
circle has no members). Unlisted posts stay out of the public and
hashtag timelines (``listed_clause``); which visible posts belong in a home
timeline is ``home_clause`` (and ``shown_in_home`` for fan-out). Blocks and
mutes extend these functions and nothing else: ``blocked_clause`` hides posts
across a block either way, ``muted_clause`` marks posts that timelines leave out.

Moderation is part of the rule too: a suspended author's posts are visible to nobody,
and a limited ("silenced") author's only to the author and their followers, so they
leave the public and hashtag timelines, search and every stranger's view at once,
and come back as they were when the moderator lifts the limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, or_, select

from roost.accounts.queries import limited_accounts as limited_accounts
from roost.accounts.queries import suspended_accounts as suspended_accounts
from roost.circles.models import circle_members, circles
from roost.errors import NotFound
from roost.graph.models import blocks, follows, mutes
from roost.posts.models import mentions, posts


def visible_clause(
    viewer_id: int | ColumnElement[int] | None, table: Any = posts
) -> ColumnElement[bool]:
    """``viewer_id`` may be a bound parameter, for statements built once (``hydrate``)."""
    public: ColumnElement[bool] = table.c.visibility.in_(("public", "unlisted"))
    # Uncorrelated, so each is read once per statement (through its index), not per post.
    not_suspended = table.c.account_id.not_in(suspended_accounts())
    not_limited = table.c.account_id.not_in(limited_accounts())
    if viewer_id is None:
        return and_(public, not_suspended, not_limited)
    mentioned = exists(
        select(mentions.c.post_id).where(
            mentions.c.post_id == table.c.id, mentions.c.account_id == viewer_id
        )
    )
    follower = exists(
        select(follows.c.id).where(
            follows.c.account_id == viewer_id, follows.c.target_account_id == table.c.account_id
        )
    )
    no_circle = table.c.circle_id.is_(None)
    return and_(
        ~blocked_clause(viewer_id, table.c.account_id),
        not_suspended,
        or_(not_limited, table.c.account_id == viewer_id, follower),
        or_(
            public,
            table.c.account_id == viewer_id,
            and_(table.c.visibility == "private", no_circle, follower),
            and_(no_circle, mentioned),
            and_(~no_circle, circle_member_clause(viewer_id, table)),
        ),
    )


def circle_member_clause(
    viewer_id: int | ColumnElement[int], table: Any = posts
) -> ColumnElement[bool]:
    """Whether the viewer is in the post's circle: a current member, or its owner (who
    sees the replies members write in it)."""
    return or_(
        exists(
            select(circle_members.c.id).where(
                circle_members.c.circle_id == table.c.circle_id,
                circle_members.c.account_id == viewer_id,
            )
        ),
        exists(
            select(circles.c.id).where(
                circles.c.id == table.c.circle_id, circles.c.account_id == viewer_id
            )
        ),
    )


def in_circles_clause(viewer_id: int, table: Any = posts) -> ColumnElement[bool]:
    """Posts addressed to a circle the viewer is in (or owns): besides the posts of the
    people the viewer follows, these belong in their home timeline (a member need not
    follow the author), as fan-out delivers them (``circle_audience``)."""
    member_of = select(circle_members.c.circle_id).where(circle_members.c.account_id == viewer_id)
    owned = select(circles.c.id).where(circles.c.account_id == viewer_id)
    in_circles: ColumnElement[bool] = or_(
        table.c.circle_id.in_(member_of), table.c.circle_id.in_(owned)
    )
    return in_circles


def blocked_clause(viewer_id: int | ColumnElement[int], other_id: Any) -> ColumnElement[bool]:
    """Whether a block stands between the viewer and another account, either way: a
    viewer never sees posts by those they block nor by those who block them."""
    return exists(
        select(blocks.c.id).where(
            or_(
                and_(blocks.c.account_id == viewer_id, blocks.c.target_account_id == other_id),
                and_(blocks.c.account_id == other_id, blocks.c.target_account_id == viewer_id),
            )
        )
    )


def muted_clause(
    viewer_id: int | ColumnElement[int], now: datetime | ColumnElement[datetime], table: Any = posts
) -> ColumnElement[bool]:
    """Posts by accounts the viewer mutes (a mute not yet expired at ``now``). Timelines
    and streams leave them out at read time, with reposts of them (``hydrate``); a
    muted person's post stays visible by link and on their profile, as in Mastodon."""
    return exists(
        select(mutes.c.id).where(
            mutes.c.account_id == viewer_id,
            mutes.c.target_account_id == table.c.account_id,
            or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > now),
        )
    )


def listed_clause(table: Any = posts) -> ColumnElement[bool]:
    """Posts that belong in public and hashtag timelines (and trends): not by suspended
    or limited authors, whoever reads (Mastodon's public feed too leaves out limited
    accounts even for their followers, who still get them in their homes)."""
    return and_(
        table.c.visibility == "public",
        table.c.account_id.not_in(suspended_accounts()),
        table.c.account_id.not_in(limited_accounts()),
    )


def home_clause(viewer_id: int, table: Any = posts) -> ColumnElement[bool]:
    """Which visible posts by followed accounts belong in the viewer's home timeline, as
    Mastodon filters it: a reply only when it answers its own author, the viewer, or
    someone the viewer follows (a conversation with strangers stays out of the feed).
    The viewer's own posts always belong. Direct posts need no rule here: the visible
    ones are the viewer's own and those mentioning the viewer, which Mastodon delivers
    to mentioned followers. ``shown_in_home`` is the same rule for fan-out."""
    followed = select(follows.c.target_account_id).where(follows.c.account_id == viewer_id)
    return or_(
        table.c.account_id == viewer_id,
        table.c.in_reply_to_account_id.is_(None),
        table.c.in_reply_to_account_id == table.c.account_id,
        table.c.in_reply_to_account_id == viewer_id,
        table.c.in_reply_to_account_id.in_(followed),
    )


def shown_in_home(
    recipient_id: int,
    author_id: int,
    in_reply_to_account_id: int | None,
    follows_replied_to: bool,
) -> bool:
    """``home_clause``'s reply rule for one recipient of a fan-out."""
    return (
        recipient_id == author_id
        or in_reply_to_account_id is None
        or in_reply_to_account_id in (author_id, recipient_id)
        or follows_replied_to
    )


def reaches_followers(visibility: str, circle_id: int | None) -> bool:
    """Whether all followers get the post in their home timelines (of a direct post,
    only the followers it mentions do; of a circle post, none but its members do)."""
    return circle_id is None and visibility in ("public", "unlisted", "private")


def access_visible_post(conn: Connection, post_id: int, viewer_id: int) -> Any:
    """The post row, read inside the caller's transaction, if the viewer may see it."""
    row = conn.execute(
        select(posts).where(posts.c.id == post_id, visible_clause(viewer_id))
    ).first()
    if row is None:
        raise NotFound("Record not found")
    return row
