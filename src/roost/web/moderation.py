"""The moderators' reports queue in the web app: open reports with the reported
posts (as the reporter saw them), buttons to take a report on and resolve it (with a
note), and on each report the actions on the reported account (warn, limit, suspend,
mark sensitive) and on each reported post (delete). The same actions, and the same
permission checks, as ``/api/v1/admin/reports`` and ``/api/v1/admin/accounts``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_accounts
from roost.accounts.roles import MANAGE_REPORTS
from roost.moderation.actions import (
    do_assign_report,
    do_reopen_report,
    do_resolve_report,
)
from roost.moderation.permissions import require_permission
from roost.moderation.queries import get_report, list_notes, list_reports
from roost.paging import Page
from roost.posts.queries import hydrate
from roost.web.page import Web, page


def _items(web: Web, rows: list[Any]) -> list[dict[str, Any]]:
    named = {
        i for r in rows for i in (r.account_id, r.target_account_id, r.assigned_account_id) if i
    }
    accounts = get_accounts(web.rt, named)
    return [
        {
            "report": row,
            "reporter": accounts[row.account_id],
            "target": accounts[row.target_account_id],
            "assignee": accounts.get(row.assigned_account_id),
            "posts": hydrate(web.rt, row.account_id, [int(i) for i in row.status_ids]),
            "notes": list_notes(web.rt, report_id=row.id),
        }
        for row in rows
    ]


@page(login=True)
def queue(web: Web) -> Response:
    require_permission(web.rt, web.me, MANAGE_REPORTS)
    resolved = web.request.query_params.get("resolved") == "1"
    rows = list_reports(web.rt, Page(max_id=web.query_int("max_id"), limit=50), resolved=resolved)
    return web.render("admin_reports.html", items=_items(web, list(rows)), resolved=resolved)


@page(login=True)
def show(web: Web) -> Response:
    """One report, for a link from an account's history or the audit log."""
    require_permission(web.rt, web.me, MANAGE_REPORTS)
    row = get_report(web.rt, web.path_id())
    resolved = row.action_taken_at is not None
    return web.render("admin_reports.html", items=_items(web, [row]), resolved=resolved, one=True)


ACTIONS: dict[str, Callable[[Web, int], None]] = {
    "assign": lambda web, rid: do_assign_report(web.rt, web.me, rid, to_self=True),
    "unassign": lambda web, rid: do_assign_report(web.rt, web.me, rid, to_self=False),
    "resolve": lambda web, rid: do_resolve_report(web.rt, web.me, rid, web.form.get("note", "")),
    "reopen": lambda web, rid: do_reopen_report(web.rt, web.me, rid),
}


@page(login=True)
def act(web: Web) -> Response:
    action = ACTIONS.get(web.request.path_params["action"])
    if action is None:
        return web.redirect("/admin/reports")
    action(web, web.path_id())
    return web.redirect(web.next_url("/admin/reports"))


routes = [
    Route("/admin/reports", queue, methods=["GET"]),
    Route("/admin/reports/{id:int}", show, methods=["GET"]),
    Route("/admin/reports/{id:int}/{action}", act, methods=["POST"]),
]
