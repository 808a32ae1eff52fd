"""Deleting one's own account (web only: Mastodon's API has no endpoint for it).

The password is asked again, as Mastodon does; the action signs every browser and
app out in the transaction that marks the account deleted, and the purge job does
the rest (``roost.removal``)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.deletion import do_delete_own_account
from roost.errors import ValidationFailed
from roost.web.page import Web, page


@page(login=True)
def delete_page(web: Web) -> Response:
    return web.render("delete_account.html")


@page(login=True)
def delete_account(web: Web) -> Response:
    if web.form.get("confirm") != "on":
        return web.render(
            "delete_account.html", 422, errors={"confirm": "Tick the box to confirm."}
        )
    try:
        do_delete_own_account(web.rt, web.me, web.form.get("password", ""))
    except ValidationFailed as exc:
        return web.render("delete_account.html", 422, errors={"password": exc.message})
    web.session.log_out()
    return web.redirect("/settings/delete/done")


@page()
def deleted_page(web: Web) -> Response:
    return web.render("delete_account_done.html")


routes = [
    Route("/settings/delete", delete_page, methods=["GET"]),
    Route("/settings/delete", delete_account, methods=["POST"]),
    Route("/settings/delete/done", deleted_page, methods=["GET"]),
]
