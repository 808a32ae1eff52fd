"""Changing filters: each ``do_*`` checks that the filter is the person's own and
its input valid, then writes in one transaction. Filters take effect on the next
read (``queries.get_matcher``): nothing is cached, so nothing goes stale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Connection, delete, func, insert, select, update

from roost.errors import NotFound, ValidationFailed
from roost.filters.models import ACTIONS, CONTEXTS, filter_keywords, filter_statuses, filters
from roost.filters.queries import MATCHER_CACHE
from roost.ids import new_id
from roost.posts.visibility import access_visible_post
from roost.runtime import Runtime
from roost.store.caches import account_tag
from roost.store.db import Tx
from roost.store.schema import utcnow

MAX_KEYWORD = 200
KEEP: Literal["keep"] = "keep"


@dataclass(frozen=True)
class KeywordChange:
    """One entry of Mastodon's ``keywords_attributes``: a new keyword (no ``id``),
    a change to one, or (``destroy``) its removal."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationFailed("Title can't be blank", field="title", code="ERR_BLANK")
    if len(title) > MAX_KEYWORD:
        raise ValidationFailed("Title is too long", field="title", code="ERR_TOO_LONG")
    return title


def check_context(context: Sequence[str]) -> list[str]:
    unknown = [c for c in context if c not in CONTEXTS]
    if unknown:
        raise ValidationFailed(
            f"Context {unknown[0]} is not one of {', '.join(CONTEXTS)}", field="context"
        )
    if not context:
        raise ValidationFailed("Context can't be blank", field="context", code="ERR_BLANK")
    return [c for c in CONTEXTS if c in context]


def check_action(action: str) -> str:
    if action not in ACTIONS:
        raise ValidationFailed(
            f"Filter action must be one of {', '.join(ACTIONS)}", field="filter_action"
        )
    return action


def check_keyword(keyword: str) -> str:
    keyword = keyword.strip()
    if not keyword:
        raise ValidationFailed("Keyword can't be blank", field="keyword", code="ERR_BLANK")
    if len(keyword) > MAX_KEYWORD:
        raise ValidationFailed("Keyword is too long", field="keyword", code="ERR_TOO_LONG")
    return keyword


# A hundred years: "for ever" for any person, and far from datetime's limits.
MAX_EXPIRY_SECONDS = 100 * 365 * 24 * 3600


def expiry(expires_in: int | None) -> datetime | None:
    """``expires_in`` seconds from now; none (or 0) means never."""
    if not expires_in:
        return None
    if expires_in < 0:
        raise ValidationFailed("Expires in must be positive", field="expires_in")
    if expires_in > MAX_EXPIRY_SECONDS:  # a date past year 9999 cannot be stored
        raise ValidationFailed("Expires in is too far in the future", field="expires_in")
    return utcnow() + timedelta(seconds=expires_in)


def _forget_matchers(rt: Runtime, tx: Tx, account_id: int) -> None:
    """The person's filters change: every process compiles them again at the next read."""
    tx.on_commit(lambda: rt.caches.forget(MATCHER_CACHE, account_tag(account_id)))


def _own(conn: Connection, account_id: int, filter_id: int) -> None:
    found = conn.scalar(
        select(filters.c.id).where(filters.c.id == filter_id, filters.c.account_id == account_id)
    )
    if found is None:
        raise NotFound("Record not found")


def do_create_filter(
    rt: Runtime,
    account_id: int,
    *,
    title: str,
    context: Sequence[str],
    filter_action: str = "warn",
    expires_in: int | None = None,
    keywords: Sequence[KeywordChange] = (),
) -> int:
    values = {
        "title": check_title(title),
        "context": check_context(context),
        "filter_action": check_action(filter_action),
        "expires_at": expiry(expires_in),
    }
    new = [(check_keyword(k.keyword or ""), k.whole_word is not False) for k in keywords]
    filter_id = new_id()
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        tx.conn.execute(
            insert(filters).values(
                id=filter_id, account_id=account_id, created_at=utcnow(), **values
            )
        )
        for keyword, whole_word in new:
            tx.conn.execute(
                insert(filter_keywords).values(
                    id=new_id(), filter_id=filter_id, keyword=keyword, whole_word=whole_word
                )
            )
    return filter_id


