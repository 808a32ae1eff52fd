"""Search: posts (full text with operators, ``roost.search.syntax``), accounts (by name
prefix) and hashtags, and the local URL of a post, profile or tag resolved to it.

Posts are searched through the one visibility rule (``visible_clause``) plus two
of search's own: unlisted posts are found only by their author (unlisted means
"kept out of discovery"), and muted authors are left out, as timelines leave them.
So nobody finds a post they may not read, nor across a block either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, or_, select

from roost.accounts.models import accounts
from roost.accounts.queries import (
    PUBLIC_COLUMNS,
    AccountRow,
    find_existing_usernames,
    get_account_by_username,
    search_accounts,
)
from roost.errors import NotFound, ValidationFailed
from roost.graph.models import follows
from roost.ids import min_id_for
from roost.posts.models import mentions, post_tags, posts, tags
from roost.posts.queries import StatusView, get_status, hydrate
from roost.posts.visibility import blocked_clause, muted_clause, visible_clause
from roost.runtime import Runtime
from roost.search.backends import apply_words
from roost.search.syntax import SearchQuery, parse_query
from roost.store.schema import utcnow
from roost.tags.queries import TagInfo, get_tag, tag_infos
from roost.text import is_hashtag

ORDERS = ("newest", "relevance")
MAX_OFFSET = 10_000
SEARCH_TYPES = ("accounts", "hashtags", "statuses")


@dataclass
class SearchResults:
    accounts: list[AccountRow] = field(default_factory=list)
    statuses: list[StatusView] = field(default_factory=list)
    hashtags: list[TagInfo] = field(default_factory=list)


def search(
    rt: Runtime,
    viewer_id: int | None,
    q: str,
    *,
    kind: str | None = None,
    following: bool = False,
    account_id: int | None = None,
    order: str = "newest",
    offset: int = 0,
    limit: int = 20,
    max_id: int | None = None,
) -> SearchResults:
    """Everything ``GET /api/v2/search`` answers: ``kind`` restricts to one of
    ``SEARCH_TYPES``; a URL of this server's post, profile or tag is that object."""
    if kind is not None and kind not in SEARCH_TYPES:
        raise ValidationFailed(f"type must be one of {', '.join(SEARCH_TYPES)}", field="type")
    if offset > MAX_OFFSET:
        raise ValidationFailed(f"offset must be at most {MAX_OFFSET}", field="offset")
    q = q.strip()
    results = SearchResults()
    if not q:
        return results
    resolved = _resolve_url(rt, viewer_id, q)
    if resolved is not None:
        if kind in (None, "accounts"):
            results.accounts = resolved.accounts
        if kind in (None, "statuses"):
            results.statuses = resolved.statuses
        if kind in (None, "hashtags"):
            results.hashtags = resolved.hashtags
        return results
    if kind in (None, "accounts"):
        results.accounts = find_accounts(
            rt, viewer_id, q, following=following, offset=offset, limit=limit
        )
    if kind in (None, "hashtags"):
        results.hashtags = find_hashtags(rt, viewer_id, q, offset=offset, limit=limit)
    if kind in (None, "statuses"):
        results.statuses = search_statuses(
            rt,
            viewer_id,
            q,
            account_id=account_id,
            order=order,
            offset=offset,
            limit=limit,
            max_id=max_id,
        )
    return results


