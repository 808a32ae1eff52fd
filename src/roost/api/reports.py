"""``POST /api/v1/reports``: telling the moderators about an account or its posts."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.api.entities.reports import Report, report_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.ids import parse_id
from roost.moderation.actions import do_report
from roost.moderation.queries import get_own_report


class NewReport(msgspec.Struct, kw_only=True):
    """``forward`` is accepted and ignored: Roost does not federate."""

    account_id: str
    status_ids: list[str] = []
    comment: str = ""
    category: str = "other"
    rule_ids: list[str] = []
    forward: bool = False


@endpoint(scope="write:reports", user=True, response=Report, request=NewReport)
def create(ctx: Ctx) -> Response:
    body: NewReport = ctx.input
    target_id = parse_id(body.account_id)
    status_ids = [parse_id(s) for s in body.status_ids]
    if target_id is None or None in status_ids:
        raise ApiError(404, "Record not found")
    report_id = do_report(
        ctx.rt,
        ctx.account_id,
        target_id,
        status_ids=[s for s in status_ids if s is not None],
        comment=body.comment,
        category=body.category,
        rule_ids=body.rule_ids,
    )
    row = get_own_report(ctx.rt, ctx.account_id, report_id)
    return json_response(report_entity(ctx.rt, row, get_account(ctx.rt, target_id)))


routes = [Route("/api/v1/reports", create, methods=["POST"])]
