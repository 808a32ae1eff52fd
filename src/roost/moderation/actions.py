"""Filing reports. A report goes to the community's moderators only: the reported
account gets no notification and no API shows it who reported them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select, update

from roost.accounts.models import accounts
from roost.accounts.roles import MANAGE_REPORTS
from roost.audit.actions import record
from roost.errors import NotFound, ValidationFailed
from roost.ids import new_id, parse_id
from roost.instance.queries import existing_rule_ids
from roost.moderation.models import reports
from roost.moderation.permissions import check_permission
from roost.moderation.sanctions import add_note, check_text
from roost.posts.models import posts
from roost.posts.visibility import visible_clause
from roost.runtime import Runtime
from roost.store.ratelimit import RateRule
from roost.store.schema import utcnow

CATEGORIES = ("spam", "legal", "violation", "other")
COMMENT_MAX = 1000
STATUSES_MAX = 100
# Reports are writes a spammer could flood moderators with.
REPORT_RULE = RateRule("reports", 60, 3600, per="account")


def do_report(
    rt: Runtime,
    reporter_id: int,
    target_id: int,
    *,
    status_ids: Sequence[int] = (),
    comment: str = "",
    category: str = "other",
    rule_ids: Sequence[str] = (),
) -> int:
    """Files a report against ``target_id`` about some of their posts. Every post must
    be the target's and one the reporter can see (a hidden post is not found, as
    anywhere else). Citing rules makes it a ``violation`` report whatever the category
    said, as Mastodon does, and every cited rule must be one of this server's.
    Returns the report's id."""
    cited = check_rule_ids(rt, rule_ids)
    if cited:
        category = "violation"
    if category not in CATEGORIES:
        raise ValidationFailed(
            f"Category must be one of: {', '.join(CATEGORIES)}", field="category"
        )
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            f"Comment is too long (at most {COMMENT_MAX} characters)",
            field="comment",
            code="ERR_TOO_LONG",
        )
    wanted = sorted(set(status_ids))
    if len(wanted) > STATUSES_MAX:
        raise ValidationFailed(f"At most {STATUSES_MAX} posts", field="status_ids")
    if target_id == reporter_id:
        raise ValidationFailed("You cannot report yourself", field="account_id")
    rt.limiter.enforce(REPORT_RULE, reporter_id)
    report_id = new_id()
    now = utcnow()
    with rt.db.write() as tx:
        exists = tx.conn.scalar(
            select(func.count()).where(
                accounts.c.id == target_id, accounts.c.suspended_at.is_(None)
            )
        )
        if not exists:
            raise NotFound("Record not found")
        if wanted:
            found = set(
                tx.conn.scalars(
                    select(posts.c.id).where(
                        posts.c.id.in_(wanted),
                        posts.c.account_id == target_id,
                        visible_clause(reporter_id),
                    )
                )
            )
            if len(found) != len(wanted):
                raise NotFound("Record not found")
        tx.conn.execute(
            insert(reports).values(
                id=report_id,
                account_id=reporter_id,
                target_account_id=target_id,
                status_ids=[str(i) for i in wanted],
                rule_ids=[str(r) for r in cited],
                comment=comment,
                category=category,
                forwarded=False,
                created_at=now,
                updated_at=now,
            )
        )
    return report_id


def check_rule_ids(rt: Runtime, rule_ids: Sequence[str | int]) -> list[int]:
    """The cited rules' ids, each one a rule of this server (422 otherwise)."""
    wanted: list[int] = []
    for raw in rule_ids:
        value = parse_id(str(raw))
        if value is None:
            raise ValidationFailed("Rule ids must be this server's rules", field="rule_ids")
        if value not in wanted:
            wanted.append(value)
    if len(existing_rule_ids(rt, wanted)) != len(wanted):
        raise ValidationFailed("Rule ids must be this server's rules", field="rule_ids")
    return wanted


def _change_report(
    rt: Runtime, actor_id: int, report_id: int, action: str, note: str = "", **values: object
) -> None:
    """Every change is written to the audit log with the report's target named."""
    with rt.db.write() as tx:
        check_permission(tx.conn, actor_id, MANAGE_REPORTS)
        target_id = tx.conn.scalar(
            update(reports)
            .where(reports.c.id == report_id)
            .values(updated_at=utcnow(), **values)
            .returning(reports.c.target_account_id)
        )
        if target_id is None:
            raise NotFound("Record not found")
        label = tx.conn.scalar(select(accounts.c.username).where(accounts.c.id == target_id))
        if note:
            add_note(tx.conn, actor_id, note, None, report_id)
        record(tx.conn, actor_id, action, "report", report_id, label or "", note)


def do_assign_report(rt: Runtime, actor_id: int, report_id: int, *, to_self: bool) -> None:
    """Takes a report on (``to_self``) or lets it go, so moderators don't work twice."""
    _change_report(
        rt,
        actor_id,
        report_id,
        "report.assign" if to_self else "report.unassign",
        assigned_account_id=actor_id if to_self else None,
    )


def do_resolve_report(rt: Runtime, actor_id: int, report_id: int, note: str = "") -> None:
    """``note``: why, for the other moderators (kept on the report and in the log)."""
    _change_report(
        rt,
        actor_id,
        report_id,
        "report.resolve",
        check_text(note.strip()),
        action_taken_at=utcnow(),
        action_taken_by_account_id=actor_id,
    )


def do_reopen_report(rt: Runtime, actor_id: int, report_id: int) -> None:
    _change_report(
        rt,
        actor_id,
        report_id,
        "report.reopen",
        action_taken_at=None,
        action_taken_by_account_id=None,
    )
