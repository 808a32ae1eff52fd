"""What a stored timeline is — home or a list — how it is read, and how it is rebuilt
from the database when it is missing (the store is a cache, never the only copy).
Reading one is not a pure query: it may rebuild it (single flight) and marks the
reader of a home active, so these reads live here, beside the rebuild, and
``roost.timelines.queries`` keeps the database reads that change nothing. The jobs
that keep stored timelines right are in ``roost.timelines.actions``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, or_, select

from roost.accounts.actions import do_touch_active
from roost.graph.queries import (
    FOLLOWED_HEAVY_CACHE,
    followed_heavy_accounts,
    following_ids,
    heavy_accounts,
)
from roost.ids import min_id_for
from roost.lists.queries import (
    ListInfo,
    access_list,
    exclusive_member_ids,
    list_clause,
    list_member_ids,
)
from roost.paging import Page
from roost.posts.models import posts
from roost.posts.queries import StatusView, hydrate, recent_post_ids
from roost.posts.visibility import home_clause, in_circles_clause, visible_clause
from roost.runtime import Runtime
from roost.store.caches import account_tag
from roost.store.db import is_unavailable
from roost.store.schema import utcnow
from roost.tags.queries import followed_tag_ids, followed_tags_clause
from roost.timelines.queries import feed_page_from_database, merge_heavy

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
    so one rebuild (and one read, ``read_feed``) serves both."""

    key: str
    viewer_id: int
    sources: list[int]
    belongs: ColumnElement[bool]
    # Posts it holds whoever wrote them: home's circle posts (``in_circles_clause``).
    also: ColumnElement[bool] | None = None


def home_feed(rt: Runtime, account_id: int) -> Feed:
    """One's own posts and those of the people one follows, except the members of one's
    exclusive lists (they are read in those lists); and the public posts of the
    hashtags one follows (whoever wrote them, as fan-out delivers them)."""
    hidden = exclusive_member_ids(rt, account_id)
    followed = [a for a in following_ids(rt, account_id) if a not in hidden]
    also = in_circles_clause(account_id)
    tag_ids = followed_tag_ids(rt, account_id)
    if tag_ids:
        also = or_(also, followed_tags_clause(tag_ids))
    return Feed(
        home_key(account_id),
        account_id,
        [account_id, *followed],
        home_clause(account_id),
        also=also,
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


# -- reading: through the store, rebuilt when missing ------------------------------


def home_timeline(rt: Runtime, viewer_id: int, page: Page) -> list[StatusView]:
    # Hydration may drop entries (deleted, or no longer visible): the page can run short,
    # which Mastodon clients handle by following the Link header.
    return hydrate(rt, viewer_id, home_page_ids(rt, viewer_id, page), timeline=True)


def home_page_ids(rt: Runtime, viewer_id: int, page: Page) -> list[int]:
    """The page's entries before hydration, newest first: the API pages by these, so a
    page whose every entry was dropped still links to the next one."""
    if do_touch_active(rt, viewer_id):
        rebuild_home(rt, viewer_id)  # back after a long absence: fan-out skipped this account
    ids = read_feed(rt, home_key(viewer_id), lambda: home_feed(rt, viewer_id), page)
    heavy = merged_accounts(rt, viewer_id)
    if heavy:
        ids = merge_heavy(rt, viewer_id, list(heavy), ids, page)
    return ids


@dataclass(frozen=True)
class _Merged:
    heavy: frozenset[int]  # the very large accounts when this was worked out
    merged: tuple[int, ...]


MERGED_CACHE_SIZE = 20_000
MERGED_CACHE_SECONDS = 300.0


def merged_accounts(rt: Runtime, viewer_id: int) -> tuple[int, ...]:
    """The very large accounts whose posts a home read merges in: those the viewer
    follows, less the members of their exclusive lists. Remembered per viewer by
    this process, forgotten in every process when the viewer follows, unfollows or
    changes an exclusive list; worked out again when the set of very large accounts
    changes (an account crossing the threshold, or falling below its margin)."""
    threshold = merge_floor(rt.settings.fanout_max_followers)
    heavy = heavy_accounts(rt, threshold)
    if not heavy:
        return ()
    cache = rt.caches.cache(
        FOLLOWED_HEAVY_CACHE, _Merged, size=MERGED_CACHE_SIZE, ttl=MERGED_CACHE_SECONDS
    )
    found = cache.get(viewer_id)
    if found is not None and found.heavy == heavy:
        return found.merged
    generation = cache.generation
    merged = tuple(followed_heavy_accounts(rt, viewer_id, threshold))
    if merged:
        hidden = exclusive_member_ids(rt, viewer_id)
        merged = tuple(a for a in merged if a not in hidden)
    cache.put(viewer_id, _Merged(heavy, merged), [account_tag(viewer_id)], generation=generation)
    return merged


def list_timeline(rt: Runtime, viewer_id: int, list_id: int, page: Page) -> list[StatusView]:
    return hydrate(rt, viewer_id, list_page_ids(rt, viewer_id, list_id, page), timeline=True)


def list_page_ids(rt: Runtime, viewer_id: int, list_id: int, page: Page) -> list[int]:
    """A page of one of the viewer's lists (someone else's list is not found)."""
    info = access_list(rt, viewer_id, list_id)
    return read_feed(rt, list_key(list_id), lambda: list_feed(rt, info), page)


def read_feed(rt: Runtime, key: str, feed: Callable[[], Feed], page: Page) -> list[int]:
    """A page of a stored timeline, rebuilt first if the store lost it (``feed`` is
    worked out only then: it reads the follow graph)."""

    def read() -> list[int] | None:
        return rt.timelines.page(
            key, max_id=page.max_id, since_id=page.since_id, min_id=page.min_id, limit=page.limit
        )

    try:
        ids = read()
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        # The store (Redis) is down: the database has every post, so read it there.
        return database_page(rt, feed(), page)
    if ids is not None:
        return ids
    # Single flight: the readers of this process that find the timeline missing wait for
    # the first one's rebuild (a second rebuild of the same timeline is wasted work).
    with _REBUILD_LOCKS[hash(key) % len(_REBUILD_LOCKS)]:
        ids = read()
        if ids is not None:
            return ids
        with rt.timelines.rebuilding(key) as mine:
            if not mine:  # another process rebuilds it: read the database meanwhile
                return database_page(rt, feed(), page)
            rebuild(rt, feed())
    return read() or []


# Striped, so that the locks are bounded however many timelines are read.
_REBUILD_LOCKS = [threading.Lock() for _ in range(64)]


def database_page(rt: Runtime, feed: Feed, page: Page) -> list[int]:
    return feed_page_from_database(rt, feed.viewer_id, feed.sources, feed.belongs, feed.also, page)
