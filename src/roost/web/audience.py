"""The "Muted and blocked people" settings page: whom the viewer mutes and blocks,
each with its undo button (a form posting to the profile's unmute or unblock)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.graph.queries import blocked_accounts, muted_accounts
from roost.paging import Page
from roost.web.page import Web, page

# Enough for a page of settings; the API pages through any number.
SHOWN = 200


@page(login=True)
def audience_page(web: Web) -> Response:
    return web.render(
        "audience.html",
        muted=[row for _, row in muted_accounts(web.rt, web.me, Page(limit=SHOWN))],
        blocked=[row for _, row in blocked_accounts(web.rt, web.me, Page(limit=SHOWN))],
    )


routes = [Route("/settings/audience", audience_page, methods=["GET"])]
