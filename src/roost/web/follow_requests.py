"""The follow requests page of a locked account: who asks to follow, with Approve
and Reject buttons (the same actions as ``/api/v1/follow_requests``)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account_by_username
from roost.errors import NotFound
from roost.graph.actions import do_authorize_follow_request, do_reject_follow_request
from roost.graph.queries import follow_requesters
from roost.web.page import PAGE_SIZE, Web, page


@page(login=True)
def follow_requests_page(web: Web) -> Response:
    rows = follow_requesters(web.rt, web.me, web.page())
    older = rows[-1][0] if len(rows) >= PAGE_SIZE else None
    return web.render(
        "follow_requests.html",
        requesters=[row for _cursor, row in rows],
        older=older,
        done=web.request.query_params.get("done", ""),
    )


@page(login=True)
def answer(web: Web) -> Response:
    verb = web.request.path_params["verb"]
    if verb not in ("authorize", "reject"):
        raise NotFound("No such action")
    requester = get_account_by_username(web.rt, web.request.path_params["username"])
    if verb == "authorize":
        do_authorize_follow_request(web.rt, web.me, requester.id)
    else:
        do_reject_follow_request(web.rt, web.me, requester.id)
    return web.redirect(f"/follow_requests?done={verb}")


routes = [
    Route("/follow_requests", follow_requests_page, methods=["GET"]),
    Route("/follow_requests/{username}/{verb}", answer, methods=["POST"]),
]
