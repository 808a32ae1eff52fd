"""An "overwrite" import's first step: what the file does not list is removed (as
Mastodon's overwrite does), then the batches that add what it lists are enqueued,
so that no batch races the removal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.archive.imports import IMPORT_JOB, OVERWRITE_JOB, record_batch, still_wanted
from roost.archive.rows import resolve_account, resolve_post
from roost.errors import NotFound
from roost.graph.actions import do_unfollow
from roost.graph.blocks import do_unblock, do_unmute
from roost.graph.models import blocks, follow_requests, follows, mutes
from roost.lists.actions import (
    do_delete_list,
    do_remove_list_accounts,
)
from roost.lists.models import list_accounts, lists
from roost.posts.marks import do_unbookmark
from roost.posts.models import bookmarks
from roost.runtime import Runtime


def handle_overwrite(rt: Runtime, payload: dict[str, Any]) -> None:
    """Removes what the file does not list, then enqueues the batches that add what it
    does (once: the mark makes a retry skip the enqueueing)."""
    account_id, kind = int(payload["account_id"]), str(payload["kind"])
    if not still_wanted(rt, int(payload["import_id"])):
        return
    rows = [[str(c) for c in cells] for b in payload["batches"] for _n, cells in b["rows"]]
    removed = _overwrite(rt, account_id, kind, rows)
    import_id = int(payload["import_id"])
    record_batch(rt, import_id, 0, 0, [], removed=removed)
    base = {"import_id": import_id, "account_id": account_id, "kind": kind}
    with rt.db.write() as tx:
        if rt.jobs.mark_once(tx, f"import:{import_id}"):
            rt.jobs.enqueue_many(tx, IMPORT_JOB, [base | b for b in payload["batches"]])


def _overwrite(rt: Runtime, account_id: int, kind: str, rows: list[list[str]]) -> int:
    removed = 0
    if kind == "bookmarks":
        keep = {p for p, _ in (resolve_post(rt, r[0]) for r in rows) if p is not None}
        with rt.db.read() as conn:
            have = list(
                conn.scalars(
                    select(bookmarks.c.post_id).where(bookmarks.c.account_id == account_id)
                )
            )
        for post_id in have:
            if post_id not in keep:
                try:
                    do_unbookmark(rt, account_id, post_id)
                except NotFound:  # no longer visible: the bookmark cannot be reached
                    continue
                removed += 1
        return removed
    if kind == "lists":
        return _overwrite_lists(rt, account_id, rows)
    keep_ids = {
        t for t, _ in (resolve_account(rt, account_id, r[0]) for r in rows) if t is not None
    }
    table = {"follows": follows, "blocks": blocks, "mutes": mutes}[kind]
    with rt.db.read() as conn:
        targets: set[int] = set(
            conn.scalars(select(table.c.target_account_id).where(table.c.account_id == account_id))
        )
        if kind == "follows":
            targets |= set(
                conn.scalars(
                    select(follow_requests.c.target_account_id).where(
                        follow_requests.c.account_id == account_id
                    )
                )
            )
    undo = {"follows": do_unfollow, "blocks": do_unblock, "mutes": do_unmute}[kind]
    for target_id in targets - keep_ids:
        undo(rt, account_id, target_id)
        removed += 1
    return removed


def _overwrite_lists(rt: Runtime, account_id: int, rows: list[list[str]]) -> int:
    """Lists the file does not name are deleted; in the others, members it does not
    list for them are taken out (as Mastodon's overwrite)."""
    wanted: dict[str, set[int]] = {}
    for cells in rows:
        if len(cells) >= 2 and cells[0]:
            target_id, _ = resolve_account(rt, account_id, cells[1])
            members = wanted.setdefault(cells[0].lower(), set())
            if target_id is not None:
                members.add(target_id)
    removed = 0
    with rt.db.read() as conn:
        owned = conn.execute(
            select(lists.c.id, lists.c.title).where(lists.c.account_id == account_id)
        ).all()
        members_of = {
            row.id: set(
                conn.scalars(
                    select(list_accounts.c.account_id).where(list_accounts.c.list_id == row.id)
                )
            )
            for row in owned
        }
    for row in owned:
        keep = wanted.get(row.title.lower())
        try:
            if keep is None:
                do_delete_list(rt, account_id, row.id)
                removed += 1
                continue
            extra = sorted(members_of[row.id] - keep)
            if extra:
                do_remove_list_accounts(rt, account_id, row.id, extra)
                removed += len(extra)
        except NotFound:
            continue
    return removed


JOB_HANDLERS = {OVERWRITE_JOB: handle_overwrite}
