"""The search page (results as you type: a plain form, which a few lines of script
submit while typing and whose results they swap in), the directory of the server's
accounts, following hashtags (the button on a tag page, the followed and featured
hashtags page). All through ``roost.search`` and ``roost.tags``, as the API."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.errors import NotFound, ValidationFailed
from roost.ids import parse_id
from roost.paging import Page
from roost.search.queries import ORDERS, directory, search
from roost.tags.actions import do_feature_tag, do_follow_tag, do_unfeature_tag, do_unfollow_tag
from roost.tags.queries import featured_tag_suggestions, featured_tags_of, followed_tags
from roost.web.page import Web, page

RESULTS = 20
DIRECTORY_PAGE = 40


@page()
def search_page(web: Web) -> Response:
    q = web.request.query_params.get("q", "").strip()[:500]
    order = web.request.query_params.get("order", "newest")
    order = order if order in ORDERS else "newest"
    offset = _offset(web)
    context: dict[str, Any] = {"q": q, "order": order, "offset": offset, "results": None}
    status = 200
    if q:
        try:
            context["results"] = search(
                web.rt, web.viewer_id, q, order=order, offset=offset, limit=RESULTS
            )
        except ValidationFailed as exc:
            context["problem"], status = exc.message, 422
    context["more"] = bool(context["results"] and len(context["results"].statuses) >= RESULTS)
    template = "_search_results.html" if web.wants_fragment else "search.html"
    return web.render(template, status, **context)


def _offset(web: Web) -> int:
    raw = web.request.query_params.get("offset", "0")
    return min(int(raw), 10_000) if raw.isdigit() else 0


@page()
def directory_page(web: Web) -> Response:
    order = "new" if web.request.query_params.get("order") == "new" else "active"
    offset = _offset(web)
    accounts = directory(web.rt, web.viewer_id, order=order, offset=offset, limit=DIRECTORY_PAGE)
    return web.render(
        "directory.html",
        accounts=accounts,
        order=order,
        offset=offset,
        more=len(accounts) >= DIRECTORY_PAGE,
    )


@page(login=True)
def follow_tag(web: Web) -> Response:
    name, verb = web.request.path_params["tag"], web.request.path_params["verb"]
    if verb == "follow":
        do_follow_tag(web.rt, web.me, name)
    elif verb == "unfollow":
        do_unfollow_tag(web.rt, web.me, name)
    else:
        raise NotFound("Record not found")
    return web.redirect(web.next_url(f"/tags/{name}"))


def _hashtags(web: Web, status: int = 200, **context: Any) -> Response:
    return web.render(
        "hashtags.html",
        status,
        followed=[info for _, info in followed_tags(web.rt, web.me, Page(limit=200))],
        featured=featured_tags_of(web.rt, web.me),
        suggestions=featured_tag_suggestions(web.rt, web.me),
        **context,
    )


@page(login=True)
def hashtags_page(web: Web) -> Response:
    return _hashtags(web)


@page(login=True)
def feature(web: Web) -> Response:
    try:
        do_feature_tag(web.rt, web.me, web.form.get("name", ""))
    except ValidationFailed as exc:
        return _hashtags(web, 422, errors={"name": exc.message}, values=web.form)
    return web.redirect("/followed_tags")


@page(login=True)
def unfeature(web: Web) -> Response:
    featured_id = parse_id(web.form.get("id"))
    if featured_id is None:
        raise NotFound("Record not found")
    do_unfeature_tag(web.rt, web.me, featured_id)
    return web.redirect("/followed_tags")


routes = [
    Route("/search", search_page, methods=["GET"]),
    Route("/directory", directory_page, methods=["GET"]),
    Route("/followed_tags", hashtags_page, methods=["GET"]),
    Route("/featured_tags", feature, methods=["POST"]),
    Route("/featured_tags/remove", unfeature, methods=["POST"]),
    Route("/tags/{tag}/{verb:str}", follow_tag, methods=["POST"]),
]
