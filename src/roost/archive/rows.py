"""One row of an import applied through the ordinary action, or the reason it was
skipped (``roost.archive.imports`` says how rows are read and batched)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from roost.accounts.queries import get_account_by_username
from roost.archive.csvs import local_domain
from roost.errors import NotFound
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block, do_mute
from roost.graph.queries import relationships
from roost.lists.actions import (
    do_add_list_accounts,
)
from roost.lists.models import list_accounts, lists
from roost.posts.marks import do_bookmark
from roost.posts.models import bookmarks
from roost.runtime import Runtime

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "": None}


def resolve_account(rt: Runtime, account_id: int, value: str) -> tuple[int | None, str | None]:
    """The local account an address names, or why there is none."""
    name, _, domain = value.lstrip("@").partition("@")
    if not USERNAME_RE.match(name) or (domain and not re.match(r"^[\w.\-:]+$", domain)):
        return None, "invalid row: not an account address"
    if domain and domain.lower() != local_domain(rt):
        return None, "remote account: this server does not federate"
    try:
        target = get_account_by_username(rt, name)
    except NotFound:
        return None, "unknown account"
    if target.id == account_id:
        return None, "that is your own account"
    return int(target.id), None


def _flag(cells: list[str], index: int) -> bool | str | None:
    value = cells[index].lower() if len(cells) > index else ""
    if value not in BOOLEANS:
        return f"invalid row: {value!r} is not true or false"
    return BOOLEANS[value]


def apply_row(rt: Runtime, account_id: int, kind: str, cells: list[str]) -> str | None:
    """Applies one row; None when done, else why it was skipped."""
    if kind == "bookmarks":
        return _bookmark(rt, account_id, cells[0])
    if kind == "lists":
        if len(cells) < 2 or not cells[0]:
            return "invalid row: a list name and an account address are needed"
        target_id, problem = resolve_account(rt, account_id, cells[1])
    else:
        target_id, problem = resolve_account(rt, account_id, cells[0])
    if target_id is None:
        return problem
    (rel,) = relationships(rt, account_id, [target_id])
    if kind == "follows":
        boosts, notify = _flag(cells, 1), _flag(cells, 2)
        for flag in (boosts, notify):
            if isinstance(flag, str):
                return flag
        if rel.blocking or rel.blocked_by:
            return "a block stands between you and this account"
        if rel.following:
            return "already following"
        if rel.requested:
            return "already requested"
        do_follow(rt, account_id, target_id, notify=bool(notify))
        return None
    if kind == "blocks":
        if rel.blocking:
            return "already blocked"
        do_block(rt, account_id, target_id)
        return None
    if kind == "mutes":
        hide = _flag(cells, 1)
        if isinstance(hide, str):
            return hide
        if rel.muting:
            return "already muted"
        do_mute(rt, account_id, target_id, notifications=hide is not False)
        return None
    return _list_member(rt, account_id, cells[0], target_id, rel.following)


def _list_member(
    rt: Runtime, account_id: int, title: str, target_id: int, following: bool
) -> str | None:
    """Only followed accounts may be in a list (Mastodon's rule): as Mastodon's import
    does, the account is followed first; a locked one must accept before it is added."""
    with rt.db.read() as conn:
        list_id = conn.scalar(
            select(lists.c.id)
            .where(lists.c.account_id == account_id, func.lower(lists.c.title) == title.lower())
            .order_by(lists.c.id)
        )
        present = list_id is not None and conn.scalar(
            select(list_accounts.c.id).where(
                list_accounts.c.list_id == list_id, list_accounts.c.account_id == target_id
            )
        )
    if list_id is None:
        return "invalid row: the list name is not usable"
    if present:
        return "already in the list"
    if not following:
        do_follow(rt, account_id, target_id)
        (rel,) = relationships(rt, account_id, [target_id])
        if not rel.following:
            return "follow request sent: add them to the list once they accept"
    do_add_list_accounts(rt, account_id, list_id, [target_id])
    return None


def resolve_post(rt: Runtime, url: str) -> tuple[int | None, str | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, "invalid row: not a post's address (URL)"
    if parts.netloc.lower() != local_domain(rt):
        return None, "remote post: this server does not federate"
    match = re.match(r"^/(?:@[A-Za-z0-9_]+|users/[A-Za-z0-9_]+/statuses)/(\d{1,19})/?$", parts.path)
    if match is None:
        return None, "invalid row: not a post's address (URL)"
    return int(match.group(1)), None


def _bookmark(rt: Runtime, account_id: int, url: str) -> str | None:
    post_id, problem = resolve_post(rt, url)
    if post_id is None:
        return problem
    with rt.db.read() as conn:
        if conn.scalar(
            select(bookmarks.c.id).where(
                bookmarks.c.account_id == account_id, bookmarks.c.post_id == post_id
            )
        ):
            return "already bookmarked"
    try:
        do_bookmark(rt, account_id, post_id)
    except NotFound:
        return "unknown post, or one you cannot see"
    return None
