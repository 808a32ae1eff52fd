"""The Lists pages: one's lists (make, rename, delete) and each list's timeline and
members (add or remove people one follows), through the same actions as the API."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.errors import ValidationFailed
from roost.graph.queries import following
from roost.ids import parse_id
from roost.lists.actions import (
    do_add_list_accounts,
    do_create_list,
    do_delete_list,
    do_remove_list_accounts,
    do_update_list,
)
from roost.lists.queries import access_list, get_lists, list_members
from roost.paging import Page
from roost.timelines.feeds import list_timeline
from roost.web.page import PAGE_SIZE, Web, page

# How many of the people one follows the "add" menu offers.
FOLLOWING_SHOWN = 200


def _index(web: Web, status: int = 200, **context: Any) -> Response:
    return web.render("lists.html", status, lists=get_lists(web.rt, web.me), **context)


@page(login=True)
def index(web: Web) -> Response:
    return _index(web)


@page(login=True)
def create(web: Web) -> Response:
    try:
        list_id = do_create_list(web.rt, web.me, web.form.get("title", ""))
    except ValidationFailed as exc:
        return _index(web, 422, errors={"title": exc.message}, values=web.form)
    return web.redirect(f"/lists/{list_id}")


def _show(web: Web, list_id: int, status: int = 200, **context: Any) -> Response:
    info = access_list(web.rt, web.me, list_id)
    views = list_timeline(web.rt, web.me, list_id, web.page())
    members = [row for _, row in list_members(web.rt, list_id, None)]
    inside = {m.id for m in members}
    followed = [row for _, row in following(web.rt, web.me, Page(limit=FOLLOWING_SHOWN))]
    return web.render(
        "list.html",
        status,
        list=info,
        timeline=views,
        older=views[-1].post.id if len(views) >= PAGE_SIZE else None,
        members=members,
        candidates=[a for a in followed if a.id not in inside],
        **context,
    )


@page(login=True)
def show(web: Web) -> Response:
    return _show(web, web.path_id())


@page(login=True)
def rename(web: Web) -> Response:
    list_id = web.path_id()
    try:
        do_update_list(web.rt, web.me, list_id, title=web.form.get("title", ""))
    except ValidationFailed as exc:
        return _show(web, list_id, 422, errors={"title": exc.message}, values=web.form)
    return web.redirect(f"/lists/{list_id}")


@page(login=True)
def delete(web: Web) -> Response:
    do_delete_list(web.rt, web.me, web.path_id())
    return web.redirect("/lists")


def _member(web: Web) -> list[int]:
    account_id = parse_id(web.form.get("account_id"))
    return [] if account_id is None else [account_id]


@page(login=True)
def add_member(web: Web) -> Response:
    list_id = web.path_id()
    chosen = _member(web)
    try:
        if chosen:
            do_add_list_accounts(web.rt, web.me, list_id, chosen)
    except ValidationFailed as exc:
        return _show(web, list_id, 422, errors={"account_id": exc.message})
    return web.redirect(f"/lists/{list_id}")


@page(login=True)
def remove_member(web: Web) -> Response:
    list_id = web.path_id()
    do_remove_list_accounts(web.rt, web.me, list_id, _member(web))
    return web.redirect(f"/lists/{list_id}")


routes = [
    Route("/lists", index, methods=["GET"]),
    Route("/lists", create, methods=["POST"]),
    Route("/lists/{id}", show, methods=["GET"]),
    Route("/lists/{id}/rename", rename, methods=["POST"]),
    Route("/lists/{id}/delete", delete, methods=["POST"]),
    Route("/lists/{id}/members/add", add_member, methods=["POST"]),
    Route("/lists/{id}/members/remove", remove_member, methods=["POST"]),
]
