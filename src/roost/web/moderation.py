"""The moderators' reports queue in the web app: open reports with the reported
posts (as the reporter saw them), and buttons to take a report on and resolve it.
The same actions, and the same role check, as ``/api/v1/admin/reports``."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_accounts
from roost.moderation.actions import (
    do_assign_report,
    do_reopen_report,
    do_resolve_report,
    require_staff,
)
from roost.moderation.queries import list_reports
from roost.paging import Page
from roost.posts.queries import hydrate
from roost.web.page import Web, page


@page(login=True)
def queue(web: Web) -> Response:
    require_staff(web.rt, web.me)
    resolved = web.request.query_params.get("resolved") == "1"
    rows = list_reports(web.rt, Page(max_id=web.query_int("max_id"), limit=50), resolved=resolved)
    named = {
        i for r in rows for i in (r.account_id, r.target_account_id, r.assigned_account_id) if i
    }
    accounts = get_accounts(web.rt, named)
    items = [
        {
            "report": row,
            "reporter": accounts[row.account_id],
            "target": accounts[row.target_account_id],
            "assignee": accounts.get(row.assigned_account_id),
            "posts": hydrate(web.rt, row.account_id, [int(i) for i in row.status_ids]),
        }
        for row in rows
    ]
    return web.render("admin_reports.html", items=items, resolved=resolved)


ACTIONS: dict[str, Callable[[Web, int], None]] = {
    "assign": lambda web, rid: do_assign_report(web.rt, web.me, rid, to_self=True),
    "unassign": lambda web, rid: do_assign_report(web.rt, web.me, rid, to_self=False),
    "resolve": lambda web, rid: do_resolve_report(web.rt, web.me, rid),
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
    Route("/admin/reports/{id:int}/{action}", act, methods=["POST"]),
]
