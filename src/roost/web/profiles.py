"""Profile pages (posts, posts and replies, likes), follower and following lists,
and the follow button. Likes are shown to their owner only, as in Mastodon."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import AccountRow, get_account_by_username
from roost.errors import NotFound
from roost.graph.actions import do_follow, do_unfollow
from roost.graph.queries import followers, following, relationships
from roost.posts.queries import account_statuses, marked_statuses
from roost.web.filters import filtered
from roost.web.page import PAGE_SIZE, Web, page

TABS = {
    "posts": "Posts",
    "with_replies": "Posts and replies",
    "likes": "Likes",
}


def _profile(web: Web, account: AccountRow, tab: str, **context: Any) -> Response:
    following_them = followed_by_them = False
    if web.viewer_id is not None and web.viewer_id != account.id:
        rel = relationships(web.rt, web.viewer_id, [account.id])[0]
        following_them, followed_by_them = rel.following, rel.followed_by
    is_me = web.viewer_id == account.id
    return web.render(
        "profile.html",
        account=account,
        tab=tab,
        tabs={k: v for k, v in TABS.items() if k != "likes" or is_me},
        is_me=is_me,
        following_them=following_them,
        followed_by_them=followed_by_them,
        **context,
    )


def _account(web: Web) -> AccountRow:
    return get_account_by_username(web.rt, web.request.path_params["username"])


@page()
def profile(web: Web) -> Response:
    tab = web.request.path_params.get("tab", "posts")
    if tab in ("followers", "following"):
        return _people(web, tab)
    if tab not in TABS:
        raise NotFound("No such page")
    account = _account(web)
    if tab == "likes":
        if web.viewer_id != account.id:
            return web.render("problem.html", 404, message="Likes are private.", status_code=404)
        marks = marked_statuses(web.rt, account.id, "favourites", web.page())
        views = [v for _cursor, v in marks]
        older = marks[-1][0] if len(marks) >= PAGE_SIZE else None
    else:
        views = account_statuses(
            web.rt, web.viewer_id, account.id, web.page(), exclude_replies=tab == "posts"
        )
        older = views[-1].post.id if len(views) >= PAGE_SIZE else None
    return _profile(web, account, tab, **filtered(web, views, "account"), older=older)


def _people(web: Web, kind: str) -> Response:
    account = _account(web)
    edges = (followers if kind == "followers" else following)(web.rt, account.id, web.page())
    older = edges[-1][0] if len(edges) >= PAGE_SIZE else None
    return _profile(web, account, kind, people=[row for _cursor, row in edges], older=older)


@page(login=True)
def follow(web: Web) -> Response:
    verb = web.request.path_params["verb"]
    if verb not in ("follow", "unfollow"):
        raise NotFound("No such action")
    account = _account(web)
    if verb == "follow":
        do_follow(web.rt, web.me, account.id)
    else:
        do_unfollow(web.rt, web.me, account.id)
    return web.redirect(web.next_url(f"/@{account.username}"))


routes = [
    Route("/@{username}", profile, methods=["GET"]),
    Route("/@{username}/{tab}", profile, methods=["GET"]),
    Route("/@{username}/{verb}", follow, methods=["POST"]),
]
