"""Reading filters back: a person's own (for the settings page and the API) and the
active ones for a context, compiled once into a ``Matcher`` for a whole page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select

from roost.errors import NotFound
from roost.filters.matcher import EMPTY, Matcher
from roost.filters.models import (
    FilterStatusView,
    FilterView,
    KeywordView,
    filter_keywords,
    filter_statuses,
    filters,
)
from roost.runtime import Runtime
from roost.store.caches import account_tag
from roost.store.schema import Id, UTCDateTime, utcnow


def _assemble(conn: Connection, rows: Sequence[Any]) -> list[FilterView]:
    """Filters with their keywords and posts: two more statements, whatever the count."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    keywords: dict[int, list[KeywordView]] = {i: [] for i in ids}
    for k in conn.execute(
        select(filter_keywords)
        .where(filter_keywords.c.filter_id.in_(ids))
        .order_by(filter_keywords.c.id)
    ):
        keywords[k.filter_id].append(KeywordView(k.id, k.filter_id, k.keyword, k.whole_word))
    statuses: dict[int, list[FilterStatusView]] = {i: [] for i in ids}
    for s in conn.execute(
        select(filter_statuses)
        .where(filter_statuses.c.filter_id.in_(ids))
        .order_by(filter_statuses.c.id)
    ):
        statuses[s.filter_id].append(FilterStatusView(s.id, s.filter_id, s.post_id))
    return [
        FilterView(
            id=r.id,
            account_id=r.account_id,
            title=r.title,
            context=list(r.context),
            filter_action=r.filter_action,
            expires_at=r.expires_at,
            created_at=r.created_at,
            keywords=keywords[r.id],
            statuses=statuses[r.id],
        )
        for r in rows
    ]


def get_filters(rt: Runtime, account_id: int) -> list[FilterView]:
    """All of a person's filters, expired ones too (Mastodon lists them), oldest first."""
    with rt.db.read() as conn:
        rows = conn.execute(
            select(filters).where(filters.c.account_id == account_id).order_by(filters.c.id)
        ).all()
        return _assemble(conn, rows)


def get_filter(rt: Runtime, account_id: int, filter_id: int) -> FilterView:
    """One of the person's own filters; anyone else's is as good as absent."""
    with rt.db.read() as conn:
        rows = conn.execute(
            select(filters).where(filters.c.id == filter_id, filters.c.account_id == account_id)
        ).all()
        found = _assemble(conn, rows)
    if not found:
        raise NotFound("Record not found")
    return found[0]


def get_keyword(rt: Runtime, account_id: int, keyword_id: int) -> tuple[KeywordView, FilterView]:
    with rt.db.read() as conn:
        filter_id = conn.scalar(
            select(filter_keywords.c.filter_id)
            .join(filters, filters.c.id == filter_keywords.c.filter_id)
            .where(filter_keywords.c.id == keyword_id, filters.c.account_id == account_id)
        )
    if filter_id is None:
        raise NotFound("Record not found")
    owner = get_filter(rt, account_id, filter_id)
    return next(k for k in owner.keywords if k.id == keyword_id), owner


def get_filter_status(rt: Runtime, account_id: int, filter_status_id: int) -> FilterStatusView:
    with rt.db.read() as conn:
        row = conn.execute(
            select(filter_statuses)
            .join(filters, filters.c.id == filter_statuses.c.filter_id)
            .where(filter_statuses.c.id == filter_status_id, filters.c.account_id == account_id)
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return FilterStatusView(row.id, row.filter_id, row.post_id)


# Built once: every timeline page asks it, and building the statement cost more than
# running it.
_ACTIVE_FILTERS = select(filters).where(
    filters.c.account_id == bindparam("viewer", type_=Id),
    or_(filters.c.expires_at.is_(None), filters.c.expires_at > bindparam("now", type_=UTCDateTime)),
)


# Per viewer and context, the compiled filters in force: every timeline page asks.
# Forgotten when the viewer changes a filter (``filters.actions``); an entry lapses
# by itself when the first of its filters expires.
MATCHER_CACHE = "filters.matchers"
MATCHER_CACHE_SIZE = 20_000
MATCHER_CACHE_SECONDS = 300.0


@dataclass(frozen=True)
class _Compiled:
    matcher: Matcher
    until: datetime | None


def get_matcher(rt: Runtime, viewer_id: int | None, context: str | None) -> Matcher:
    """The viewer's filters in force now for ``context``, compiled once for a whole
    page or message (``None``: every context), and remembered by this process until
    they change or the first of them expires."""
    if viewer_id is None:
        return EMPTY
    cache = rt.caches.cache(
        MATCHER_CACHE, _Compiled, size=MATCHER_CACHE_SIZE, ttl=MATCHER_CACHE_SECONDS
    )
    key = (viewer_id, context)
    now = utcnow()
    found = cache.get(key)
    if found is not None and (found.until is None or now < found.until):
        return found.matcher
    generation = cache.generation
    with rt.db.read() as conn:
        rows = conn.execute(_ACTIVE_FILTERS, {"viewer": viewer_id, "now": now}).all()
        wanted = [r for r in rows if context is None or context in r.context]
        matcher = Matcher(_assemble(conn, wanted)) if wanted else EMPTY
    until = min((r.expires_at for r in wanted if r.expires_at is not None), default=None)
    cache.put(key, _Compiled(matcher, until), [account_tag(viewer_id)], generation=generation)
    return matcher
