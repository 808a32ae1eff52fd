"""The account's relations as Mastodon's export CSVs, so that a file taken from here
imports into Mastodon and one from Mastodon imports here.

Formats (Mastodon's ``/settings/exports/*.csv``): ``following_accounts.csv`` with
the header "Account address,Show boosts,Notify on new posts,Languages";
``muted_accounts.csv`` with "Account address,Hide notifications"; and without a
header ``blocked_accounts.csv`` (an address a line), ``lists.csv`` ("list
name,account address") and ``bookmarks.csv`` (a post URL a line). Addresses are
``username@domain``, the domain being this server's (``ROOST_BASE_URL``'s host).
Roost has no "show boosts" or language choice per follow: every follow shows
boosts and every language, so the file says ``true`` and leaves languages empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import or_, select

from roost.accounts.models import accounts
from roost.graph.models import blocks, follows, mutes
from roost.lists.models import list_accounts, lists
from roost.posts.models import bookmarks, posts
from roost.runtime import Runtime
from roost.store.schema import utcnow

FOLLOWING_HEADER = ["Account address", "Show boosts", "Notify on new posts", "Languages"]
MUTES_HEADER = ["Account address", "Hide notifications"]

# The CSV files, by the name Mastodon gives them.
FILES = {
    "follows": "following_accounts.csv",
    "lists": "lists.csv",
    "blocks": "blocked_accounts.csv",
    "mutes": "muted_accounts.csv",
    "bookmarks": "bookmarks.csv",
}


def local_domain(rt: Runtime) -> str:
    return urlsplit(rt.settings.effective_base_url).netloc.lower()


def address(rt: Runtime, username: str) -> str:
    return f"{username}@{local_domain(rt)}"


def post_url(rt: Runtime, username: str, post_id: int) -> str:
    return f"{rt.settings.effective_base_url}/@{username}/{post_id}"


def _encode(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def following_csv(rt: Runtime, account_id: int) -> str:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(accounts.c.username, follows.c.notify)
            .join(accounts, accounts.c.id == follows.c.target_account_id)
            .where(follows.c.account_id == account_id)
            .order_by(follows.c.id)
        ).all()
    body = [[address(rt, r.username), "true", "true" if r.notify else "false", ""] for r in rows]
    return _encode([FOLLOWING_HEADER, *body])


def blocks_csv(rt: Runtime, account_id: int) -> str:
    with rt.db.read() as conn:
        names = conn.scalars(
            select(accounts.c.username)
            .join(blocks, blocks.c.target_account_id == accounts.c.id)
            .where(blocks.c.account_id == account_id)
            .order_by(blocks.c.id)
        ).all()
    return _encode([address(rt, n)] for n in names)


def mutes_csv(rt: Runtime, account_id: int, now: datetime | None = None) -> str:
    now = now or utcnow()
    with rt.db.read() as conn:
        rows = conn.execute(
            select(accounts.c.username, mutes.c.notifications)
            .join(mutes, mutes.c.target_account_id == accounts.c.id)
            .where(
                mutes.c.account_id == account_id,
                or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > now),
            )
            .order_by(mutes.c.id)
        ).all()
    body = [[address(rt, r.username), "true" if r.notifications else "false"] for r in rows]
    return _encode([MUTES_HEADER, *body])


def lists_csv(rt: Runtime, account_id: int) -> str:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(lists.c.title, accounts.c.username)
            .join(list_accounts, list_accounts.c.list_id == lists.c.id)
            .join(accounts, accounts.c.id == list_accounts.c.account_id)
            .where(lists.c.account_id == account_id)
            .order_by(lists.c.id, list_accounts.c.id)
        ).all()
    return _encode([r.title, address(rt, r.username)] for r in rows)


def bookmark_rows(rt: Runtime, account_id: int) -> Iterator[tuple[int, str]]:
    """(post id, author's username) of the account's bookmarks, oldest first."""
    with rt.db.read() as conn:
        rows = conn.execute(
            select(posts.c.id, accounts.c.username)
            .join(bookmarks, bookmarks.c.post_id == posts.c.id)
            .join(accounts, accounts.c.id == posts.c.account_id)
            .where(bookmarks.c.account_id == account_id)
            .order_by(bookmarks.c.id)
        ).all()
    for row in rows:
        yield int(row.id), str(row.username)


def bookmarks_csv(rt: Runtime, account_id: int) -> str:
    return _encode([post_url(rt, name, pid)] for pid, name in bookmark_rows(rt, account_id))


MAKERS = {
    "follows": following_csv,
    "lists": lists_csv,
    "blocks": blocks_csv,
    "mutes": mutes_csv,
    "bookmarks": bookmarks_csv,
}


def export_csv(rt: Runtime, account_id: int, kind: str) -> str:
    """One of ``FILES``' kinds, as text."""
    return MAKERS[kind](rt, account_id)
