"""The settings beyond name, bio and pictures: profile fields and the account's flags
(bot, discoverable, indexable, hide_collections), and the posting defaults (the
composer starts with ``default_privacy``). The same action as the API's
``update_credentials``."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.actions import do_update_profile
from roost.accounts.profile import MAX_FIELDS
from roost.accounts.queries import get_email
from roost.accounts.settings import ProfileSettings
from roost.errors import ValidationFailed
from roost.web.page import Web, page


def _failed(web: Web, exc: ValidationFailed, section: str) -> Response:
    return web.render(
        "settings.html",
        422,
        email=get_email(web.rt, web.me) or "",
        values=web.form,
        errors={section: exc.message},
    )


@page(login=True)
def update_fields(web: Web) -> Response:
    form = web.form
    fields = [
        (form.get(f"field_name_{i}", ""), form.get(f"field_value_{i}", ""))
        for i in range(MAX_FIELDS)
    ]
    try:
        do_update_profile(
            web.rt,
            web.me,
            bot=form.get("bot") == "on",
            discoverable=form.get("discoverable") == "on",
            settings=ProfileSettings(
                fields=fields,
                indexable=form.get("indexable") == "on",
                hide_collections=form.get("hide_collections") == "on",
            ),
        )
    except ValidationFailed as exc:
        return _failed(web, exc, "fields")
    return web.redirect("/settings?saved=fields")


@page(login=True)
def update_posting(web: Web) -> Response:
    form = web.form
    try:
        do_update_profile(
            web.rt,
            web.me,
            settings=ProfileSettings(
                privacy=form.get("privacy", "public"),
                sensitive=form.get("sensitive") == "on",
                language=form.get("language", ""),
            ),
        )
    except ValidationFailed as exc:
        return _failed(web, exc, "posting")
    return web.redirect("/settings?saved=posting")


routes = [
    Route("/settings/fields", update_fields, methods=["POST"]),
    Route("/settings/posting", update_posting, methods=["POST"]),
]
