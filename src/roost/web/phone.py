"""The phone settings page (link, verify, remove; which texts, quiet hours, daily
cap), and, while texts go to the log (``ROOST_SMS_TRANSPORT=log``), one's own
outbox and a phone simulator. Each form calls the same action as the API.

Who may read an outbox: there are no administrator roles yet, so the web shows
each person the texts addressed to *their own* phone only, and only with the
``log`` transport (with a real carrier the texts are on the phone). The operator
reads every text with ``roost sms outbox``. The simulator sends a text as the
signed-in person's own verified phone, so it can do nothing they could not."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.errors import NotFound, RateLimited, ValidationFailed
from roost.ids import new_id
from roost.phones.actions import (
    do_link_phone,
    do_remove_phone,
    do_update_phone_settings,
    do_verify_phone,
)
from roost.phones.queries import get_phone, outbox
from roost.sms.gateway import receive
from roost.web.page import Web, page

CHECKS = {
    "texts_on": "Send me texts (the same as texting ON and OFF)",
    "posts_on": "Posts of the people whose bell is on (their profile's 🔔, or text ON name)",
    "mentions_on": "Posts that mention me",
    "dms_on": "Direct messages",
}


def _page(web: Web, status: int = 200, **context: Any) -> Response:
    return web.render(
        "phone.html",
        status,
        phone=get_phone(web.rt, web.me),
        checks=CHECKS,
        log_transport=web.rt.sms.name == "log",
        saved=web.request.query_params.get("saved", ""),
        **context,
    )


@page(login=True)
def show(web: Web) -> Response:
    return _page(web)


@page(login=True)
def link(web: Web) -> Response:
    try:
        do_link_phone(web.rt, web.me, web.form.get("number", ""))
    except (ValidationFailed, RateLimited) as exc:
        return _page(web, 422, errors={"number": exc.message}, values=web.form)
    return web.redirect("/settings/phone?saved=code")


@page(login=True)
def verify(web: Web) -> Response:
    try:
        do_verify_phone(web.rt, web.me, web.form.get("code", ""))
    except ValidationFailed as exc:
        return _page(web, 422, errors={"code": exc.message})
    return web.redirect("/settings/phone?saved=verified")


@page(login=True)
def remove(web: Web) -> Response:
    do_remove_phone(web.rt, web.me)
    return web.redirect("/settings/phone?saved=removed")


@page(login=True)
def save_settings(web: Web) -> Response:
    form = web.form
    try:
        do_update_phone_settings(
            web.rt,
            web.me,
            **{name: bool(form.get(name)) for name in CHECKS},
            quiet_start=form.get("quiet_start", ""),
            quiet_end=form.get("quiet_end", ""),
            quiet_hold=form.get("quiet_hold", "hold") == "hold",
            time_zone=form.get("time_zone", "UTC"),
            daily_cap=_int(form.get("daily_cap", "")),
        )
    except ValidationFailed as exc:
        return _page(web, 422, errors={exc.field or "time_zone": exc.message}, values=form)
    return web.redirect("/settings/phone?saved=settings")


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed("Give a number of texts", field="daily_cap") from None


def _log_only(web: Web) -> None:
    if web.rt.sms.name != "log":
        raise NotFound("Texts go to the carrier, not to the log")


@page(login=True)
def show_outbox(web: Web) -> Response:
    _log_only(web)
    return web.render("phone_outbox.html", texts=outbox(web.rt, web.me))


@page(login=True)
def simulator(web: Web) -> Response:
    """A phone in the browser: a text sent here is received as if from one's own
    verified phone; the answer and the texts sent to that phone are shown."""
    _log_only(web)
    phone = get_phone(web.rt, web.me)
    if phone is None or not phone.verified:
        return web.redirect("/settings/phone")
    reply = sent = None
    if web.request.method == "POST":
        sent = web.form.get("body", "")
        reply = receive(web.rt, phone.number, sent, f"SIM{new_id()}") or ""
    return web.render(
        "phone_simulator.html", sent=sent, reply=reply, texts=outbox(web.rt, web.me, limit=20)
    )


routes = [
    Route("/settings/phone", show, methods=["GET"]),
    Route("/settings/phone", link, methods=["POST"]),
    Route("/settings/phone/verify", verify, methods=["POST"]),
    Route("/settings/phone/remove", remove, methods=["POST"]),
    Route("/settings/phone/settings", save_settings, methods=["POST"]),
    Route("/settings/phone/outbox", show_outbox, methods=["GET"]),
    Route("/settings/phone/simulator", simulator, methods=["GET", "POST"]),
]
