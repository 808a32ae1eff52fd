"""Editing one's post in the web app, and any visible post's history of edits."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.errors import ValidationFailed
from roost.posts.edits import Edit, do_edit_post, get_history
from roost.posts.queries import get_status
from roost.web.page import Web, page


@page(login=True)
def edit_form(web: Web) -> Response:
    view = get_status(web.rt, web.me, web.path_id())
    if view.post.account_id != web.me or view.reblog is not None:
        return web.redirect(f"/@{view.account.username}/{view.post.id}")
    values = {"status": view.post.text, "spoiler_text": view.post.spoiler_text}
    return web.render("edit.html", focus=view, values=values)


@page(login=True)
def save_edit(web: Web) -> Response:
    post_id = web.path_id()
    text = web.form.get("status", "")
    spoiler = web.form.get("spoiler_text", "").strip()
    try:
        do_edit_post(
            web.rt, web.me, post_id, Edit(text, spoiler_text=spoiler, sensitive=bool(spoiler))
        )
    except ValidationFailed as exc:
        view = get_status(web.rt, web.me, post_id)
        values = {"status": text, "spoiler_text": spoiler}
        return web.render(
            "edit.html", 422, focus=view, values=values, errors={"status": exc.message}
        )
    view = get_status(web.rt, web.me, post_id)
    return web.redirect(f"/@{view.account.username}/{post_id}")


@page()
def history(web: Web) -> Response:
    post, versions = get_history(web.rt, web.viewer_id, web.path_id())
    focus = get_status(web.rt, web.viewer_id, post.id)
    return web.render("history.html", focus=focus, versions=list(reversed(versions)))


routes = [
    Route("/posts/{id:int}/edit", edit_form, methods=["GET"]),
    Route("/posts/{id:int}/edit", save_edit, methods=["POST"]),
    Route("/@{username}/{id:int}/history", history, methods=["GET"]),
]
