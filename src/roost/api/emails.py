"""``POST /api/v1/emails/confirmations``: Mastodon's "send the confirmation link
again", for the app that signed the person up (its token works before the address
is confirmed; logging in again does not). ``email`` corrects the address first."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.recovery import LINK_RULE, do_resend_own_confirmation
from roost.addresses import client_address
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response


class ConfirmationRequest(msgspec.Struct, kw_only=True):
    email: str | None = None


@endpoint(
    scope="write:accounts",
    user=True,
    response=dict[str, str],
    request=ConfirmationRequest,
    limit=LINK_RULE,
)
def resend(ctx: Ctx) -> Response:
    body: ConfirmationRequest = ctx.input
    do_resend_own_confirmation(
        ctx.rt, ctx.account_id, email=body.email, address=client_address(ctx.request)
    )
    return json_response({})


routes = [Route("/api/v1/emails/confirmations", resend, methods=["POST"])]
