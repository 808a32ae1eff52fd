"""The admins' server pages (``/admin/settings``, ``/admin/rules``) and the public
pages they write (``/about``, ``/terms``, ``/privacy``). The actions check the rank:
these handlers only parse the forms."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.roles import MANAGE_RULES, MANAGE_SETTINGS, require_permission
from roost.errors import ValidationFailed
from roost.instance.actions import (
    do_add_rule,
    do_delete_rule,
    do_edit_rule,
    do_move_rule,
    do_update_settings,
)
from roost.instance.pages import get_page
from roost.instance.queries import (
    EXTENDED_DESCRIPTION,
    MODE,
    PRIVACY_POLICY,
    TERMS_OF_SERVICE,
    TEXT_KEYS,
    USERS_MAY_INVITE,
    get_instance_settings,
    list_rules,
)
from roost.web.page import Web, page


def _settings_page(web: Web, status: int = 200, **context: object) -> Response:
    settings = get_instance_settings(web.rt)
    return web.render(
        "admin_settings.html", status, settings=settings, mode=settings.mode, **context
    )


@page(login=True)
def settings_form(web: Web) -> Response:
    require_permission(web.rt, web.me, MANAGE_SETTINGS)
    return _settings_page(web, saved=web.request.query_params.get("saved") == "1")


@page(login=True)
def save_settings(web: Web) -> Response:
    changes = {key: web.form[key] for key in (MODE, *TEXT_KEYS) if key in web.form}
    changes[USERS_MAY_INVITE] = web.form.get(USERS_MAY_INVITE, "off")
    try:
        do_update_settings(web.rt, web.me, changes)
    except ValidationFailed as exc:
        errors = {p.field or MODE: p.message for p in exc.problems}
        return _settings_page(web, 422, values=changes, errors=errors)
    return web.redirect("/admin/settings?saved=1")


def _rules_page(web: Web, status: int = 200, **context: object) -> Response:
    return web.render("admin_rules.html", status, rules=list_rules(web.rt), **context)


@page(login=True)
def rules_page(web: Web) -> Response:
    require_permission(web.rt, web.me, MANAGE_RULES)
    return _rules_page(web)


@page(login=True)
def add_rule(web: Web) -> Response:
    values = {"text": web.form.get("text", ""), "hint": web.form.get("hint", "")}
    try:
        do_add_rule(web.rt, web.me, values["text"], values["hint"])
    except ValidationFailed as exc:
        return _rules_page(web, 422, values=values, errors={exc.field or "text": exc.message})
    return web.redirect("/admin/rules")


RULE_ACTIONS: dict[str, Callable[[Web, int], None]] = {
    "edit": lambda web, rid: do_edit_rule(
        web.rt, web.me, rid, web.form.get("text", ""), web.form.get("hint", "")
    ),
    "up": lambda web, rid: do_move_rule(web.rt, web.me, rid, -1),
    "down": lambda web, rid: do_move_rule(web.rt, web.me, rid, 1),
    "delete": lambda web, rid: do_delete_rule(web.rt, web.me, rid),
}


@page(login=True)
def change_rule(web: Web) -> Response:
    action = RULE_ACTIONS.get(web.request.path_params["action"])
    if action is None:
        return web.redirect("/admin/rules")
    action(web, web.path_id())  # a ValidationFailed is shown on the problem page
    return web.redirect(f"/admin/rules#rule-{web.path_id()}")


def _public_page(web: Web, heading: str, key: str, empty: str, *, rules: bool = False) -> Response:
    text = get_page(web.rt, key)
    return web.render(
        "instance_page.html",
        heading=heading,
        content=text.html,
        empty=empty,
        updated_at=text.updated_at,
        rules=list_rules(web.rt) if rules else [],
    )


@page()
def about(web: Web) -> Response:
    return _public_page(
        web,
        f"About {web.rt.settings.instance_title}",
        EXTENDED_DESCRIPTION,
        get_instance_settings(web.rt).short_description,
        rules=True,
    )


@page()
def terms(web: Web) -> Response:
    return _public_page(
        web, "Terms of service", TERMS_OF_SERVICE, "This server has published no terms."
    )


@page()
def privacy(web: Web) -> Response:
    return _public_page(web, "Privacy policy", PRIVACY_POLICY, "")


routes = [
    Route("/admin/settings", settings_form, methods=["GET"]),
    Route("/admin/settings", save_settings, methods=["POST"]),
    Route("/admin/rules", rules_page, methods=["GET"]),
    Route("/admin/rules", add_rule, methods=["POST"]),
    Route("/admin/rules/{id:int}/{action}", change_rule, methods=["POST"]),
    Route("/about", about, methods=["GET"]),
    Route("/terms", terms, methods=["GET"]),
    Route("/privacy", privacy, methods=["GET"]),
]
