"""Joining, logging in and out, and the settings pages. Each form calls the same
account actions as the API; a ``ValidationFailed`` is shown next to its field."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.actions import (
    authenticate,
    do_change_password,
    do_log_out_everywhere,
    do_update_profile,
)
from roost.accounts.emails import EmailUnconfirmed, confirmation_required
from roost.accounts.queries import get_email
from roost.accounts.recovery import do_resend_own_confirmation
from roost.accounts.sessions import do_end_web_session, do_start_web_session
from roost.addresses import client_address
from roost.errors import Forbidden, RateLimited, ValidationFailed
from roost.instance.queries import (
    CLOSED_MESSAGE,
    TERMS_OF_SERVICE,
    get_instance_settings,
    list_rules,
)
from roost.notifications.digest import digest_enabled, do_set_digest
from roost.registrations.actions import do_sign_up
from roost.web.page import Web, page


def _log_in(web: Web, account_id: int) -> None:
    user_agent = web.request.headers.get("user-agent", "")
    web.session.log_in(account_id, do_start_web_session(web.rt, account_id, user_agent))


@page()
def login_form(web: Web) -> Response:
    if web.viewer_id is not None:
        return web.redirect(web.next_url())
    return web.render("login.html", next=web.next_url(""))


@page()
def login(web: Web) -> Response:
    name = web.form.get("login", "").strip()
    password = web.form.get("password", "")
    values = {"login": name}
    next_url = web.next_url("")
    address = client_address(web.request)
    try:
        account_id = (
            authenticate(web.rt, name, password, address=address) if name and password else None
        )
    except RateLimited as exc:
        return web.render(
            "login.html", 429, values=values, errors={"password": exc.message}, next=next_url
        )
    except EmailUnconfirmed as exc:
        errors = {"password": exc.message}
        return web.render(
            "login.html", 403, values=values, errors=errors, next=next_url, unconfirmed=True
        )
    except Forbidden as exc:  # suspended, or log-in disabled by a moderator
        return web.render(
            "login.html", 403, values=values, errors={"password": exc.message}, next=next_url
        )
    if account_id is None:
        errors = {"password": "Wrong username or password."}
        return web.render("login.html", 422, values=values, errors=errors, next=next_url)
    _log_in(web, account_id)
    return web.redirect(next_url or "/")


@page()
def signup_form(web: Web) -> Response:
    return web.redirect("/" if web.viewer_id is not None else "/#join")


def sign_up_context(web: Web) -> dict[str, Any]:
    """What the sign-up form shows: the mode, the rules to agree to, and whether an
    "I agree" box is needed (when there are rules or terms to agree to)."""
    settings = get_instance_settings(web.rt)
    rules = list_rules(web.rt)
    return {
        "mode": settings.mode,
        "closed_message": settings.text(CLOSED_MESSAGE),
        "rules": rules,
        "has_terms": bool(settings.text(TERMS_OF_SERVICE)),
        "needs_agreement": bool(rules) or bool(settings.text(TERMS_OF_SERVICE)),
    }


def render_sign_up(
    web: Web, status: int = 200, *, template: str = "landing.html", **context: object
) -> Response:
    return web.render(template, status, **sign_up_context(web), **context)


@page()
def signup(web: Web) -> Response:
    fields = ("username", "email", "display_name", "reason", "invite_code")
    values = {k: web.form.get(k, "").strip() for k in fields}
    errors: dict[str, str] = {}
    password = web.form.get("password", "")
    context = sign_up_context(web)
    agreed = web.form.get("agreement") == "on" or not context["needs_agreement"]
    try:
        joined = do_sign_up(
            web.rt,
            values["username"],
            password,
            email=values["email"] or None,
            display_name=values["display_name"],
            reason=values["reason"] or None,
            agreed=agreed,
            invite_code=values["invite_code"] or None,
            address=client_address(web.request),
            email_required=confirmation_required(web.rt),
        )
    except Forbidden as exc:
        errors["username"] = exc.message
    except ValidationFailed as exc:
        for problem in exc.problems:  # every bad field at once, first message each
            errors.setdefault(problem.field or "username", problem.message)
    else:
        if not joined.approved:
            return web.render("signup_pending.html", username=values["username"])
        if confirmation_required(web.rt):  # as Mastodon: no log-in before the link
            return web.render(
                "auth_done.html",
                title="Check your email",
                message=f"We sent a link to {values['email']}: follow it to confirm"
                " your address, then log in.",
                retry="/auth/confirmation/new",
            )
        _log_in(web, joined.account_id)
        return web.redirect("/")
    template = "invite.html" if values["invite_code"] else "landing.html"
    return web.render(
        template,
        422,
        values=values,
        errors=errors,
        timeline=[],
        invite_code=values["invite_code"],
        **context,
    )


@page()
def logout(web: Web) -> Response:
    if web.session.session_id:
        do_end_web_session(web.rt, web.session.session_id)
    web.session.log_out()
    return web.redirect("/")


def _settings(web: Web, status: int = 200, **context: object) -> Response:
    return web.render(
        "settings.html",
        status,
        email=get_email(web.rt, web.me) or "",
        digest=digest_enabled(web.rt, web.me),
        **context,
    )


@page(login=True)
def settings_page(web: Web) -> Response:
    return _settings(web, saved=web.request.query_params.get("saved", ""))


@page(login=True, files=2)
def update_profile(web: Web) -> Response:
    values = {
        "display_name": web.form.get("display_name", "").strip(),
        "note": web.form.get("note", "").replace("\r\n", "\n").strip(),
    }
    try:
        do_update_profile(
            web.rt,
            web.me,
            display_name=values["display_name"],
            note=values["note"],
            avatar=web.files.get("avatar"),
            header=web.files.get("header"),
        )
    except ValidationFailed as exc:
        return _settings(web, 422, values=values, errors={exc.field or "display_name": exc.message})
    return web.redirect("/settings?saved=profile")


@page(login=True)
def update_locked(web: Web) -> Response:
    """The "approve followers" switch; turning it off approves everyone waiting."""
    do_update_profile(web.rt, web.me, locked=web.form.get("locked") == "on")
    return web.redirect("/settings?saved=locked")


@page(login=True)
def change_password(web: Web) -> Response:
    current = web.form.get("current_password", "")
    new = web.form.get("new_password", "")
    if new != web.form.get("confirm_password", ""):
        return _settings(web, 422, errors={"confirm_password": "The new passwords do not match."})
    try:
        do_change_password(web.rt, web.me, current, new)
    except ValidationFailed as exc:
        field = "new_password" if exc.field == "password" else exc.field or "current_password"
        return _settings(web, 422, errors={field: exc.message})
    _log_in(web, web.me)  # this browser stays signed in; every other session ends
    return web.redirect("/settings?saved=password")


@page(login=True)
def log_out_everywhere(web: Web) -> Response:
    do_log_out_everywhere(web.rt, web.me)
    web.session.log_out()
    return web.redirect("/")


@page(login=True)
def update_digest(web: Web) -> Response:
    do_set_digest(web.rt, web.me, web.form.get("digest") == "on")
    return web.redirect("/settings?saved=digest")


@page(login=True)
def resend_confirmation(web: Web) -> Response:
    do_resend_own_confirmation(web.rt, web.me, address=client_address(web.request))
    return web.redirect("/settings?saved=confirmation")


routes = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/signup", signup_form, methods=["GET"]),
    Route("/signup", signup, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/settings", settings_page, methods=["GET"]),
    Route("/settings/profile", update_profile, methods=["POST"]),
    Route("/settings/locked", update_locked, methods=["POST"]),
    Route("/settings/password", change_password, methods=["POST"]),
    Route("/settings/logout-everywhere", log_out_everywhere, methods=["POST"]),
    Route("/settings/confirmation", resend_confirmation, methods=["POST"]),
    Route("/settings/digest", update_digest, methods=["POST"]),
]
