"""``/admin/outbox``: the mail Roost sent or queued, for administrators. In log mode
(no ``ROOST_SMTP_URL``) this is where mail is delivered: the operator can read a
newcomer's confirmation link to them. Bodies that carried a sign-in link are erased
once an SMTP server took them."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.roles import at_least
from roost.errors import Forbidden
from roost.mail.queries import list_outbox
from roost.paging import Page
from roost.web.page import Web, page

PAGE = 50


@page(login=True)
def outbox(web: Web) -> Response:
    viewer = web.viewer
    if viewer is None or not at_least(viewer.role, "admin"):
        raise Forbidden("Only administrators can read the outbox.")
    rows = list_outbox(web.rt, Page(max_id=web.query_int("max_id"), limit=PAGE))
    older = rows[-1].id if len(rows) == PAGE else None
    return web.render(
        "admin_outbox.html", messages=rows, older=older, smtp=bool(web.rt.settings.smtp_url)
    )


routes = [Route("/admin/outbox", outbox, methods=["GET"])]
