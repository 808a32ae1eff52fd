"""Reading timelines. Home and list timelines come from the timeline store, rebuilt
when missing (``read_feed``), home with posts of very large accounts (never fanned
out) merged in at read time; every other timeline is a query (see
``roost.posts.queries``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import or_, select

from roost.accounts.actions import do_touch_active
from roost.graph.queries import followed_heavy_accounts
from roost.lists.queries import access_list, exclusive_member_ids
from roost.paging import Page, paginate
from roost.posts.models import posts
from roost.posts.queries import StatusView, hydrate
from roost.posts.visibility import home_clause, visible_clause
from roost.runtime import Runtime
from roost.timelines.feeds import (
    Feed,
    home_feed,
    home_key,
    list_feed,
    list_key,
    merge_floor,
    rebuild,
    rebuild_home,
)


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
    heavy = followed_heavy_accounts(rt, viewer_id, merge_floor(rt.settings.fanout_max_followers))
    if heavy:
        hidden = exclusive_member_ids(rt, viewer_id)
        heavy = [a for a in heavy if a not in hidden]
    if heavy:
        ids = _merge_heavy(rt, viewer_id, heavy, ids, page)
    return ids


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

    ids = read()
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
                return _feed_page(rt, feed(), page)
            rebuild(rt, feed())
    return read() or []


# Striped, so that the locks are bounded however many timelines are read.
_REBUILD_LOCKS = [threading.Lock() for _ in range(64)]


def _feed_page(rt: Runtime, feed: Feed, page: Page) -> list[int]:
    """The page a stored timeline would give, read from the database (as its rebuild)."""
    source = posts.c.account_id.in_(feed.sources)
    query = select(posts.c.id).where(
        source if feed.also is None else or_(source, feed.also),
        visible_clause(feed.viewer_id),
        feed.belongs,
    )
    with rt.db.read() as conn:
        ids = list(conn.scalars(paginate(query, posts.c.id, page)))
    return sorted(ids, reverse=True)


def _merge_heavy(
    rt: Runtime, viewer_id: int, heavy: list[int], ids: list[int], page: Page
) -> list[int]:
    query = select(posts.c.id).where(
        posts.c.account_id.in_(heavy), visible_clause(viewer_id), home_clause(viewer_id)
    )
    with rt.db.read() as conn:
        extra = list(conn.scalars(paginate(query, posts.c.id, page)))
    merged = sorted(set(ids) | set(extra), reverse=True)
    if page.min_id is not None:
        return sorted(merged)[: page.limit][::-1]
    return merged[: page.limit]
