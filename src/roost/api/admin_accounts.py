"""``/api/v1/admin/accounts`` (and v2's list): Mastodon's admin API for accounts.

Two locks, as for reports: the token needs ``admin:read:accounts`` /
``admin:write:accounts`` (or the whole ``admin:read``/``admin:write``), and its
account the permission Mastodon's policies ask for (``roost.moderation``): reading
and acting are for moderators and above, on accounts they outrank; removing a
suspended account's data (``DELETE``) is for admins and owners. ``approve`` and
``reject`` belong to registrations."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.roles import MANAGE_USERS
from roost.api.entities.admin import AdminAccount, admin_account_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import link_header, read_page
from roost.api.responses import json_response
from roost.ids import parse_id
from roost.moderation.permissions import require_permission
from roost.moderation.queries import (
    STATUSES,
    AccountFilter,
    get_account_for_staff,
    list_accounts,
)
from roost.moderation.sanctions import (
    do_account_action,
    do_enable,
    do_remove_suspended_account,
    do_unsensitize,
    do_unsilence,
    do_unsuspend,
)

READ = "admin:read:accounts"
WRITE = "admin:write:accounts"


class AdminAccountsV1Query(msgspec.Struct, kw_only=True):
    local: bool = False
    remote: bool = False
    active: bool = False
    pending: bool = False
    disabled: bool = False
    silenced: bool = False
    suspended: bool = False
    sensitized: bool = False
    username: str = ""
    display_name: str = ""
    email: str = ""
    ip: str = ""
    staff: bool = False
    limit: int = 100
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None


class AdminAccountsV2Query(msgspec.Struct, kw_only=True):
    origin: str | None = None
    status: str | None = None
    permissions: str | None = None
    role_ids: list[str] = []
    invited_by: str | None = None
    username: str = ""
    display_name: str = ""
    by_domain: str | None = None
    email: str = ""
    ip: str = ""
    limit: int = 100
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None


class AdminAccountAction(msgspec.Struct, kw_only=True):
    type: str = "none"
    report_id: str | None = None
    warning_preset_id: str | None = None
    text: str = ""
    send_email_notification: bool = True


def _listing(
    ctx: Ctx, query: AdminAccountsV1Query | AdminAccountsV2Query, f: AccountFilter
) -> Response:
    require_permission(ctx.rt, ctx.account_id, MANAGE_USERS)
    page = read_page(query, default=100, maximum=200)
    rows = list_accounts(ctx.rt, page, f)
    headers = link_header(ctx.request, [r.id for r in rows], page)
    return json_response([admin_account_entity(ctx.rt, r) for r in rows], headers=headers)


@endpoint(scope=READ, user=True, response=list[AdminAccount], request=AdminAccountsV1Query)
def index(ctx: Ctx) -> Response:
    q: AdminAccountsV1Query = ctx.input
    # Mastodon's v1 flags; the first one set wins, as its filter chain applies one.
    flags = {
        "active": q.active,
        "pending": q.pending,
        "disabled": q.disabled,
        "silenced": q.silenced,
        "suspended": q.suspended,
        "sensitized": q.sensitized,
    }
    status = next((name for name, on in flags.items() if on), None)
    f = AccountFilter(
        remote=q.remote,
        status=status,
        staff=q.staff,
        username=q.username,
        display_name=q.display_name,
        email=q.email,
        ip=q.ip,
    )
    return _listing(ctx, q, f)


@endpoint(scope=READ, user=True, response=list[AdminAccount], request=AdminAccountsV2Query)
def index_v2(ctx: Ctx) -> Response:
    q: AdminAccountsV2Query = ctx.input
    if q.origin not in (None, "", "local", "remote"):
        raise ApiError(422, "origin must be local or remote")
    if q.status not in (None, "", *STATUSES):
        raise ApiError(422, f"status must be one of: {', '.join(STATUSES)}")
    if q.permissions not in (None, "", "staff"):
        raise ApiError(422, "permissions must be staff")
    f = AccountFilter(
        # Every account is local; another domain or an inviter (no invites here) finds nobody.
        remote=q.origin == "remote" or bool(q.by_domain) or bool(q.invited_by),
        status=q.status or None,
        staff=q.permissions == "staff",
        username=q.username,
        display_name=q.display_name,
        email=q.email,
        ip=q.ip,
    )
    return _listing(ctx, q, f)


def _account(ctx: Ctx) -> Response:
    return json_response(admin_account_entity(ctx.rt, get_account_for_staff(ctx.rt, ctx.path_id())))


@endpoint(scope=READ, user=True, response=AdminAccount)
def show(ctx: Ctx) -> Response:
    require_permission(ctx.rt, ctx.account_id, MANAGE_USERS)
    return _account(ctx)


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=AdminAccountAction)
def action(ctx: Ctx) -> Response:
    """``warning_preset_id`` is accepted and ignored (Roost has no presets); the person
    reads the warning in the web app and, with ``send_email_notification``, by mail."""
    body: AdminAccountAction = ctx.input
    report_id = None
    if body.report_id:
        report_id = parse_id(body.report_id)
        if report_id is None:
            raise ApiError(404, "Record not found")
    do_account_action(
        ctx.rt,
        ctx.account_id,
        ctx.path_id(),
        body.type,
        text=body.text,
        report_id=report_id,
        send_email=body.send_email_notification,
    )
    return json_response({})


@endpoint(scope=WRITE, user=True, response=AdminAccount)
def unsuspend(ctx: Ctx) -> Response:
    do_unsuspend(ctx.rt, ctx.account_id, ctx.path_id())
    return _account(ctx)


@endpoint(scope=WRITE, user=True, response=AdminAccount)
def unsilence(ctx: Ctx) -> Response:
    do_unsilence(ctx.rt, ctx.account_id, ctx.path_id())
    return _account(ctx)


@endpoint(scope=WRITE, user=True, response=AdminAccount)
def unsensitive(ctx: Ctx) -> Response:
    do_unsensitize(ctx.rt, ctx.account_id, ctx.path_id())
    return _account(ctx)


@endpoint(scope=WRITE, user=True, response=AdminAccount)
def enable(ctx: Ctx) -> Response:
    do_enable(ctx.rt, ctx.account_id, ctx.path_id())
    return _account(ctx)


@endpoint(scope=WRITE, user=True, response=AdminAccount)
def destroy(ctx: Ctx) -> Response:
    """The data goes in a job moments later; the answer is the account as it is now."""
    do_remove_suspended_account(ctx.rt, ctx.account_id, ctx.path_id())
    return _account(ctx)


routes = [
    Route("/api/v1/admin/accounts", index, methods=["GET"]),
    Route("/api/v2/admin/accounts", index_v2, methods=["GET"]),
    Route("/api/v1/admin/accounts/{id}", show, methods=["GET"]),
    Route("/api/v1/admin/accounts/{id}", destroy, methods=["DELETE"]),
    Route("/api/v1/admin/accounts/{id}/action", action, methods=["POST"]),
    Route("/api/v1/admin/accounts/{id}/unsuspend", unsuspend, methods=["POST"]),
    Route("/api/v1/admin/accounts/{id}/unsilence", unsilence, methods=["POST"]),
    Route("/api/v1/admin/accounts/{id}/unsensitive", unsensitive, methods=["POST"]),
    Route("/api/v1/admin/accounts/{id}/enable", enable, methods=["POST"]),
]
