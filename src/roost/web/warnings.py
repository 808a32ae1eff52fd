"""A person's own warnings from the moderators (``/settings/warnings``): what was done
and the message that came with it. Who acted is not shown, as Mastodon's "account
status" page does not name the moderator."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.moderation.queries import list_warnings
from roost.web.page import Web, page


@page(login=True)
def warnings(web: Web) -> Response:
    return web.render("warnings.html", warnings=list_warnings(web.rt, web.me))


routes = [Route("/settings/warnings", warnings, methods=["GET"])]
