"""Recording the uses trends are computed from.

A public post's tags and links are recorded by a job the post's own transaction
enqueues (``posts.actions.TRENDS_JOB``), not in that transaction: the posts
package sits below this one, and a job costs the writer one row. The job reads
the post as it is now (gone, or no longer public: nothing to record) and inserts
with "on conflict do nothing", so running it twice records nothing twice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from roost.posts.actions import TRENDS_JOB
from roost.posts.models import post_tags, posts
from roost.runtime import Runtime
from roost.text import extract_links
from roost.trends.models import MAX_KEY, trend_uses


def hour_of(seconds: float) -> int:
    """Whole hours since the Unix epoch."""
    return int(seconds // 3600)


def link_key(url: str) -> str | None:
    """The link as counted: scheme and host lowercased, the fragment dropped (two
    people sharing one page with different anchors share one link)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    key = urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )
    return key if len(key) <= MAX_KEY else None


def do_record_uses(rt: Runtime, post_id: int) -> int:
    """Records the post's tags and links; returns how many uses were new."""
    with rt.db.write() as tx:
        post = tx.conn.execute(
            select(posts.c.account_id, posts.c.text, posts.c.created_at, posts.c.visibility).where(
                posts.c.id == post_id, posts.c.circle_id.is_(None)
            )
        ).first()
        if post is None or post.visibility != "public":
            return 0
        hour = hour_of(post.created_at.timestamp())
        tag_ids = tx.conn.scalars(select(post_tags.c.tag_id).where(post_tags.c.post_id == post_id))
        keys = [("tag", str(t)) for t in tag_ids]
        links = {k for k in (link_key(u) for u in extract_links(post.text)) if k}
        keys += [("link", k) for k in sorted(links)]
        rows = [
            {
                "kind": kind,
                "key": key,
                "post_id": post_id,
                "account_id": post.account_id,
                "hour": hour,
            }
            for kind, key in keys
        ]
        return _insert_new(tx.conn, rows)


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    result = conn.execute(dialect_insert(trend_uses).on_conflict_do_nothing(), rows)
    return max(result.rowcount, 0)


def _record(rt: Runtime, payload: dict[str, Any]) -> None:
    do_record_uses(rt, int(payload["post_id"]))


JOB_HANDLERS = {TRENDS_JOB: _record}
