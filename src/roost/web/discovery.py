"""Trends and who to follow: the Trends page, the Who-to-follow page (follow or
dismiss each suggestion), and the side column of the home page that shows a few of
each (a wide screen shows it beside the timeline; a phone links to the pages)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.store.schema import utcnow
from roost.suggestions.actions import do_dismiss_suggestion
from roost.suggestions.queries import get_suggestions
from roost.trends.queries import current_trends, trending_statuses
from roost.web.filters import filtered
from roost.web.page import Web, page

SIDE_TAGS = 5
SIDE_SUGGESTIONS = 3


def side_column(web: Web) -> dict[str, Any]:
    """What the home page's side column shows: a few trends and suggestions."""
    now = utcnow()
    return {
        "side_tags": current_trends(web.rt, "tag")[:SIDE_TAGS],
        "side_suggestions": get_suggestions(web.rt, web.me, now, limit=SIDE_SUGGESTIONS),
    }


@page()
def trends(web: Web) -> Response:
    now = utcnow()
    views = trending_statuses(web.rt, web.viewer_id, now, limit=20)
    return web.render(
        "trends.html",
        tags=current_trends(web.rt, "tag"),
        links=current_trends(web.rt, "link")[:10],
        **filtered(web, views, "public"),
    )


@page(login=True)
def suggestions(web: Web) -> Response:
    return web.render("suggestions.html", suggestions=get_suggestions(web.rt, web.me, utcnow()))


@page(login=True)
def dismiss(web: Web) -> Response:
    account = get_account(web.rt, web.path_id())
    do_dismiss_suggestion(web.rt, web.me, account.id)
    return web.redirect(web.next_url("/suggestions"))


routes = [
    Route("/trends", trends, methods=["GET"]),
    Route("/suggestions", suggestions, methods=["GET"]),
    Route("/suggestions/{id}/dismiss", dismiss, methods=["POST"]),
]
