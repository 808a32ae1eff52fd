"""``/api/v1/admin/reports``: the moderators' queue (Mastodon's admin API).

Two locks: the token needs an ``admin:`` scope *and* its account must be a moderator
or above (``MANAGE_REPORTS``); a user whose app was granted admin scopes gets 403."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_accounts
from roost.accounts.roles import MANAGE_REPORTS
from roost.api.entities.admin import AdminReport, admin_report_entity
from roost.api.entities.statuses import status_entities
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import link_header, read_page
from roost.api.responses import json_response
from roost.ids import parse_id
from roost.moderation.actions import (
    do_assign_report,
    do_reopen_report,
    do_resolve_report,
)
from roost.moderation.permissions import require_permission
from roost.moderation.queries import get_report, list_reports
from roost.posts.queries import hydrate
from roost.runtime import Runtime

READ = "admin:read:reports"
WRITE = "admin:write:reports"


class ReportQuery(msgspec.Struct, kw_only=True):
    resolved: bool = False
    account_id: str | None = None
    target_account_id: str | None = None
    limit: int = 100
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None


def _entities(rt: Runtime, rows: list[Any]) -> list[AdminReport]:
    """The reported posts are shown as the reporter saw them when reporting: the
    moderators see what was reported, and nothing the reporter could not see."""
    named = {
        i
        for r in rows
        for i in (
            r.account_id,
            r.target_account_id,
            r.assigned_account_id,
            r.action_taken_by_account_id,
        )
        if i
    }
    accounts = get_accounts(rt, named)
    return [
        admin_report_entity(
            rt,
            row,
            accounts,
            status_entities(rt, hydrate(rt, row.account_id, [int(i) for i in row.status_ids])),
        )
        for row in rows
    ]


def _filter_id(raw: str | None) -> int | None:
    if raw is None:
        return None
    value = parse_id(raw)
    if value is None:
        raise ApiError(404, "Record not found")
    return value


@endpoint(scope=READ, user=True, response=list[AdminReport], request=ReportQuery)
def index(ctx: Ctx) -> Response:
    require_permission(ctx.rt, ctx.account_id, MANAGE_REPORTS)
    query: ReportQuery = ctx.input
    page = read_page(query, default=100, maximum=200)
    rows = list_reports(
        ctx.rt,
        page,
        resolved=query.resolved,
        account_id=_filter_id(query.account_id),
        target_account_id=_filter_id(query.target_account_id),
    )
    headers = link_header(ctx.request, [r.id for r in rows], page)
    return json_response(_entities(ctx.rt, rows), headers=headers)


@endpoint(scope=READ, user=True, response=AdminReport)
def show(ctx: Ctx) -> Response:
    require_permission(ctx.rt, ctx.account_id, MANAGE_REPORTS)
    return json_response(_entities(ctx.rt, [get_report(ctx.rt, ctx.path_id())])[0])


def _changed(ctx: Ctx) -> Response:
    return json_response(_entities(ctx.rt, [get_report(ctx.rt, ctx.path_id())])[0])


@endpoint(scope=WRITE, user=True, response=AdminReport)
def assign_to_self(ctx: Ctx) -> Response:
    do_assign_report(ctx.rt, ctx.account_id, ctx.path_id(), to_self=True)
    return _changed(ctx)


@endpoint(scope=WRITE, user=True, response=AdminReport)
def unassign(ctx: Ctx) -> Response:
    do_assign_report(ctx.rt, ctx.account_id, ctx.path_id(), to_self=False)
    return _changed(ctx)


@endpoint(scope=WRITE, user=True, response=AdminReport)
def resolve(ctx: Ctx) -> Response:
    do_resolve_report(ctx.rt, ctx.account_id, ctx.path_id())
    return _changed(ctx)


@endpoint(scope=WRITE, user=True, response=AdminReport)
def reopen(ctx: Ctx) -> Response:
    do_reopen_report(ctx.rt, ctx.account_id, ctx.path_id())
    return _changed(ctx)


routes = [
    Route("/api/v1/admin/reports", index, methods=["GET"]),
    Route("/api/v1/admin/reports/{id}", show, methods=["GET"]),
    Route("/api/v1/admin/reports/{id}/assign_to_self", assign_to_self, methods=["POST"]),
    Route("/api/v1/admin/reports/{id}/unassign", unassign, methods=["POST"]),
    Route("/api/v1/admin/reports/{id}/resolve", resolve, methods=["POST"]),
    Route("/api/v1/admin/reports/{id}/reopen", reopen, methods=["POST"]),
]