def do_update_filter(
    rt: Runtime,
    account_id: int,
    filter_id: int,
    *,
    title: str | None = None,
    context: Sequence[str] | None = None,
    filter_action: str | None = None,
    expires_in: int | Literal["keep"] | None = KEEP,
    keywords: Sequence[KeywordChange] = (),
) -> None:
    """Changes what is given; ``keywords`` adds, changes or (``destroy``) removes
    keywords of this filter (an ID of another filter's keyword is a 404)."""
    values: dict[str, object] = {}
    if title is not None:
        values["title"] = check_title(title)
    if context is not None:
        values["context"] = check_context(context)
    if filter_action is not None:
        values["filter_action"] = check_action(filter_action)
    if expires_in != KEEP:
        values["expires_at"] = expiry(expires_in)
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        _own(tx.conn, account_id, filter_id)
        if values:
            tx.conn.execute(update(filters).where(filters.c.id == filter_id).values(**values))
        for change in keywords:
            _change_keyword(tx.conn, filter_id, change)


def _change_keyword(conn: Connection, filter_id: int, change: KeywordChange) -> None:
    if change.id is None:
        if not change.destroy:
            conn.execute(
                insert(filter_keywords).values(
                    id=new_id(),
                    filter_id=filter_id,
                    keyword=check_keyword(change.keyword or ""),
                    whole_word=change.whole_word is not False,
                )
            )
        return
    mine = (filter_keywords.c.id == change.id) & (filter_keywords.c.filter_id == filter_id)
    if conn.scalar(select(func.count()).where(mine)) == 0:
        raise NotFound("Record not found")
    if change.destroy:
        conn.execute(delete(filter_keywords).where(mine))
        return
    values: dict[str, object] = {}
    if change.keyword is not None:
        values["keyword"] = check_keyword(change.keyword)
    if change.whole_word is not None:
        values["whole_word"] = change.whole_word
    if values:
        conn.execute(update(filter_keywords).where(mine).values(**values))


def do_delete_filter(rt: Runtime, account_id: int, filter_id: int) -> None:
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        _own(tx.conn, account_id, filter_id)
        tx.conn.execute(delete(filters).where(filters.c.id == filter_id))


def _keyword_filter(conn: Connection, account_id: int, keyword_id: int) -> int:
    filter_id = conn.scalar(
        select(filter_keywords.c.filter_id)
        .join(filters, filters.c.id == filter_keywords.c.filter_id)
        .where(filter_keywords.c.id == keyword_id, filters.c.account_id == account_id)
    )
    if filter_id is None:
        raise NotFound("Record not found")
    return int(filter_id)


def do_add_keyword(
    rt: Runtime, account_id: int, filter_id: int, keyword: str, whole_word: bool = True
) -> int:
    keyword_id = new_id()
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        _own(tx.conn, account_id, filter_id)
        tx.conn.execute(
            insert(filter_keywords).values(
                id=keyword_id,
                filter_id=filter_id,
                keyword=check_keyword(keyword),
                whole_word=whole_word,
            )
        )
    return keyword_id


def do_update_keyword(
    rt: Runtime,
    account_id: int,
    keyword_id: int,
    keyword: str | None = None,
    whole_word: bool | None = None,
) -> None:
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        filter_id = _keyword_filter(tx.conn, account_id, keyword_id)
        _change_keyword(
            tx.conn, filter_id, KeywordChange(keyword=keyword, whole_word=whole_word, id=keyword_id)
        )


def do_delete_keyword(rt: Runtime, account_id: int, keyword_id: int) -> None:
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        _keyword_filter(tx.conn, account_id, keyword_id)
        tx.conn.execute(delete(filter_keywords).where(filter_keywords.c.id == keyword_id))


def do_add_filter_status(rt: Runtime, account_id: int, filter_id: int, post_id: int) -> int:
    """Filters one post the person can see; adding it twice returns the first entry."""
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        _own(tx.conn, account_id, filter_id)
        access_visible_post(tx.conn, post_id, account_id)
        existing = tx.conn.scalar(
            select(filter_statuses.c.id).where(
                filter_statuses.c.filter_id == filter_id, filter_statuses.c.post_id == post_id
            )
        )
        if existing is not None:
            return int(existing)
        entry_id = new_id()
        tx.conn.execute(
            insert(filter_statuses).values(id=entry_id, filter_id=filter_id, post_id=post_id)
        )
    return entry_id


def do_delete_filter_status(rt: Runtime, account_id: int, filter_status_id: int) -> None:
    with rt.db.write() as tx:
        _forget_matchers(rt, tx, account_id)
        found = tx.conn.scalar(
            select(filter_statuses.c.id)
            .join(filters, filters.c.id == filter_statuses.c.filter_id)
            .where(filter_statuses.c.id == filter_status_id, filters.c.account_id == account_id)
        )
        if found is None:
            raise NotFound("Record not found")
        tx.conn.execute(delete(filter_statuses).where(filter_statuses.c.id == filter_status_id))
