"""Importing Mastodon's CSVs (follows, blocks, mutes, lists, bookmarks), merged into
what the account has or replacing it ("overwrite"), as durable jobs.

The file is read at once, strictly (UTF-8, CSV, the right columns for its kind, at
most ``MAX_BYTES`` and ``MAX_ROWS``): a file that is not one of these is refused
with the reason, and nothing is queued. Its rows are then split into batches of
``BATCH_ROWS``, one ``archive.import`` job each, which applies every row through
the ordinary action (``do_follow``, ``do_block``, ``do_mute``,
``do_add_list_accounts``, ``do_bookmark``), so every rule holds — a locked account
gets a follow request, a block refuses the follow, limits count. A row that cannot
be applied is *skipped* with its reason (unknown account, remote account, already
following, invalid row, ...), and the batch writes its result in one row of
``archive_import_batches`` keyed by batch: a retried batch rewrites it.

"Overwrite" first removes what the file does not list (a job of its own, which
enqueues the batches when it is done, so no batch races the removal).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, insert, select

from roost.accounts.queries import get_account_by_username
from roost.archive.csvs import FOLLOWING_HEADER, MUTES_HEADER, local_domain
from roost.archive.models import archive_import_batches, archive_imports
from roost.errors import NotFound, RoostError, ValidationFailed
from roost.graph.actions import do_follow, do_unfollow
from roost.graph.blocks import do_block, do_mute, do_unblock, do_unmute
from roost.graph.models import blocks, follow_requests, follows, mutes
from roost.graph.queries import relationships
from roost.ids import new_id
from roost.lists.actions import (
    do_add_list_accounts,
    do_create_list,
    do_delete_list,
    do_remove_list_accounts,
)
from roost.lists.models import list_accounts, lists
from roost.posts.marks import do_bookmark, do_unbookmark
from roost.posts.models import bookmarks
from roost.runtime import Runtime
from roost.store.schema import utcnow

IMPORT_JOB = "archive.import"
OVERWRITE_JOB = "archive.import_overwrite"
KINDS = ("follows", "blocks", "mutes", "lists", "bookmarks")
MODES = ("merge", "overwrite")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000  # Mastodon's limit per import
BATCH_ROWS = 100
USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "": None}

# (row number in the file, its cells)
Row = tuple[int, list[str]]


@dataclass(frozen=True)
class Parsed:
    kind: str
    rows: list[Row]


def parse_import(kind: str, data: bytes) -> Parsed:
    """The file's rows, or ``ValidationFailed`` saying why the file is not usable."""
    if kind not in KINDS:
        raise ValidationFailed(f"Choose what the file holds: {', '.join(KINDS)}", field="kind")
    if not data:
        raise ValidationFailed("Choose a file to import", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB", field="file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file is not UTF-8 text (a CSV file)", field="file") from exc
    if "\x00" in text:
        raise ValidationFailed("The file is not a CSV file", field="file")
    try:
        table = [
            (n, [cell.strip() for cell in cells])
            for n, cells in enumerate(csv.reader(io.StringIO(text), strict=True), start=1)
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as exc:
        raise ValidationFailed(f"The file is not a valid CSV file ({exc})", field="file") from exc
    header = {"follows": FOLLOWING_HEADER, "mutes": MUTES_HEADER}.get(kind, ["Account address"])
    if table and table[0][1] and table[0][1][0].lower() == header[0].lower():
        table = table[1:]  # the header row, when the file has one
    if not table:
        raise ValidationFailed("The file has no rows", field="file")
    if len(table) > MAX_ROWS:
        raise ValidationFailed(f"The file has more than {MAX_ROWS:,} rows", field="file")
    wanted = {"lists": 2}.get(kind, 1)
    if kind == "lists" and all(len(cells) < wanted for _n, cells in table):
        raise ValidationFailed(
            "This is not a lists file: each row must be a list name and an account address",
            field="file",
        )
    if kind == "bookmarks" and not any(c[0].startswith(("http://", "https://")) for _n, c in table):
        raise ValidationFailed(
            "This is not a bookmarks file: each row must be a post's address (URL)", field="file"
        )
    if kind in ("follows", "blocks", "mutes") and not any(
        "@" in c[0] or USERNAME_RE.match(c[0]) for _n, c in table
    ):
        raise ValidationFailed(
            "This is not an accounts file: each row must start with an account address",
            field="file",
        )
    return Parsed(kind, table)


def do_start_import(
    rt: Runtime, account_id: int, kind: str, mode: str, data: bytes, label: str = ""
) -> int:
    if mode not in MODES:
        raise ValidationFailed("Choose merge or overwrite", field="mode")
    parsed = parse_import(kind, data)
    if kind == "lists":
        _create_lists(rt, account_id, parsed.rows)
    batches = [
        {"batch": i // BATCH_ROWS + 1, "rows": parsed.rows[i : i + BATCH_ROWS]}
        for i in range(0, len(parsed.rows), BATCH_ROWS)
    ]
    import_id = new_id()
    overwrite = mode == "overwrite"
    with rt.db.write() as tx:
        tx.conn.execute(
            insert(archive_imports).values(
                id=import_id,
                account_id=account_id,
                kind=kind,
                mode=mode,
                file_label=(label or "upload.csv")[:200],
                rows_total=len(parsed.rows),
                batches_total=len(batches) + (1 if overwrite else 0),
                created_at=utcnow(),
            )
        )
        base = {"import_id": import_id, "account_id": account_id, "kind": kind}
        if overwrite:
            rt.jobs.enqueue(tx, OVERWRITE_JOB, base | {"batches": batches})
        else:
            rt.jobs.enqueue_many(tx, IMPORT_JOB, [base | b for b in batches])
    return import_id


def _create_lists(rt: Runtime, account_id: int, rows: list[Row]) -> None:
    """Lists named in the file that the account lacks are made before any batch runs,
    so that two batches never make the same list twice."""
    with rt.db.read() as conn:
        have = {
            t.lower()
            for t in conn.scalars(select(lists.c.title).where(lists.c.account_id == account_id))
        }
    for _n, cells in rows:
        title = cells[0] if cells else ""
        if title and title.lower() not in have and len(cells) >= 2:
            try:
                do_create_list(rt, account_id, title)
            except ValidationFailed:  # a bad title: its rows are skipped with the reason
                continue
            have.add(title.lower())


# -- the jobs ------------------------------------------------------------------


def _still_wanted(rt: Runtime, import_id: int) -> bool:
    """False once the import is gone (its account was deleted meanwhile): a late batch
    must not follow or block anyone on behalf of an account being removed."""
    with rt.db.read() as conn:
        return bool(
            conn.scalar(select(archive_imports.c.id).where(archive_imports.c.id == import_id))
        )


def handle_import(rt: Runtime, payload: dict[str, Any]) -> None:
    account_id, kind = int(payload["account_id"]), str(payload["kind"])
    if not _still_wanted(rt, int(payload["import_id"])):
        return
    imported = 0
    skipped: list[dict[str, Any]] = []
    for number, cells in payload["rows"]:
        try:
            reason = _apply(rt, account_id, kind, [str(c) for c in cells])
        except RoostError as exc:  # the action's own refusal: blocked, limit, not found
            reason = exc.message
        if reason is None:
            imported += 1
        else:
            skipped.append({"row": int(number), "value": ",".join(cells)[:200], "reason": reason})
    _record(rt, int(payload["import_id"]), int(payload["batch"]), imported, skipped)


def _record(
    rt: Runtime,
    import_id: int,
    batch: int,
    imported: int,
    skipped: list[dict[str, Any]],
    removed: int = 0,
) -> None:
    with rt.db.write() as tx:
        if tx.conn.scalar(select(archive_imports.c.id).where(archive_imports.c.id == import_id)):
            tx.conn.execute(
                delete(archive_import_batches).where(
                    archive_import_batches.c.import_id == import_id,
                    archive_import_batches.c.batch == batch,
                )
            )
            tx.conn.execute(
                insert(archive_import_batches).values(
                    import_id=import_id,
                    batch=batch,
                    imported=imported,
                    removed=removed,
                    skipped=skipped,
                    finished_at=utcnow(),
                )
            )


def _target(rt: Runtime, account_id: int, value: str) -> tuple[int | None, str | None]:
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


def _apply(rt: Runtime, account_id: int, kind: str, cells: list[str]) -> str | None:
    """Applies one row; None when done, else why it was skipped."""
    if kind == "bookmarks":
        return _bookmark(rt, account_id, cells[0])
    if kind == "lists":
        if len(cells) < 2 or not cells[0]:
            return "invalid row: a list name and an account address are needed"
        target_id, problem = _target(rt, account_id, cells[1])
    else:
        target_id, problem = _target(rt, account_id, cells[0])
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


def _post_id(rt: Runtime, url: str) -> tuple[int | None, str | None]:
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
    post_id, problem = _post_id(rt, url)
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


def handle_overwrite(rt: Runtime, payload: dict[str, Any]) -> None:
    """Removes what the file does not list, then enqueues the batches that add what it
    does (once: the mark makes a retry skip the enqueueing)."""
    account_id, kind = int(payload["account_id"]), str(payload["kind"])
    if not _still_wanted(rt, int(payload["import_id"])):
        return
    rows = [[str(c) for c in cells] for b in payload["batches"] for _n, cells in b["rows"]]
    removed = _overwrite(rt, account_id, kind, rows)
    import_id = int(payload["import_id"])
    _record(rt, import_id, 0, 0, [], removed=removed)
    base = {"import_id": import_id, "account_id": account_id, "kind": kind}
    with rt.db.write() as tx:
        if rt.jobs.mark_once(tx, f"import:{import_id}"):
            rt.jobs.enqueue_many(tx, IMPORT_JOB, [base | b for b in payload["batches"]])


def _overwrite(rt: Runtime, account_id: int, kind: str, rows: list[list[str]]) -> int:
    removed = 0
    if kind == "bookmarks":
        keep = {p for p, _ in (_post_id(rt, r[0]) for r in rows) if p is not None}
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
    keep_ids = {t for t, _ in (_target(rt, account_id, r[0]) for r in rows) if t is not None}
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
            target_id, _ = _target(rt, account_id, cells[1])
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


# -- reading -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportView:
    id: int
    kind: str
    mode: str
    file_label: str
    rows_total: int
    batches_total: int
    batches_done: int
    imported: int
    removed: int
    skipped: list[dict[str, Any]]
    created_at: Any

    @property
    def finished(self) -> bool:
        return self.batches_done >= self.batches_total


def get_imports(rt: Runtime, account_id: int, limit: int = 5) -> list[ImportView]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(archive_imports)
            .where(archive_imports.c.account_id == account_id)
            .order_by(archive_imports.c.id.desc())
            .limit(limit)
        ).all()
        results: dict[int, list[Any]] = {}
        if rows:
            for batch in conn.execute(
                select(archive_import_batches)
                .where(archive_import_batches.c.import_id.in_([r.id for r in rows]))
                .order_by(archive_import_batches.c.batch)
            ):
                results.setdefault(batch.import_id, []).append(batch)
    views = []
    for row in rows:
        done = results.get(row.id, [])
        views.append(
            ImportView(
                id=row.id,
                kind=row.kind,
                mode=row.mode,
                file_label=row.file_label,
                rows_total=row.rows_total,
                batches_total=row.batches_total,
                batches_done=len(done),
                imported=sum(b.imported for b in done),
                removed=sum(b.removed for b in done),
                skipped=[s for b in done for s in (b.skipped or [])],
                created_at=row.created_at,
            )
        )
    return views


JOB_HANDLERS = {IMPORT_JOB: handle_import, OVERWRITE_JOB: handle_overwrite}
