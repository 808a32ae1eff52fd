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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from roost.archive.csvs import FOLLOWING_HEADER, MUTES_HEADER
from roost.archive.models import archive_import_batches, archive_imports
from roost.archive.rows import USERNAME_RE, apply_row
from roost.errors import RoostError, ValidationFailed
from roost.ids import new_id
from roost.lists.actions import (
    do_create_list,
)
from roost.lists.models import lists
from roost.runtime import Runtime
from roost.store.schema import utcnow

IMPORT_JOB = "archive.import"
OVERWRITE_JOB = "archive.import_overwrite"
KINDS = ("follows", "blocks", "mutes", "lists", "bookmarks")
MODES = ("merge", "overwrite")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000  # Mastodon's limit per import
BATCH_ROWS = 100

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


def still_wanted(rt: Runtime, import_id: int) -> bool:
    """False once the import is gone (its account was deleted meanwhile): a late batch
    must not follow or block anyone on behalf of an account being removed."""
    with rt.db.read() as conn:
        return bool(
            conn.scalar(select(archive_imports.c.id).where(archive_imports.c.id == import_id))
        )


def handle_import(rt: Runtime, payload: dict[str, Any]) -> None:
    account_id, kind = int(payload["account_id"]), str(payload["kind"])
    if not still_wanted(rt, int(payload["import_id"])):
        return
    imported = 0
    skipped: list[dict[str, Any]] = []
    for number, cells in payload["rows"]:
        try:
            reason = apply_row(rt, account_id, kind, [str(c) for c in cells])
        except RoostError as exc:  # the action's own refusal: blocked, limit, not found
            reason = exc.message
        if reason is None:
            imported += 1
        else:
            skipped.append({"row": int(number), "value": ",".join(cells)[:200], "reason": reason})
    record_batch(rt, int(payload["import_id"]), int(payload["batch"]), imported, skipped)


def record_batch(
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


JOB_HANDLERS = {IMPORT_JOB: handle_import}
