"""What moderators do to accounts: warn, mark sensitive, disable log-in, limit
("silence"), suspend, and undo each; delete a post. The API
(``/api/v1/admin/accounts/:id/action``) and the web moderation pages call these.

Each action checks the actor's permission flag and rank (``permissions``), changes
the account, leaves the person a warning they can read (``account_warnings``) and
writes its audit entry, all in one transaction. Taken on a report, the action
resolves it; any action stronger than a warning resolves every open report against
the account, as Mastodon does.

Suspension is reversible for ``RETENTION``: the account is hidden and signed out at
once (every web session and API token ends), and a delayed durable job removes its
data once the 30 days have passed, unless it was lifted (the job re-reads the
account and does nothing then)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from roost.accounts.emails import mail_account
from roost.accounts.models import accounts
from roost.accounts.roles import DELETE_USER_DATA, MANAGE_REPORTS, MANAGE_USERS
from roost.accounts.sessions import end_all_web_sessions
from roost.audit.actions import record
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.ids import new_id
from roost.moderation.models import account_warnings, moderation_notes, reports
from roost.moderation.permissions import check_outranks, check_permission, get_target
from roost.oauth.actions import revoke_tokens_of
from roost.posts.actions import do_delete_post
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow

# Mastodon's Admin::AccountAction types.
ACTION_TYPES = ("none", "sensitive", "disable", "silence", "suspend")
TEXT_MAX = 5000
RETENTION = timedelta(days=30)
PURGE_JOB = "moderation.purge_suspended"


def check_text(text: str) -> str:
    if len(text) > TEXT_MAX:
        raise ValidationFailed(
            f"Text is too long (at most {TEXT_MAX} characters)", field="text", code="ERR_TOO_LONG"
        )
    return text


def do_account_action(
    rt: Runtime,
    actor_id: int,
    target_id: int,
    kind: str,
    *,
    text: str = "",
    report_id: int | None = None,
    status_ids: Sequence[int] = (),
    note: str = "",
    send_email: bool = True,
) -> None:
    """Mastodon's ``POST /api/v1/admin/accounts/:id/action``: ``kind`` "none" only
    warns. ``text`` is the message the person reads with the warning (and, with
    ``send_email``, receives by mail); ``note`` one for the other moderators, kept on
    the report (or the account, without one)."""
    if kind not in ACTION_TYPES:
        raise ValidationFailed(f"Type must be one of: {', '.join(ACTION_TYPES)}", field="type")
    check_text(text)
    note = check_text(note.strip())
    now = utcnow()
    with rt.db.write() as tx:
        conn = tx.conn
        role = check_permission(conn, actor_id, MANAGE_USERS, MANAGE_REPORTS)
        target = get_target(conn, target_id)
        check_outranks(role, target)
        if report_id is not None:
            _check_report_of(conn, report_id, target_id)
        if kind == "sensitive":
            _set(conn, target_id, sensitized_at=now)
        elif kind == "silence":
            _set(conn, target_id, silenced_at=now)
        elif kind == "disable":
            _set(conn, target_id, disabled_at=now)
            _sign_out(rt, tx, target_id)
        elif kind == "suspend":
            _set(conn, target_id, suspended_at=now)
            _sign_out(rt, tx, target_id)
            rt.jobs.enqueue(
                tx,
                PURGE_JOB,
                {"account_id": target_id},
                delay=RETENTION.total_seconds(),
            )
        _warn(conn, actor_id, target_id, kind, text, report_id, status_ids)
        if send_email:
            mail_account(
                rt,
                tx,
                target_id,
                "warning",
                kind="warning",
                action=WARNING_PHRASES[kind],
                text=text,
            )
        record(
            conn,
            actor_id,
            "account.warn" if kind == "none" else f"account.{kind}",
            "account",
            target_id,
            target.username,
            text,
        )
        if note:
            on_account = None if report_id is not None else target_id
            add_note(conn, actor_id, note, on_account, report_id)
        _resolve_reports(conn, actor_id, target, kind, report_id)


def _set(conn: Connection, account_id: int, **values: Any) -> None:
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values))


def _sign_out(rt: Runtime, tx: Tx, account_id: int) -> None:
    """Ends every web session and API token of the account, now, in every process: the
    epoch bump kills tokens even in a process that read the account a moment ago."""
    tx.conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(session_epoch=accounts.c.session_epoch + 1)
    )
    end_all_web_sessions(tx, account_id)
    revoke_tokens_of(rt, tx, account_id)


def _check_report_of(conn: Connection, report_id: int, target_id: int) -> None:
    found = conn.scalar(
        select(reports.c.id).where(
            reports.c.id == report_id, reports.c.target_account_id == target_id
        )
    )
    if found is None:
        raise NotFound("Record not found")


# How the warning mail names each action (``mail/templates/warning.txt``).
WARNING_PHRASES = {
    "none": "have sent you a warning",
    "sensitive": "have marked your media as sensitive",
    "disable": "have disabled your account's log-in",
    "silence": "have limited your account",
    "suspend": "have suspended your account",
    "delete_statuses": "have removed one of your posts",
}


def _warn(
    conn: Connection,
    actor_id: int,
    target_id: int,
    action: str,
    text: str,
    report_id: int | None,
    status_ids: Sequence[int],
) -> None:
    conn.execute(
        insert(account_warnings).values(
            id=new_id(),
            account_id=target_id,
            actor_account_id=actor_id,
            action=action,
            text=text,
            report_id=report_id,
            status_ids=[str(i) for i in status_ids],
            created_at=utcnow(),
        )
    )


def _resolve_reports(
    conn: Connection, actor_id: int, target: Any, kind: str, report_id: int | None
) -> None:
    """A warning resolves the report it answered; anything stronger every open one."""
    if kind == "none" and report_id is None:
        return
    query = select(reports.c.id).where(reports.c.action_taken_at.is_(None))
    if kind == "none":
        query = query.where(reports.c.id == report_id)
    else:
        query = query.where(reports.c.target_account_id == target.id)
    now = utcnow()
    for open_id in list(conn.scalars(query)):
        conn.execute(
            update(reports)
            .where(reports.c.id == open_id)
            .values(action_taken_at=now, action_taken_by_account_id=actor_id, updated_at=now)
        )
        record(conn, actor_id, "report.resolve", "report", open_id, target.username)


def _lift(rt: Runtime, actor_id: int, target_id: int, column: str, action: str) -> None:
    """Undoing needs ``manage_users`` only (Mastodon's ``unsuspend?``, ``unsilence?``...)."""
    with rt.db.write() as tx:
        check_permission(tx.conn, actor_id, MANAGE_USERS)
        target = get_target(tx.conn, target_id)
        if target.deleted_at is not None:
            raise Forbidden("This account's data has been removed")
        _set(tx.conn, target_id, **{column: None})
        record(tx.conn, actor_id, action, "account", target_id, target.username)


def do_unsuspend(rt: Runtime, actor_id: int, target_id: int) -> None:
    """Everything comes back as it was (follows were kept); sessions and tokens, ended
    at suspension, do not: the person signs in again."""
    _lift(rt, actor_id, target_id, "suspended_at", "account.unsuspend")


def do_unsilence(rt: Runtime, actor_id: int, target_id: int) -> None:
    _lift(rt, actor_id, target_id, "silenced_at", "account.unsilence")


def do_unsensitize(rt: Runtime, actor_id: int, target_id: int) -> None:
    _lift(rt, actor_id, target_id, "sensitized_at", "account.unsensitive")


def do_enable(rt: Runtime, actor_id: int, target_id: int) -> None:
    _lift(rt, actor_id, target_id, "disabled_at", "account.enable")


def do_remove_suspended_account(rt: Runtime, actor_id: int, target_id: int) -> None:
    """Mastodon's ``DELETE /api/v1/admin/accounts/:id``: removes a suspended account's
    data now instead of after ``RETENTION`` (``delete_user_data``: admins and owners)."""
    with rt.db.write() as tx:
        role = check_permission(tx.conn, actor_id, DELETE_USER_DATA)
        target = get_target(tx.conn, target_id)
        check_outranks(role, target)
        if target.suspended_at is None:
            raise Forbidden("Only a suspended account's data can be removed")
        rt.jobs.enqueue(tx, PURGE_JOB, {"account_id": target_id, "now": True})
        record(tx.conn, actor_id, "account.destroy", "account", target_id, target.username)


def do_moderator_delete_post(
    rt: Runtime, actor_id: int, post_id: int, *, text: str = "", report_id: int | None = None
) -> None:
    """Deletes someone's post as a moderator: the author is told (a warning naming the
    post's id, with ``text``) and the audit log keeps what the post said."""
    check_text(text)
    with rt.db.read() as conn:
        role = check_permission(conn, actor_id, MANAGE_USERS, MANAGE_REPORTS)
        post = conn.execute(
            select(posts.c.account_id, posts.c.text).where(posts.c.id == post_id)
        ).first()
        if post is None:
            raise NotFound("Record not found")
        author = get_target(conn, post.account_id)
        check_outranks(role, author)
        if report_id is not None:
            _check_report_of(conn, report_id, author.id)
    do_delete_post(rt, author.id, post_id)
    with rt.db.write() as tx:
        _warn(tx.conn, actor_id, author.id, "delete_statuses", text, report_id, [post_id])
        phrase = WARNING_PHRASES["delete_statuses"]
        mail_account(rt, tx, author.id, "warning", kind="warning", action=phrase, text=text)
        note = f"{text}\n\n{post.text}" if text else post.text
        record(tx.conn, actor_id, "status.destroy", "post", post_id, author.username, note)


def do_add_note(
    rt: Runtime,
    actor_id: int,
    content: str,
    *,
    target_account_id: int | None = None,
    report_id: int | None = None,
) -> int:
    """A note for the other moderators, on an account or a report; never shown to the
    account."""
    content = check_text(content.strip())
    if not content:
        raise ValidationFailed("Note can't be blank", field="content", code="ERR_BLANK")
    with rt.db.write() as tx:
        check_permission(tx.conn, actor_id, MANAGE_USERS, MANAGE_REPORTS)
        if target_account_id is not None:
            label = get_target(tx.conn, target_account_id).username
            target: tuple[str, int] = ("account", target_account_id)
        elif report_id is not None:
            if tx.conn.scalar(select(reports.c.id).where(reports.c.id == report_id)) is None:
                raise NotFound("Record not found")
            label, target = "", ("report", report_id)
        else:
            raise ValidationFailed("A note is about an account or a report", field="content")
        note_id = add_note(tx.conn, actor_id, content, target_account_id, report_id)
        record(tx.conn, actor_id, "note.create", target[0], target[1], label, content)
    return note_id


def add_note(
    conn: Connection,
    actor_id: int,
    content: str,
    target_account_id: int | None,
    report_id: int | None,
) -> int:
    note_id = new_id()
    conn.execute(
        insert(moderation_notes).values(
            id=note_id,
            account_id=actor_id,
            target_account_id=target_account_id,
            report_id=report_id,
            content=content,
            created_at=utcnow(),
        )
    )
    return note_id
