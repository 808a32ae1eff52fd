"""The "Muted words" settings page, and the one step every page of posts takes:
drop what the viewer's ``hide`` filters catch and hand the template the matcher,
so a post a ``warn`` filter catches is shown folded ("Filtered: … — Show anyway")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.errors import ValidationFailed
from roost.filters.actions import KeywordChange, do_create_filter, do_delete_filter
from roost.filters.models import CONTEXTS
from roost.filters.queries import get_filters, get_matcher
from roost.ids import parse_id
from roost.posts.queries import StatusView
from roost.web.page import Web, page

CONTEXT_LABELS = {
    "home": "Home",
    "notifications": "Notifications",
    "public": "Explore and hashtags",
    "thread": "Conversations",
    "account": "Profiles",
}
EXPIRIES = {
    "": "Never",
    "1800": "30 minutes",
    "3600": "1 hour",
    "86400": "1 day",
    "604800": "1 week",
}


def filtered(web: Web, views: Sequence[StatusView], context: str) -> dict[str, Any]:
    """Template context for a page of posts shown in ``context``."""
    matcher = get_matcher(web.rt, web.viewer_id, context)
    return {"timeline": matcher.shown(views), "matcher": matcher}


def _page(web: Web, status: int = 200, **context: Any) -> Response:
    return web.render(
        "filters.html",
        status,
        filters=get_filters(web.rt, web.me),
        contexts=CONTEXT_LABELS,
        expiries=EXPIRIES,
        **context,
    )


@page(login=True)
def filters_page(web: Web) -> Response:
    return _page(web, saved=web.request.query_params.get("saved", ""))


@page(login=True)
def add_filter(web: Web) -> Response:
    form = web.form
    phrase = form.get("phrase", "").strip()
    context = [c for c in CONTEXTS if form.get(f"context_{c}")]
    values = {"phrase": phrase, "context": context, "action": form.get("action", "hide")}
    expires = form.get("expires_in", "")
    try:
        do_create_filter(
            web.rt,
            web.me,
            title=phrase,
            context=context,
            filter_action=values["action"] if values["action"] in ("warn", "hide") else "hide",
            expires_in=int(expires) if expires in EXPIRIES and expires else None,
            keywords=[KeywordChange(phrase, bool(form.get("whole_word")))],
        )
    except ValidationFailed as exc:
        field = "phrase" if exc.field in ("title", "keyword") else exc.field or "phrase"
        return _page(web, 422, values=values, errors={field: exc.message})
    return web.redirect("/settings/filters?saved=added")


@page(login=True)
def delete_filter(web: Web) -> Response:
    filter_id = parse_id(web.request.path_params["id"])
    if filter_id is not None:
        do_delete_filter(web.rt, web.me, filter_id)
    return web.redirect("/settings/filters?saved=deleted")


routes = [
    Route("/settings/filters", filters_page, methods=["GET"]),
    Route("/settings/filters", add_filter, methods=["POST"]),
    Route("/settings/filters/{id}/delete", delete_filter, methods=["POST"]),
]
