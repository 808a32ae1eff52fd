"""The pages behind the mailed links: confirming an address (and asking for the link
again) and choosing a new password. The forms that ask for a link answer the same
whether or not the address is known, so they tell nobody who has an account."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.recovery import (
    check_reset_token,
    do_confirm_email,
    do_request_password_reset,
    do_resend_confirmation,
    do_reset_password,
)
from roost.addresses import client_address
from roost.errors import RateLimited, ValidationFailed
from roost.web.page import Web, page

_FORMS = {
    "confirmation": {
        "title": "Send the confirmation link again",
        "intro": "Enter the address you signed up with; a new link to confirm it will be sent.",
        "action": "/auth/confirmation/new",
        "button": "Send the link",
        "sent": "If an account with this address awaits confirmation, a new link is on"
        " its way. It works for 48 hours.",
    },
    "password": {
        "title": "Forgot your password?",
        "intro": "Enter your account's email address; a link to choose a new password"
        " will be sent to it.",
        "action": "/auth/password/new",
        "button": "Send the link",
        "sent": "If an account uses this address, a link to choose a new password is on"
        " its way. It works for one hour.",
    },
}


def _ask(web: Web, which: str, status: int = 200, **context: object) -> Response:
    return web.render("auth_ask.html", status, form=_FORMS[which], **context)


def _asked(web: Web, which: str) -> Response:
    email = web.form.get("email", "").strip()
    values = {"email": email}
    request = do_request_password_reset if which == "password" else do_resend_confirmation
    try:
        request(web.rt, email, address=client_address(web.request))
    except RateLimited as exc:
        return _ask(web, which, 429, values=values, errors={"email": exc.message})
    except ValidationFailed as exc:
        return _ask(web, which, 422, values=values, errors={"email": exc.message})
    return _ask(web, which, sent=True)


@page()
def confirmation_form(web: Web) -> Response:
    return _ask(web, "confirmation")


@page()
def confirmation_request(web: Web) -> Response:
    return _asked(web, "confirmation")


@page()
def confirm(web: Web) -> Response:
    """The link in the mail. A GET that changes state, as every confirmation link
    is: using it twice (a mail scanner, then the person) only says it was used."""
    try:
        do_confirm_email(web.rt, web.request.query_params.get("token", ""))
    except ValidationFailed as exc:
        return web.render(
            "auth_done.html",
            422,
            title="Link not valid",
            message=exc.message,
            retry="/auth/confirmation/new",
        )
    return web.render(
        "auth_done.html",
        title="Address confirmed",
        message="Your email address is confirmed. You can log in now.",
        login=web.viewer_id is None,
    )


@page()
def password_form(web: Web) -> Response:
    return _ask(web, "password")


@page()
def password_request(web: Web) -> Response:
    return _asked(web, "password")


@page()
def reset_form(web: Web) -> Response:
    token = web.request.query_params.get("token", "")
    try:
        check_reset_token(web.rt, token)
    except ValidationFailed as exc:
        return web.render(
            "auth_done.html",
            422,
            title="Link not valid",
            message=exc.message,
            retry="/auth/password/new",
        )
    return web.render("auth_reset.html", token=token)


@page()
def reset(web: Web) -> Response:
    token = web.form.get("token", "")
    password = web.form.get("password", "")
    if password != web.form.get("confirm_password", ""):
        errors = {"confirm_password": "The passwords do not match."}
        return web.render("auth_reset.html", 422, token=token, errors=errors)
    try:
        do_reset_password(web.rt, token, password)
    except ValidationFailed as exc:
        if exc.field == "token":
            return web.render(
                "auth_done.html",
                422,
                title="Link not valid",
                message=exc.message,
                retry="/auth/password/new",
            )
        return web.render("auth_reset.html", 422, token=token, errors={"password": exc.message})
    if web.viewer_id is not None:  # whoever was signed in here was logged out too
        web.session.log_out()
    return web.render(
        "auth_done.html",
        title="Password changed",
        message="Your new password is set, and every browser and app that was"
        " logged in to your account has been logged out.",
        login=True,
    )


routes = [
    Route("/auth/confirmation", confirm, methods=["GET"]),
    Route("/auth/confirmation/new", confirmation_form, methods=["GET"]),
    Route("/auth/confirmation/new", confirmation_request, methods=["POST"]),
    Route("/auth/password/new", password_form, methods=["GET"]),
    Route("/auth/password/new", password_request, methods=["POST"]),
    Route("/auth/password/edit", reset_form, methods=["GET"]),
    Route("/auth/password/edit", reset, methods=["POST"]),
]
