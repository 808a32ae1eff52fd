"""The Circles pages: one's circles (make, rename, delete) and each circle's members
(add anyone by username, follower or not; remove), through the same actions as the
API. The home composer's "Who can see it" menu offers each circle."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account_by_username
from roost.circles.actions import (
    do_add_circle_members,
    do_create_circle,
    do_delete_circle,
    do_remove_circle_members,
    do_rename_circle,
)
from roost.circles.queries import access_circle, circle_members_page, get_circles
from roost.errors import NotFound, ValidationFailed
from roost.ids import parse_id
from roost.web.page import Web, page


def _index(web: Web, status: int = 200, **context: Any) -> Response:
    return web.render("circles.html", status, circles=get_circles(web.rt, web.me), **context)


@page(login=True)
def index(web: Web) -> Response:
    return _index(web)


@page(login=True)
def create(web: Web) -> Response:
    try:
        circle_id = do_create_circle(web.rt, web.me, web.form.get("name", ""))
    except ValidationFailed as exc:
        return _index(web, 422, errors={"name": exc.message}, values=web.form)
    return web.redirect(f"/circles/{circle_id}")


def _show(web: Web, circle_id: int, status: int = 200, **context: Any) -> Response:
    info = access_circle(web.rt, web.me, circle_id)
    members = [row for _, row in circle_members_page(web.rt, circle_id, None)]
    return web.render("circle.html", status, circle=info, members=members, **context)


@page(login=True)
def show(web: Web) -> Response:
    return _show(web, web.path_id())


@page(login=True)
def rename(web: Web) -> Response:
    circle_id = web.path_id()
    try:
        do_rename_circle(web.rt, web.me, circle_id, web.form.get("name", ""))
    except ValidationFailed as exc:
        return _show(web, circle_id, 422, errors={"name": exc.message}, values=web.form)
    return web.redirect(f"/circles/{circle_id}")


@page(login=True)
def delete(web: Web) -> Response:
    do_delete_circle(web.rt, web.me, web.path_id())
    return web.redirect("/circles")


@page(login=True)
def add_member(web: Web) -> Response:
    circle_id = web.path_id()
    username = web.form.get("username", "").strip().lstrip("@")
    try:
        account = get_account_by_username(web.rt, username)
        do_add_circle_members(web.rt, web.me, circle_id, [account.id])
    except NotFound:
        errors = {"username": f"Nobody here is called @{username}."}
        return _show(web, circle_id, 422, errors=errors, values=web.form)
    except ValidationFailed as exc:
        return _show(web, circle_id, 422, errors={"username": exc.message}, values=web.form)
    return web.redirect(f"/circles/{circle_id}")


@page(login=True)
def remove_member(web: Web) -> Response:
    circle_id = web.path_id()
    account_id = parse_id(web.form.get("account_id"))
    if account_id is not None:
        do_remove_circle_members(web.rt, web.me, circle_id, [account_id])
    return web.redirect(f"/circles/{circle_id}")


routes = [
    Route("/circles", index, methods=["GET"]),
    Route("/circles", create, methods=["POST"]),
    Route("/circles/{id}", show, methods=["GET"]),
    Route("/circles/{id}/rename", rename, methods=["POST"]),
    Route("/circles/{id}/delete", delete, methods=["POST"]),
    Route("/circles/{id}/members/add", add_member, methods=["POST"]),
    Route("/circles/{id}/members/remove", remove_member, methods=["POST"]),
]
