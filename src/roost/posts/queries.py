"""Reads of posts. Every read goes through ``visible_clause`` and ends in
``hydrate`` (``roost.posts.hydration``), which loads a page of posts with their
authors, reposted and quoted posts, mentions, tags and the viewer's marks in a
fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal, or_, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS, AccountRow
from roost.errors import NotFound
from roost.media.queries import has_media_clause
from roost.paging import Page, paginate
from roost.posts.hydration import PostRow as PostRow
from roost.posts.hydration import StatusView as StatusView
from roost.posts.hydration import hydrate as hydrate
from roost.posts.models import bookmarks, favourites, pins, post_tags, posts, tags
from roost.posts.visibility import blocked_clause, home_clause, listed_clause, visible_clause
from roost.runtime import Runtime
from roost.text import is_hashtag


def get_status(rt: Runtime, viewer_id: int | None, post_id: int) -> StatusView:
    found = hydrate(rt, viewer_id, [post_id])
    if not found:
        raise NotFound("Record not found")
    return found[0]


def page_ids(rt: Runtime, query: Select[Any], column: Any, page: Page) -> list[int]:
    """Applies a Page to a query selecting one ID column; newest first."""
    with rt.db.read() as conn:
        ids = list(conn.scalars(paginate(query, column, page)))
    return sorted(ids, reverse=True)


def account_statuses(
    rt: Runtime,
    viewer_id: int | None,
    account_id: int,
    page: Page,
    *,
    exclude_replies: bool = False,
    exclude_reblogs: bool = False,
    only_media: bool = False,
    pinned: bool = False,
    tagged: str | None = None,
    lean: bool = False,
) -> list[StatusView]:
    """``lean``: see ``hydrate`` (the API's pages, assembled from cached pieces)."""
    if pinned:
        query = (
            select(pins.c.post_id)
            .join(posts, posts.c.id == pins.c.post_id)
            .where(pins.c.account_id == account_id, visible_clause(viewer_id))
        )
        return hydrate(rt, viewer_id, page_ids(rt, query, pins.c.post_id, page), lean=lean)
    query = select(posts.c.id).where(posts.c.account_id == account_id, visible_clause(viewer_id))
    if exclude_replies:
        # Mastodon keeps self-replies (threads) when excluding replies.
        query = query.where(
            (posts.c.in_reply_to_id.is_(None)) | (posts.c.in_reply_to_account_id == account_id)
        )
    if exclude_reblogs:
        query = query.where(posts.c.reblog_of_id.is_(None))
    if only_media:
        query = query.where(has_media_clause(posts.c.id))
    if tagged:
        query = query.where(
            posts.c.id.in_(
                select(post_tags.c.post_id)
                .join(tags, tags.c.id == post_tags.c.tag_id)
                .where(func.lower(tags.c.name) == tagged.lower())
            )
        )
    return hydrate(rt, viewer_id, page_ids(rt, query, posts.c.id, page), lean=lean)


def public_statuses(
    rt: Runtime,
    viewer_id: int | None,
    page: Page,
    *,
    only_media: bool = False,
    lean: bool = False,
) -> list[StatusView]:
    query = select(posts.c.id).where(listed_clause(), posts.c.reblog_of_id.is_(None))
    if only_media:
        query = query.where(has_media_clause(posts.c.id))
    ids = page_ids(rt, query, posts.c.id, page)
    return hydrate(rt, viewer_id, ids, timeline=True, lean=lean)


def tag_statuses(
    rt: Runtime,
    viewer_id: int | None,
    tag: str,
    page: Page,
    *,
    any_of: Sequence[str] = (),
    all_of: Sequence[str] = (),
    none_of: Sequence[str] = (),
    only_media: bool = False,
    lean: bool = False,
) -> list[StatusView]:
    """Public posts tagged ``tag`` or any of ``any_of``, with every tag in ``all_of``
    and none in ``none_of`` (Mastodon's ``any[]``, ``all[]``, ``none[]``)."""
    wanted = _tag_ids_named(rt, [tag, *any_of])
    required = _tag_ids_named(rt, all_of)
    if not wanted or len(required) < len({t.lower() for t in all_of}):
        return []
    query = (
        select(post_tags.c.post_id)
        .join(posts, posts.c.id == post_tags.c.post_id)
        .where(post_tags.c.tag_id.in_(wanted), listed_clause())
    )
    if len(wanted) > 1:  # a post with two of the wanted tags would come twice
        query = query.distinct()
    for tag_id in required:
        query = query.where(_has_tag(tag_id))
    excluded = _tag_ids_named(rt, none_of)
    if excluded:
        query = query.where(~_has_tag(*excluded))
    if only_media:
        query = query.where(has_media_clause(posts.c.id))
    ids = page_ids(rt, query, post_tags.c.post_id, page)
    return hydrate(rt, viewer_id, ids, timeline=True, lean=lean)


def _has_tag(*tag_ids: int) -> Any:
    other = post_tags.alias()  # aliased, or it would correlate with the outer post_tags
    return exists().where(other.c.post_id == posts.c.id, other.c.tag_id.in_(tag_ids))


def _tag_ids_named(rt: Runtime, names: Sequence[str]) -> list[int]:
    lowered = sorted({n.lower() for n in names if is_hashtag(n)})
    if not lowered:
        return []
    with rt.db.read() as conn:
        return list(conn.scalars(select(tags.c.id).where(func.lower(tags.c.name).in_(lowered))))


def get_tag_name(rt: Runtime, name: str) -> str | None:
    if not is_hashtag(name):
        return None
    with rt.db.read() as conn:
        return conn.scalar(select(tags.c.name).where(func.lower(tags.c.name) == name.lower()))


@dataclass
class Context:
    ancestors: list[StatusView]
    descendants: list[StatusView]


@dataclass(frozen=True)
class ContextBounds:
    """How far ``get_context`` walks: Mastodon's limits (ContextController), so one
    request for a huge or deep thread costs a bounded amount of work."""

    ancestors: int
    descendants: int
    depth: int


SIGNED_IN_CONTEXT = ContextBounds(ancestors=200, descendants=4096, depth=4096)
ANONYMOUS_CONTEXT = ContextBounds(ancestors=40, descendants=60, depth=20)


def get_context(rt: Runtime, viewer_id: int | None, post_id: int) -> Context:
    """The thread around a post: its ancestors up to the root, and every visible reply below it.

    Each direction is one recursive query, so a long chain costs no more round trips
    than a short one. A reply is always newer than what it answers, so neither walk
    can loop. Both walks are bounded (``ContextBounds``) inside the recursion, not
    only in what is returned: the depth is a column of each walk, and the replies
    walk is read without ordering so the database stops once it has enough rows
    (recursive queries produce rows breadth first on both backends)."""
    bounds = ANONYMOUS_CONTEXT if viewer_id is None else SIGNED_IN_CONTEXT
    get_status(rt, viewer_id, post_id)
    parent = posts.alias("parent")
    up = (
        select(posts.c.in_reply_to_id.label("id"), literal(1).label("depth"))
        .where(posts.c.id == post_id, posts.c.in_reply_to_id.is_not(None))
        .cte("ancestors", recursive=True)
    )
    up = up.union_all(
        select(parent.c.in_reply_to_id, up.c.depth + 1).where(
            parent.c.id == up.c.id,
            parent.c.in_reply_to_id.is_not(None),
            up.c.depth < bounds.ancestors,
        )
    )
    child = posts.alias("child")
    down = (
        select(posts.c.id, literal(1).label("depth"))
        .where(posts.c.in_reply_to_id == post_id)
        .cte("descendants", recursive=True)
    )
    down = down.union_all(
        select(child.c.id, down.c.depth + 1).where(
            child.c.in_reply_to_id == down.c.id, down.c.depth < bounds.depth
        )
    )
    with rt.db.read() as conn:
        ancestors = list(conn.scalars(select(up.c.id).order_by(up.c.depth.desc())))
        # Unordered under the limit, so the walk stops early; sorted here.
        descendants = sorted(conn.scalars(select(down.c.id).limit(bounds.descendants)))
    # Visible ancestors oldest first; descendants in thread (depth-first) order.
    ancestor_views = hydrate(rt, viewer_id, ancestors)
    descendant_views = hydrate(rt, viewer_id, descendants)
    return Context(ancestor_views, _thread_order(post_id, descendant_views))


def _thread_order(root: int, views: list[StatusView]) -> list[StatusView]:
    """Depth-first, oldest reply first at each level; a reply whose parent the viewer
    cannot see is left out with it. Iterative: a thread may be thousands deep."""
    children: dict[int, list[StatusView]] = {}
    for v in views:
        children.setdefault(v.post.in_reply_to_id, []).append(v)
    ordered: list[StatusView] = []
    stack = list(reversed(children.get(root, [])))
    while stack:
        view = stack.pop()
        ordered.append(view)
        stack.extend(reversed(children.get(view.post.id, [])))
    return ordered


def favourited_by(
    rt: Runtime, viewer_id: int | None, post_id: int, page: Page
) -> list[tuple[int, AccountRow]]:
    get_status(rt, viewer_id, post_id)
    query = (
        select(favourites.c.id.label("cursor"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == favourites.c.account_id)
        .where(favourites.c.post_id == post_id)
    )
    return _accounts_page(rt, _unblocked(query, viewer_id), favourites.c.id, page)


def reblogged_by(
    rt: Runtime, viewer_id: int | None, post_id: int, page: Page
) -> list[tuple[int, AccountRow]]:
    get_status(rt, viewer_id, post_id)
    query = (
        select(posts.c.id.label("cursor"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == posts.c.account_id)
        .where(posts.c.reblog_of_id == post_id)
    )
    return _accounts_page(rt, _unblocked(query, viewer_id), posts.c.id, page)


def _unblocked(query: Select[Any], viewer_id: int | None) -> Select[Any]:
    """Leaves out the accounts across a block from the viewer."""
    if viewer_id is None:
        return query
    return query.where(~blocked_clause(viewer_id, accounts.c.id))


def _accounts_page(
    rt: Runtime, query: Select[Any], column: Any, page: Page
) -> list[tuple[int, AccountRow]]:
    with rt.db.read() as conn:
        rows = conn.execute(paginate(query, column, page)).all()
    return sorted(((r.cursor, r) for r in rows), key=lambda pair: pair[0], reverse=True)


def marked_statuses(
    rt: Runtime, viewer_id: int, kind: str, page: Page
) -> list[tuple[int, StatusView]]:
    """The viewer's bookmarks or favourites, newest mark first, with the mark ID as cursor."""
    table = bookmarks if kind == "bookmarks" else favourites
    query = select(table.c.id, table.c.post_id).where(table.c.account_id == viewer_id)
    with rt.db.read() as conn:
        marks: list[Any] = sorted(
            conn.execute(paginate(query, table.c.id, page)).all(), key=lambda r: r.id, reverse=True
        )
    views = {v.post.id: v for v in hydrate(rt, viewer_id, [m.post_id for m in marks])}
    return [(m.id, views[m.post_id]) for m in marks if m.post_id in views]


def recent_post_ids(
    rt: Runtime,
    account_ids: Sequence[int],
    *,
    limit: int,
    viewer_id: int,
    belongs: ColumnElement[bool] | None = None,
    also: ColumnElement[bool] | None = None,
) -> list[int]:
    """The newest posts by these accounts that the viewer may see (timeline rebuilds,
    merges) and that belong in the timeline: ``belongs`` (home's rule unless given).
    ``also``: posts taken whoever wrote them (home's circle posts)."""
    if not account_ids and also is None:
        return []
    source = posts.c.account_id.in_(list(account_ids))
    with rt.db.read() as conn:
        return list(
            conn.scalars(
                select(posts.c.id)
                .where(
                    source if also is None else or_(source, also),
                    visible_clause(viewer_id),
                    home_clause(viewer_id) if belongs is None else belongs,
                )
                .order_by(posts.c.id.desc())
                .limit(limit)
            )
        )