def find_accounts(
    rt: Runtime,
    viewer_id: int | None,
    q: str,
    *,
    following: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> list[AccountRow]:
    """Accounts by name prefix (``accounts.queries.search_accounts``). ``user@host``
    finds the local ``user`` when ``host`` is this server, nobody otherwise (Roost
    does not federate). Accounts across a block are left out."""
    name = q.strip().lstrip("@")
    if "@" in name:
        user, host = name.split("@", 1)
        if host.lower() != rt.settings.domain.lower():
            return []
        name = user
    if viewer_id is None:
        if following:
            return []
        return search_accounts(rt, name, limit=limit, offset=offset)
    among: ColumnElement[bool] = ~blocked_clause(viewer_id, accounts.c.id)
    if following:
        among = among & exists(
            select(follows.c.id).where(
                follows.c.account_id == viewer_id, follows.c.target_account_id == accounts.c.id
            )
        )
    return search_accounts(rt, name, limit=limit, offset=offset, among=among)


def find_hashtags(
    rt: Runtime, viewer_id: int | None, q: str, *, offset: int = 0, limit: int = 20
) -> list[TagInfo]:
    """Tags whose name starts with ``q`` (a ``#`` is optional): the exact name first,
    then the shorter names."""
    prefix = q.strip().lstrip("#").lower()
    if not is_hashtag(prefix):
        return []
    lowered = func.lower(tags.c.name)
    with rt.db.read() as conn:
        matches: ColumnElement[bool]
        if conn.dialect.name == "postgresql":
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            matches = lowered.like(f"{escaped}%")
        else:
            matches = (lowered >= prefix) & (lowered < prefix + "\U0010ffff")
        rows = conn.execute(
            select(tags.c.id, tags.c.name)
            .where(matches)
            .order_by(lowered != prefix, func.length(tags.c.name), lowered)
            .limit(limit)
            .offset(offset)
        ).all()
    return tag_infos(rt, viewer_id, [(r.id, r.name) for r in rows])


def search_statuses(
    rt: Runtime,
    viewer_id: int | None,
    q: str,
    *,
    account_id: int | None = None,
    order: str = "newest",
    offset: int = 0,
    limit: int = 20,
    max_id: int | None = None,
) -> list[StatusView]:
    """Posts matching the query that the viewer may read, newest first, or by
    relevance (``order="relevance"``: the full-text rank; newest first when the query
    has no words to rank by)."""
    return hydrate(
        rt,
        viewer_id,
        search_status_ids(
            rt,
            viewer_id,
            q,
            account_id=account_id,
            order=order,
            offset=offset,
            limit=limit,
            max_id=max_id,
        ),
    )


def search_status_ids(
    rt: Runtime,
    viewer_id: int | None,
    q: str,
    *,
    account_id: int | None = None,
    order: str = "newest",
    offset: int = 0,
    limit: int = 20,
    max_id: int | None = None,
) -> list[int]:
    """The IDs ``search_statuses`` hydrates (the benchmark times this part)."""
    if order not in ORDERS:
        raise ValidationFailed(f"order must be one of {', '.join(ORDERS)}", field="order")
    query = parse_query(q, local_domain=rt.settings.domain)
    if query.is_empty:
        return []
    statement = _filtered(rt, viewer_id, query)
    if statement is None:
        return []  # names an author, person or tag that does not exist
    if account_id is not None:
        statement = statement.where(posts.c.account_id == account_id)
    if max_id is not None:
        statement = statement.where(posts.c.id < max_id)
    with rt.db.read() as conn:
        if conn.dialect.name == "postgresql":
            # A page of results takes a millisecond or a few: JIT compiling the query
            # (its estimated cost is high, for the sort a LIMIT cuts short) took 80 ms,
            # parallel workers cost more to start than they save, and a busy server's
            # searches run side by side already. Neither, for this transaction.
            conn.exec_driver_sql("SET LOCAL jit = off")
            conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        narrow = _narrowest(conn, query, account_id, viewer_id)
        matched = apply_words(conn, statement, query, narrow=narrow)
        if order == "relevance" and matched.ranked is not None and matched.rank is not None:
            ordered = matched.ranked.order_by(matched.rank, posts.c.id.desc())
        else:
            ordered = matched.statement.order_by(matched.newest)
        return list(conn.scalars(ordered.limit(limit).offset(offset)))


def _filtered(rt: Runtime, viewer_id: int | None, query: SearchQuery) -> Any:
    """The posts statement with every operator but the words applied; None when an
    operator can match nothing."""
    statement = select(posts.c.id).where(
        # Not a repost, written so that no index serves it: "reblog_of_id IS NULL" holds
        # for nearly every post, yet SQLite (without statistics) would scan by it.
        func.coalesce(posts.c.reblog_of_id, 0) == 0,
        visible_clause(viewer_id),
        or_(posts.c.visibility != "unlisted", posts.c.account_id == (viewer_id or 0)),
    )
    if viewer_id is not None:
        statement = statement.where(~muted_clause(viewer_id, utcnow()))
    for names, negated in ((query.from_users, False), (query.not_from_users, True)):
        if names:
            ids = _account_ids(rt, viewer_id, names)
            if ids is None and not negated:
                return None
            found = posts.c.account_id.in_(ids or [])
            statement = statement.where(~found if negated else found)
    for names, negated in ((query.to_users, False), (query.not_to_users, True)):
        if names:
            ids = _account_ids(rt, viewer_id, names)
            if ids is None and not negated:
                return None
            for account in ids or []:
                # An ID list the planner can start from (``selective``), as for tags.
                to = posts.c.id.in_(
                    select(mentions.c.post_id).where(mentions.c.account_id == account)
                )
                statement = statement.where(~to if negated else to)
    if query.tags:
        ids = _tag_ids(rt, query.tags)
        if ids is None:
            return None
        for tag_id in ids:
            statement = statement.where(_tagged(tag_id))
    if query.not_tags:
        for tag_id in _tag_ids(rt, query.not_tags, every=False) or []:
            statement = statement.where(~_tagged(tag_id))
    if query.since is not None:
        statement = statement.where(posts.c.id >= min_id_for(_midnight(query.since)))
    if query.until is not None:
        statement = statement.where(posts.c.id < min_id_for(_midnight(query.until)))
    if query.is_reply is not None:
        replied = posts.c.in_reply_to_id.is_not(None)
        statement = statement.where(replied if query.is_reply else ~replied)
    if query.languages:
        statement = statement.where(func.lower(posts.c.language).in_(query.languages))
    return statement


NARROW_COUNT = 50_000


def _narrowest(
    conn: Connection, query: SearchQuery, account_id: int | None, viewer_id: int | None
) -> int | None:
    """About how many posts the narrowest of the author, tag and mention filters leaves
    (counted up to ``NARROW_COUNT``); None without such a filter. The backend chooses
    its plan by it (``backends.apply_words``)."""
    sizes: list[int] = []
    authors = [n for n in query.from_users if n != "me"]
    if authors:
        sizes.append(
            conn.scalar(
                select(func.coalesce(func.sum(accounts.c.statuses_count), 0)).where(
                    func.lower(accounts.c.username).in_(authors)
                )
            )
            or 0
        )
    if account_id is not None or "me" in query.from_users:
        counted = account_id if account_id is not None else viewer_id
        sizes.append(
            conn.scalar(select(accounts.c.statuses_count).where(accounts.c.id == counted)) or 0
        )
    for name in query.tags:
        tagged = (
            select(post_tags.c.post_id)
            .join(tags, tags.c.id == post_tags.c.tag_id)
            .where(func.lower(tags.c.name) == name.lower())
            .limit(NARROW_COUNT)
            .subquery()
        )
        sizes.append(conn.scalar(select(func.count()).select_from(tagged)) or 0)
    for name in query.to_users:
        mentioned = (
            select(mentions.c.post_id)
            .join(accounts, accounts.c.id == mentions.c.account_id)
            .where(func.lower(accounts.c.username) == name)
            .limit(NARROW_COUNT)
            .subquery()
        )
        sizes.append(conn.scalar(select(func.count()).select_from(mentioned)) or 0)
    return min(sizes) if sizes else None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _tagged(tag_id: int) -> ColumnElement[bool]:
    tagged: ColumnElement[bool] = posts.c.id.in_(
        select(post_tags.c.post_id).where(post_tags.c.tag_id == tag_id)
    )
    return tagged


def _account_ids(rt: Runtime, viewer_id: int | None, names: list[str]) -> list[int] | None:
    """The accounts named; None if one of them does not exist (``me``: the viewer)."""
    ids: list[int] = []
    wanted = []
    for name in names:
        if name == "me":
            if viewer_id is None:
                return None
            ids.append(viewer_id)
        else:
            wanted.append(name)
    found = find_existing_usernames(rt, wanted) if wanted else {}
    if len(found) < len(set(wanted)):
        return None
    return ids + list(found.values())


def _tag_ids(rt: Runtime, names: list[str], *, every: bool = True) -> list[int] | None:
    lowered = {n.lower() for n in names}
    with rt.db.read() as conn:
        ids = list(conn.scalars(select(tags.c.id).where(func.lower(tags.c.name).in_(lowered))))
    if every and len(ids) < len(lowered):
        return None
    return ids


# This server's own URLs: a profile, a post, a tag (the web app's and the ActivityPub ones).
_PROFILE_PATH = re.compile(r"/(?:@|users/)([A-Za-z0-9_]{1,30})/?")
_POST_PATH = re.compile(r"/(?:@|users/)([A-Za-z0-9_]{1,30})/(?:statuses/)?(\d{1,20})/?")
_TAG_PATH = re.compile(r"/tags/(\w{1,100})/?")


def _resolve_url(rt: Runtime, viewer_id: int | None, q: str) -> SearchResults | None:
    """The object a URL of this server names: a post the viewer may read, a profile, a
    tag. None when ``q`` is no such URL; empty results when it names nothing visible."""
    base = rt.settings.effective_base_url.rstrip("/")
    if not q.lower().startswith(base.lower() + "/"):
        return None
    path = q[len(base) :].split("?", 1)[0].split("#", 1)[0]
    found = SearchResults()
    try:
        if match := _POST_PATH.fullmatch(path):
            view = get_status(rt, viewer_id, int(match.group(2)))
            if view.account.username.lower() == match.group(1).lower():
                found.statuses = [view]
        elif match := _PROFILE_PATH.fullmatch(path):
            found.accounts = [get_account_by_username(rt, match.group(1))]
        elif match := _TAG_PATH.fullmatch(path):
            tag = get_tag(rt, viewer_id, match.group(1))
            found.hashtags = [] if tag is None else [tag]
    except (NotFound, ValueError):
        pass
    return found


def directory(
    rt: Runtime,
    viewer_id: int | None,
    *,
    order: str = "active",
    offset: int = 0,
    limit: int = 40,
) -> list[AccountRow]:
    """The server's discoverable accounts (profile setting ``discoverable``): recently
    active first (last post), or newest first; those across a block are left out.
    Every account is local, so ``local`` changes nothing."""
    if order not in ("active", "new"):
        raise ValidationFailed("order must be active or new", field="order")
    if offset > MAX_OFFSET:
        raise ValidationFailed(f"offset must be at most {MAX_OFFSET}", field="offset")
    statement = select(*PUBLIC_COLUMNS).where(
        accounts.c.discoverable.is_(True), accounts.c.approved.is_(True)
    )
    if viewer_id is not None:
        statement = statement.where(~blocked_clause(viewer_id, accounts.c.id))
    if order == "active":
        statement = statement.order_by(
            accounts.c.last_status_at.desc().nulls_last(), accounts.c.id.desc()
        )
    else:
        statement = statement.order_by(accounts.c.id.desc())
    with rt.db.read() as conn:
        return list(conn.execute(statement.limit(limit).offset(offset)).all())
