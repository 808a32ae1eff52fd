"""Reads of posts. Every read goes through ``visible_clause`` and ends in
``hydrate``, which loads a page of posts with their authors, reposted and quoted
posts, mentions, tags and the viewer's marks in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, func, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS, AccountRow, get_accounts
from roost.errors import NotFound
from roost.oauth.models import applications
from roost.paging import Page, paginate
from roost.posts.models import bookmarks, favourites, mentions, pins, post_tags, posts, tags
from roost.posts.visibility import listed_clause, visible_clause
from roost.runtime import Runtime

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
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    pinned: bool = False
    application: Any = None  # (name, website) of the client that posted it
    viewer_id: int | None = None  # whose marks these are; None for an anonymous viewer


def hydrate(rt: Runtime, viewer_id: int | None, ids: Sequence[int]) -> list[StatusView]:
    """Visible posts among ``ids``, in the order given; hidden or deleted ones are dropped."""
    if not ids:
        return []
    with rt.db.read() as conn:
        rows = {
            r.id: r
            for r in conn.execute(
                select(posts).where(posts.c.id.in_(list(ids)), visible_clause(viewer_id))
            )
        }
        # Two rounds: reposted and quoted posts, then the posts quoted by reposted ones
        # (a repost of a quote shows the quote in full, as the quote itself would).
        for _ in range(2):
            inner_ids = {r.reblog_of_id for r in rows.values() if r.reblog_of_id} | {
                r.quote_of_id for r in rows.values() if r.quote_of_id
            }
            inner_ids -= rows.keys()
            if not inner_ids:
                break
            for r in conn.execute(
                select(posts).where(posts.c.id.in_(inner_ids), visible_clause(viewer_id))
            ):
                rows[r.id] = r
        all_ids = list(rows)
        mention_rows = conn.execute(
            select(mentions.c.post_id, mentions.c.account_id).where(mentions.c.post_id.in_(all_ids))
        ).all()
        tag_rows = conn.execute(
            select(post_tags.c.post_id, tags.c.name)
            .join(tags, tags.c.id == post_tags.c.tag_id)
            .where(post_tags.c.post_id.in_(all_ids))
        ).all()
        marks: dict[str, set[int]] = {
            "favourited": set(),
            "reblogged": set(),
            "bookmarked": set(),
            "pinned": set(),
        }
        if viewer_id is not None:
            for name, table in (
                ("favourited", favourites),
                ("bookmarked", bookmarks),
                ("pinned", pins),
            ):
                marks[name] = set(
                    conn.scalars(
                        select(table.c.post_id).where(
                            table.c.account_id == viewer_id, table.c.post_id.in_(all_ids)
                        )
                    )
                )
            marks["reblogged"] = set(
                conn.scalars(
                    select(posts.c.reblog_of_id).where(
                        posts.c.account_id == viewer_id, posts.c.reblog_of_id.in_(all_ids)
                    )
                )
            )
        app_ids = {r.application_id for r in rows.values() if r.application_id is not None}
        apps: dict[int, Any] = (
            {
                a.id: a
                for a in conn.execute(
                    select(applications.c.id, applications.c.name, applications.c.website).where(
                        applications.c.id.in_(app_ids)
                    )
                )
            }
            if app_ids
            else {}
        )
    authors = get_accounts(
        rt, {r.account_id for r in rows.values()} | {m.account_id for m in mention_rows}
    )
    mentions_by_post: dict[int, list[AccountRow]] = {}
    for m in mention_rows:
        if m.account_id in authors:
            mentions_by_post.setdefault(m.post_id, []).append(authors[m.account_id])
    tags_by_post: dict[int, list[str]] = {}
    for t in tag_rows:
        tags_by_post.setdefault(t.post_id, []).append(t.name)

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
            favourited=post_id in marks["favourited"],
            reblogged=post_id in marks["reblogged"],
            bookmarked=post_id in marks["bookmarked"],
            pinned=post_id in marks["pinned"],
            application=apps.get(row.application_id),
            viewer_id=viewer_id,
        )
        if row.reblog_of_id is not None:
            result.reblog = view(row.reblog_of_id, quoted=quoted)
            if result.reblog is None:
                return None  # a repost of something this viewer cannot see
        if row.quote_of_id is not None and not quoted:
            result.quote = view(row.quote_of_id, quoted=True)
        return result

    return [v for v in (view(i) for i in ids) if v is not None]


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
) -> list[StatusView]:
    if only_media:
        return []  # media attachments arrive with a later issue; no post has any yet
    if pinned:
        query = (
            select(pins.c.post_id)
            .join(posts, posts.c.id == pins.c.post_id)
            .where(pins.c.account_id == account_id, visible_clause(viewer_id))
        )
        return hydrate(rt, viewer_id, page_ids(rt, query, pins.c.post_id, page))
    query = select(posts.c.id).where(posts.c.account_id == account_id, visible_clause(viewer_id))
    if exclude_replies:
        # Mastodon keeps self-replies (threads) when excluding replies.
        query = query.where(
            (posts.c.in_reply_to_id.is_(None)) | (posts.c.in_reply_to_account_id == account_id)
        )
    if exclude_reblogs:
        query = query.where(posts.c.reblog_of_id.is_(None))
    if tagged:
        query = query.where(
            posts.c.id.in_(
                select(post_tags.c.post_id)
                .join(tags, tags.c.id == post_tags.c.tag_id)
                .where(func.lower(tags.c.name) == tagged.lower())
            )
        )
    return hydrate(rt, viewer_id, page_ids(rt, query, posts.c.id, page))


def public_statuses(rt: Runtime, viewer_id: int | None, page: Page) -> list[StatusView]:
    query = select(posts.c.id).where(listed_clause(), posts.c.reblog_of_id.is_(None))
    return hydrate(rt, viewer_id, page_ids(rt, query, posts.c.id, page))


def tag_statuses(rt: Runtime, viewer_id: int | None, tag: str, page: Page) -> list[StatusView]:
    tag_id = get_tag_id(rt, tag)
    if tag_id is None:
        return []
    query = (
        select(post_tags.c.post_id)
        .join(posts, posts.c.id == post_tags.c.post_id)
        .where(post_tags.c.tag_id == tag_id, listed_clause())
    )
    return hydrate(rt, viewer_id, page_ids(rt, query, post_tags.c.post_id, page))


def get_tag_id(rt: Runtime, name: str) -> int | None:
    with rt.db.read() as conn:
        return conn.scalar(select(tags.c.id).where(func.lower(tags.c.name) == name.lower()))


def get_tag_name(rt: Runtime, name: str) -> str | None:
    with rt.db.read() as conn:
        return conn.scalar(select(tags.c.name).where(func.lower(tags.c.name) == name.lower()))


@dataclass
class Context:
    ancestors: list[StatusView]
    descendants: list[StatusView]


def get_context(rt: Runtime, viewer_id: int | None, post_id: int) -> Context:
    """The thread around a post: its ancestors up to the root, and every visible reply below it."""
    get_status(rt, viewer_id, post_id)
    ancestors: list[int] = []
    with rt.db.read() as conn:
        current = conn.scalar(select(posts.c.in_reply_to_id).where(posts.c.id == post_id))
        while current is not None and len(ancestors) < 200:
            ancestors.append(current)
            current = conn.scalar(select(posts.c.in_reply_to_id).where(posts.c.id == current))
        descendants: list[int] = []
        frontier = [post_id]
        while frontier and len(descendants) < 4000:
            children = list(
                conn.scalars(
                    select(posts.c.id)
                    .where(posts.c.in_reply_to_id.in_(frontier))
                    .order_by(posts.c.id)
                )
            )
            descendants.extend(children)
            frontier = children
    # Visible ancestors oldest first; descendants in thread (depth-first) order.
    ancestor_views = hydrate(rt, viewer_id, list(reversed(ancestors)))
    descendant_views = hydrate(rt, viewer_id, sorted(descendants))
    return Context(ancestor_views, _thread_order(post_id, descendant_views))


def _thread_order(root: int, views: list[StatusView]) -> list[StatusView]:
    children: dict[int, list[StatusView]] = {}
    for v in views:
        children.setdefault(v.post.in_reply_to_id, []).append(v)
    ordered: list[StatusView] = []

    def walk(parent: int) -> None:
        for child in children.get(parent, []):
            ordered.append(child)
            walk(child.post.id)

    walk(root)
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
    return _accounts_page(rt, query, favourites.c.id, page)


def reblogged_by(
    rt: Runtime, viewer_id: int | None, post_id: int, page: Page
) -> list[tuple[int, AccountRow]]:
    get_status(rt, viewer_id, post_id)
    query = (
        select(posts.c.id.label("cursor"), *PUBLIC_COLUMNS)
        .join(accounts, accounts.c.id == posts.c.account_id)
        .where(posts.c.reblog_of_id == post_id)
    )
    return _accounts_page(rt, query, posts.c.id, page)


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


def post_author(rt: Runtime, post_id: int) -> int | None:
    with rt.db.read() as conn:
        return conn.scalar(select(posts.c.account_id).where(posts.c.id == post_id))


def recent_post_ids(
    rt: Runtime, account_ids: Sequence[int], *, limit: int, viewer_id: int
) -> list[int]:
    """The newest posts by these accounts that the viewer may see (timeline rebuilds, merges)."""
    if not account_ids:
        return []
    with rt.db.read() as conn:
        return list(
            conn.scalars(
                select(posts.c.id)
                .where(
                    posts.c.account_id.in_(list(account_ids)),
                    visible_clause(viewer_id),
                    posts.c.visibility != "direct",
                )
                .order_by(posts.c.id.desc())
                .limit(limit)
            )
        )
