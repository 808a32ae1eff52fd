"""``/api/v1/admin/accounts/:id/approve`` and ``/reject``: a moderator's decision
on a sign-up waiting in approval mode (Mastodon's admin API).

Two locks, as for every admin route: the token needs ``admin:write:accounts`` and
its account's rank must grant "manage users" (moderators and above); the action
checks the rank. Only a waiting account can be approved or rejected (403 otherwise,
as Mastodon's policy). Both answer the account's Admin::Account as it was decided:
for a rejection, the account just deleted."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.accounts.roles import MANAGE_USERS, require_permission
from roost.api.entities.admin import AdminAccount, admin_account_entity
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.registrations.actions import do_approve, do_reject

WRITE = "admin:write:accounts"


@endpoint(scope=WRITE, user=True, response=AdminAccount)
def approve(ctx: Ctx) -> Response:
    account_id = ctx.path_id()
    do_approve(ctx.rt, ctx.account_id, account_id)
    return json_response(admin_account_entity(ctx.rt, get_account(ctx.rt, account_id)))


@endpoint(scope=WRITE, user=True, response=AdminAccount)
def reject(ctx: Ctx) -> Response:
    account_id = ctx.path_id()
    require_permission(ctx.rt, ctx.account_id, MANAGE_USERS)  # before reading the account
    entity = admin_account_entity(ctx.rt, get_account(ctx.rt, account_id))
    do_reject(ctx.rt, ctx.account_id, account_id)
    return json_response(entity)


routes = [
    Route("/api/v1/admin/accounts/{id}/approve", approve, methods=["POST"]),
    Route("/api/v1/admin/accounts/{id}/reject", reject, methods=["POST"]),
]
