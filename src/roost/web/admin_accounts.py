"""The moderators' accounts pages: a filtered list, and one account's page with its
state, the actions to take or lift, and its history (reports against it, what was
done to it, the warnings it got, the moderators' notes). Also the audit log, and a
moderator's "delete this post". The actions are ``roost.moderation.sanctions``',
with their permission checks, as the admin API's."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_accounts
from roost.accounts.roles import MANAGE_USERS, VIEW_AUDIT_LOG
from roost.audit.queries import list_entries
from roost.errors import NotFound
from roost.ids import parse_id
from roost.moderation.permissions import require_permission
from roost.moderation.queries import (
    STATUSES,
    AccountFilter,
    get_account_for_staff,
    list_accounts,
    list_notes,
    list_reports_about,
    list_warnings,
)
from roost.moderation.sanctions import (
    ACTION_TYPES,
    do_account_action,
    do_add_note,
    do_enable,
    do_moderator_delete_post,
    do_remove_suspended_account,
    do_unsensitize,
    do_unsilence,
    do_unsuspend,
)
from roost.paging import Page
from roost.web.page import Web, page


@page(login=True)
def index(web: Web) -> Response:
    require_permission(web.rt, web.me, MANAGE_USERS)
    params = web.request.query_params
    status = params.get("status") or None
    filters = AccountFilter(
        status=status if status in STATUSES else None,
        staff=params.get("staff") == "1",
        username=params.get("username", "").strip(),
        display_name=params.get("display_name", "").strip(),
        email=params.get("email", "").strip(),
    )
    rows = list_accounts(web.rt, Page(max_id=web.query_int("max_id"), limit=50), filters)
    return web.render(
        "admin_accounts.html", rows=rows, filters=filters, statuses=STATUSES, more=len(rows) == 50
    )


@page(login=True)
def show(web: Web) -> Response:
    require_permission(web.rt, web.me, MANAGE_USERS)
    account = get_account_for_staff(web.rt, web.path_id())
    reports = list_reports_about(web.rt, account.id)
    actions = list_entries(web.rt, Page(limit=200), target=("account", account.id))
    warnings = list_warnings(web.rt, account.id)
    notes = list_notes(web.rt, target_account_id=account.id)
    named = {e.account_id for e in actions if e.account_id} | {
        n.account_id for n in notes if n.account_id
    }
    named |= {r.account_id for r in reports}
    return web.render(
        "admin_account.html",
        account=account,
        reports=reports,
        actions=actions,
        warnings=warnings,
        notes=notes,
        people=get_accounts(web.rt, named),
        action_types=ACTION_TYPES,
    )


def _report_id(web: Web) -> int | None:
    raw = web.form.get("report_id", "").strip()
    if not raw:
        return None
    report_id = parse_id(raw)
    if report_id is None:
        raise NotFound("Record not found")
    return report_id


@page(login=True)
def action(web: Web) -> Response:
    """Warn, mark sensitive, disable, limit or suspend, with the message the person reads."""
    account_id = web.path_id()
    do_account_action(
        web.rt,
        web.me,
        account_id,
        web.form.get("type", "none"),
        text=web.form.get("text", "").strip(),
        report_id=_report_id(web),
        note=web.form.get("note", ""),
    )
    return web.redirect(web.next_url(f"/admin/accounts/{account_id}"))


LIFTS: dict[str, Callable[[Web, int], None]] = {
    "unsuspend": lambda web, aid: do_unsuspend(web.rt, web.me, aid),
    "unsilence": lambda web, aid: do_unsilence(web.rt, web.me, aid),
    "unsensitive": lambda web, aid: do_unsensitize(web.rt, web.me, aid),
    "enable": lambda web, aid: do_enable(web.rt, web.me, aid),
    "remove": lambda web, aid: do_remove_suspended_account(web.rt, web.me, aid),
}


@page(login=True)
def lift(web: Web) -> Response:
    account_id = web.path_id()
    handler = LIFTS.get(web.request.path_params["verb"])
    if handler is None:
        raise NotFound("Record not found")
    handler(web, account_id)
    return web.redirect(web.next_url(f"/admin/accounts/{account_id}"))


@page(login=True)
def note(web: Web) -> Response:
    account_id = web.path_id()
    do_add_note(web.rt, web.me, web.form.get("content", ""), target_account_id=account_id)
    return web.redirect(f"/admin/accounts/{account_id}#notes")


@page(login=True)
def delete_post(web: Web) -> Response:
    do_moderator_delete_post(
        web.rt,
        web.me,
        web.path_id(),
        text=web.form.get("text", "").strip(),
        report_id=_report_id(web),
    )
    return web.redirect(web.next_url("/admin/reports"))


@page(login=True)
def audit(web: Web) -> Response:
    """Mastodon's ``view_audit_log``: moderators and above, as its default roles."""
    require_permission(web.rt, web.me, VIEW_AUDIT_LOG)
    entries = list_entries(
        web.rt,
        Page(max_id=web.query_int("max_id"), limit=100),
        action=web.request.query_params.get("action") or None,
    )
    people = get_accounts(web.rt, {e.account_id for e in entries if e.account_id})
    return web.render("admin_audit.html", entries=entries, people=people, more=len(entries) == 100)


routes = [
    Route("/admin/accounts", index, methods=["GET"]),
    Route("/admin/accounts/{id:int}", show, methods=["GET"]),
    Route("/admin/accounts/{id:int}/action", action, methods=["POST"]),
    Route("/admin/accounts/{id:int}/note", note, methods=["POST"]),
    Route("/admin/accounts/{id:int}/{verb}", lift, methods=["POST"]),
    Route("/admin/posts/{id:int}/delete", delete_post, methods=["POST"]),
    Route("/admin/audit", audit, methods=["GET"]),
]
