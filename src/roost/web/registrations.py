"""Invite links (``/invites``, ``GET /invite/<code>``) and the moderators' list of
sign-ups waiting for approval (``/admin/pending``). The same actions, and the same
rank checks, as ``/api/v1/admin/accounts/:id/approve`` and ``/reject``."""

from __future__ import annotations

from datetime import timedelta

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account, get_accounts
from roost.accounts.roles import MANAGE_INVITES, MANAGE_USERS, has_permission, require_permission
from roost.errors import ValidationFailed
from roost.instance.queries import get_registration_mode
from roost.paging import Page
from roost.registrations.actions import (
    CLOSED,
    do_approve,
    do_create_invite,
    do_expire_invite,
    do_reject,
    may_invite,
)
from roost.registrations.queries import (
    INVITE_EXPIRED,
    INVITE_UNKNOWN,
    INVITE_USED_UP,
    find_invite,
    list_invites,
    pending_accounts,
)
from roost.web.accounts import sign_up_context
from roost.web.page import Web, page

_REFUSALS = {"expired": INVITE_EXPIRED, "used_up": INVITE_USED_UP}


@page()
def invite_page(web: Web) -> Response:
    """The sign-up form for an invite link, or why the link no longer works."""
    code = str(web.request.path_params["code"])
    invite = find_invite(web.rt, code)
    context = sign_up_context(web)
    if invite is None:
        return web.render("invite.html", 404, refusal=INVITE_UNKNOWN, **context)
    if context["mode"] == "closed":
        return web.render("invite.html", 403, refusal=CLOSED, **context)
    state = invite.state()
    if state != "valid":
        return web.render("invite.html", 410, refusal=_REFUSALS[state], **context)
    inviter = get_accounts(web.rt, [invite.account_id]).get(invite.account_id)
    return web.render("invite.html", invite_code=code, inviter=inviter, **context)


def _everyone(web: Web) -> bool:
    viewer = web.viewer
    return viewer is not None and has_permission(viewer.role, MANAGE_INVITES)


def _invites_page(web: Web, status: int = 200, **context: object) -> Response:
    everyone = _everyone(web)
    invites = list_invites(web.rt, None if everyone else web.me)
    return web.render(
        "invites.html",
        status,
        invites=invites,
        everyone=everyone,
        makers=get_accounts(web.rt, {i.account_id for i in invites}) if everyone else {},
        allowed=may_invite(web.rt, web.me),
        mode=get_registration_mode(web.rt),
        base_url=web.rt.settings.effective_base_url,
        **context,
    )


@page(login=True)
def invites_page(web: Web) -> Response:
    return _invites_page(web)


def _optional_int(raw: str, field: str) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed("Choose one of the options", field=field) from None


@page(login=True)
def create_invite(web: Web) -> Response:
    try:
        max_uses = _optional_int(web.form.get("max_uses", ""), "max_uses")
        seconds = _optional_int(web.form.get("expires_in", ""), "expires_in")
        do_create_invite(
            web.rt,
            web.me,
            max_uses=max_uses,
            expires_in=timedelta(seconds=seconds) if seconds is not None else None,
        )
    except ValidationFailed as exc:
        return _invites_page(web, 422, errors={exc.field or "max_uses": exc.message})
    except OverflowError:
        return _invites_page(web, 422, errors={"expires_in": "Choose one of the options"})
    return web.redirect("/invites")


@page(login=True)
def expire_invite(web: Web) -> Response:
    do_expire_invite(web.rt, web.me, web.path_id())
    return web.redirect("/invites")


@page(login=True)
def pending_page(web: Web) -> Response:
    require_permission(web.rt, web.me, MANAGE_USERS)
    accounts = pending_accounts(web.rt, Page(max_id=web.query_int("max_id"), limit=50))
    return web.render("admin_pending.html", accounts=accounts)


@page(login=True)
def decide(web: Web) -> Response:
    account_id = web.path_id()
    verb = web.request.path_params["action"]
    if verb == "approve":
        do_approve(web.rt, web.me, account_id)
    elif verb == "reject":
        get_account(web.rt, account_id)  # 404 for nobody, before the rank check's 403
        do_reject(web.rt, web.me, account_id)
    return web.redirect("/admin/pending")


routes = [
    Route("/invite/{code}", invite_page, methods=["GET"]),
    Route("/invites", invites_page, methods=["GET"]),
    Route("/invites", create_invite, methods=["POST"]),
    Route("/invites/{id:int}/expire", expire_invite, methods=["POST"]),
    Route("/admin/pending", pending_page, methods=["GET"]),
    Route("/admin/pending/{id:int}/{action}", decide, methods=["POST"]),
]
