"""What a stored timeline is — home or a list — and how it is rebuilt from the
database when it is missing (the store is a cache, never the only copy). The jobs
that keep stored timelines right are in ``roost.timelines.actions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, or_, select

from roost.graph.queries import following_ids
from roost.ids import min_id_for
from roost.lists.queries import ListInfo, exclusive_member_ids, list_clause, list_member_ids
from roost.posts.models import posts
from roost.posts.queries import recent_post_ids
from roost.posts.visibility import home_clause, in_circles_clause, visible_clause
from roost.runtime import Runtime
from roost.store.schema import utcnow

# Longer than any post's wait between taking its ID and committing.
REBUILD_OVERLAP = timedelta(minutes=1)


# Hysteresis of the hybrid fan-out. An account above ``fanout_max_followers`` is not
# fanned out: its posts are merged into its followers' homes when read. Reads go on
# merging it until it falls to ``merge_floor`` (a tenth lower), so an account hovering
# at the threshold costs nothing; when it falls to the floor its followers' stored homes
# are dropped, to be rebuilt from the database with the posts it made while above
# (``timelines.actions.handle_purge``). Without this, those posts vanished from homes.
MERGE_MARGIN = 0.1


def merge_floor(threshold: int) -> int:
    """Accounts with more followers than this are merged into homes at read time."""
    return max(min(int(threshold * (1 - MERGE_MARGIN)), threshold - 1), 0)


def home_key(account_id: int) -> str:
    return f"home:{account_id}"


def list_key(list_id: int) -> str:
    return f"list:{list_id}"


@dataclass(frozen=True)
class Feed:
    """A stored timeline, as its rebuild sees it: the key, whose view it is, whose posts
    feed it, and which of their visible posts belong. Home and lists are two of these,
    so one rebuild (and one read, ``timelines.queries.read_feed``) serves both."""

    key: str
    viewer_id: int
    sources: list[int]
    belongs: ColumnElement[bool]
    # Posts it holds whoever wrote them: home's circle posts (``in_circles_clause``).
    also: ColumnElement[bool] | None = None


def home_feed(rt: Runtime, account_id: int) -> Feed:
    """One's own posts and those of the people one follows, except the members of one's
    exclusive lists (they are read in those lists)."""
    hidden = exclusive_member_ids(rt, account_id)
    followed = [a for a in following_ids(rt, account_id) if a not in hidden]
    return Feed(
        home_key(account_id),
        account_id,
        [account_id, *followed],
        home_clause(account_id),
        also=in_circles_clause(account_id),
    )


def list_feed(rt: Runtime, info: ListInfo) -> Feed:
    return Feed(list_key(info.id), info.account_id, list_member_ids(rt, info.id), list_clause(info))


def rebuild(rt: Runtime, feed: Feed) -> None:
    """Materialises a stored timeline from the database: the cache is never the only copy.

    A post committed while this runs may have had its fan-out skip the timeline
    (still missing then) after our read: so once the timeline exists, the posts
    of the last ``REBUILD_OVERLAP`` are read again and added (adding is idempotent).
    """
    started = utcnow()
    ids = recent_post_ids(
        rt,
        feed.sources,
        limit=rt.timelines.cap,
        viewer_id=feed.viewer_id,
        belongs=feed.belongs,
        also=feed.also,
    )
    rt.timelines.replace(feed.key, ids)
    if not feed.sources and feed.also is None:
        return
    source = posts.c.account_id.in_(feed.sources)
    with rt.db.read() as conn:
        late = list(
            conn.scalars(
                select(posts.c.id).where(
                    source if feed.also is None else or_(source, feed.also),
                    posts.c.id >= min_id_for(started - REBUILD_OVERLAP),
                    visible_clause(feed.viewer_id),
                    feed.belongs,
                )
            )
        )
    rt.timelines.add_many(feed.key, set(late) - set(ids))


def rebuild_home(rt: Runtime, account_id: int) -> None:
    rebuild(rt, home_feed(rt, account_id))
