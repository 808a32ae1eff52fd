"""The landing page, the home timeline, hashtag pages, and the viewer's likes and
bookmarks: each a page of posts from the same queries the API serves."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.circles.queries import get_circles
from roost.paging import Page
from roost.posts.queries import (
    get_tag_name,
    hydrate,
    marked_statuses,
    public_statuses,
    tag_statuses,
)
from roost.tags.queries import get_tag
from roost.text import HASHTAG_RE
from roost.timelines.feeds import home_timeline
from roost.web.accounts import render_sign_up
from roost.web.discovery import side_column
from roost.web.filters import filtered
from roost.web.page import PAGE_SIZE, Web, page


def render_home(web: Web, status: int = 200, **context: Any) -> Response:
    if web.viewer_id is None:
        recent = public_statuses(web.rt, None, Page(limit=10))
        return render_sign_up(web, status, timeline=recent, **context)
    page_ = web.page()
    views = home_timeline(web.rt, web.me, page_)
    posted = web.query_int("posted")
    if posted is not None and page_.max_id is None and all(v.post.id != posted for v in views):
        # Fan-out runs in the background: a post just written may not be in the
        # timeline yet when the browser (without JavaScript) comes back to it.
        mine = [v for v in hydrate(web.rt, web.me, [posted]) if v.account.id == web.me]
        views = mine + views
    return web.render(
        "home.html",
        status,
        **filtered(web, views, "home"),
        older=_older(views),
        live_url=_live(web, "/live/home"),
        circles=get_circles(web.rt, web.me),
        **side_column(web),
        undescribed=web.query_int("undescribed") if posted is not None else None,
        **context,
    )


def _live(web: Web, url: str) -> str | None:
    """Only the newest page listens: new posts belong above it, not above older ones.

    The stream is told the newest post shown (``since``, 0 for none) and first sends
    whatever arrived after it, so nothing is lost between the page and the stream."""
    return url if web.page().max_id is None else None


def _older(views: list[Any]) -> int | None:
    return views[-1].post.id if len(views) >= PAGE_SIZE else None


@page()
def home(web: Web) -> Response:
    return render_home(web)


@page()
def tag_page(web: Web) -> Response:
    raw = web.request.path_params["tag"]
    if not HASHTAG_RE.fullmatch(f"#{raw}"):
        return web.render("problem.html", 404, message="That is not a hashtag.", status_code=404)
    name = get_tag_name(web.rt, raw) or raw
    views = tag_statuses(web.rt, web.viewer_id, name, web.page())
    info = get_tag(web.rt, web.viewer_id, name)
    return web.render(
        "tag.html",
        tag=name,
        following=bool(info and info.following),
        **filtered(web, views, "public"),
        older=_older(views),
        live_url=_live(web, f"/live/tags/{name.lower()}"),
        values={"status": f"#{name} "},
    )


@page()
def explore(web: Web) -> Response:
    views = public_statuses(web.rt, web.viewer_id, web.page())
    return web.render(
        "explore.html",
        **filtered(web, views, "public"),
        older=_older(views),
        live_url=_live(web, "/live/public"),
    )


def _marked(web: Web, kind: str, title: str) -> Response:
    marks = marked_statuses(web.rt, web.me, kind, web.page())
    views = [view for _cursor, view in marks]
    older = marks[-1][0] if len(marks) >= PAGE_SIZE else None
    return web.render("marked.html", title=title, kind=kind, timeline=views, older=older)


@page(login=True)
def likes(web: Web) -> Response:
    return _marked(web, "favourites", "Likes")


@page(login=True)
def bookmarks(web: Web) -> Response:
    return _marked(web, "bookmarks", "Bookmarks")


routes = [
    Route("/", home, methods=["GET"]),
    Route("/explore", explore, methods=["GET"]),
    Route("/tags/{tag}", tag_page, methods=["GET"]),
    Route("/likes", likes, methods=["GET"]),
    Route("/bookmarks", bookmarks, methods=["GET"]),
]
