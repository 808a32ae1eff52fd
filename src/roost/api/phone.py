"""``/api/roost/v1/phone``: linking one's phone for the SMS gateway (Roost's own API).

``POST`` enters a number and texts it a code, ``POST …/verify`` checks the code,
``GET``/``DELETE`` show and unlink it, ``GET``/``PUT …/settings`` choose the texts.
The account scopes cover it, as phone and settings are the account's own."""

from __future__ import annotations

from typing import Literal

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.phones import (
    Phone,
    PhoneSettings,
    phone_entity,
    phone_settings_entity,
)
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.errors import NotFound
from roost.phones.actions import (
    do_link_phone,
    do_remove_phone,
    do_update_phone_settings,
    do_verify_phone,
)
from roost.phones.queries import PhoneView, get_phone

READ = "read:accounts"
WRITE = "write:accounts"


class NewPhone(msgspec.Struct, kw_only=True):
    number: str


class PhoneCode(msgspec.Struct, kw_only=True):
    code: str


class PhoneSettingsUpdate(msgspec.Struct, kw_only=True):
    """Each field left out stays as it is; an empty quiet-hours time clears it."""

    texts_on: bool | None = None
    posts: bool | None = None
    mentions: bool | None = None
    direct_messages: bool | None = None
    quiet_hours_start: str | None = None
    quiet_hours_end: str | None = None
    quiet_hours: Literal["hold", "drop"] | None = None
    time_zone: str | None = None
    daily_cap: int | None = None


def _mine(ctx: Ctx) -> PhoneView:
    view = get_phone(ctx.rt, ctx.account_id)
    if view is None:
        raise NotFound("No phone is linked")
    return view


@endpoint(scope=READ, user=True, response=Phone)
def show(ctx: Ctx) -> Response:
    """One's linked phone (404 when none is)."""
    return json_response(phone_entity(_mine(ctx)))


@endpoint(scope=WRITE, user=True, response=Phone, request=NewPhone)
def link(ctx: Ctx) -> Response:
    """Enter (or replace) one's number: a verification code is texted to it."""
    do_link_phone(ctx.rt, ctx.account_id, ctx.input.number)
    return json_response(phone_entity(_mine(ctx)))


@endpoint(scope=WRITE, user=True, response=Phone, request=PhoneCode)
def verify(ctx: Ctx) -> Response:
    """Verify the phone with the texted code; the number is then this account's."""
    do_verify_phone(ctx.rt, ctx.account_id, ctx.input.code)
    return json_response(phone_entity(_mine(ctx)))


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def unlink(ctx: Ctx) -> Response:
    """Unlink the phone; texts waiting for it are dropped."""
    do_remove_phone(ctx.rt, ctx.account_id)
    return json_response({})


@endpoint(scope=READ, user=True, response=PhoneSettings)
def settings(ctx: Ctx) -> Response:
    """Which texts the phone gets, quiet hours, time zone and daily cap."""
    return json_response(phone_settings_entity(_mine(ctx)))


@endpoint(scope=WRITE, user=True, response=PhoneSettings, request=PhoneSettingsUpdate)
def update_settings(ctx: Ctx) -> Response:
    """Change any of the phone's settings; fields left out stay as they are."""
    given: PhoneSettingsUpdate = ctx.input
    do_update_phone_settings(
        ctx.rt,
        ctx.account_id,
        texts_on=given.texts_on,
        posts_on=given.posts,
        mentions_on=given.mentions,
        dms_on=given.direct_messages,
        quiet_start=given.quiet_hours_start,
        quiet_end=given.quiet_hours_end,
        quiet_hold=None if given.quiet_hours is None else given.quiet_hours == "hold",
        time_zone=given.time_zone,
        daily_cap=given.daily_cap,
    )
    return json_response(phone_settings_entity(_mine(ctx)))


routes = [
    Route("/api/roost/v1/phone", show, methods=["GET"]),
    Route("/api/roost/v1/phone", link, methods=["POST"]),
    Route("/api/roost/v1/phone", unlink, methods=["DELETE"]),
    Route("/api/roost/v1/phone/verify", verify, methods=["POST"]),
    Route("/api/roost/v1/phone/settings", settings, methods=["GET"]),
    Route("/api/roost/v1/phone/settings", update_settings, methods=["PUT"]),
]
