"""Profile pages (posts, posts and replies, likes), follower and following lists,
and the follow, mute and block buttons. Likes are shown to their owner only, as in
Mastodon."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import AccountRow, get_account_by_username
from roost.errors import NotFound
from roost.graph.actions import do_follow, do_unfollow
from roost.graph.blocks import do_block, do_mute, do_unblock, do_unmute
from roost.graph.queries import Relationship, followers, following, relationships
from roost.posts.queries import account_statuses, marked_statuses
from roost.tags.queries import featured_tags_of
from roost.web.filters import filtered
from roost.web.page import PAGE_SIZE, Web, page

TABS = {
    "posts": "Posts",
    "with_replies": "Posts and replies",
    "likes": "Likes",
}


def _profile(web: Web, account: AccountRow, tab: str, **context: Any) -> Response:
    following_them = followed_by_them = requested = False
    rel = Relationship(account.id, following=False, followed_by=False)
    if web.viewer_id is not None and web.viewer_id != account.id:
        rel = relationships(web.rt, web.viewer_id, [account.id])[0]
        following_them, followed_by_them = rel.following, rel.followed_by
        requested = rel.requested
    is_me = web.viewer_id == account.id
    return web.render(
        "profile.html",
        account=account,
        tab=tab,
        tabs={k: v for k, v in TABS.items() if k != "likes" or is_me},
        is_me=is_me,
        following_them=following_them,
        followed_by_them=followed_by_them,
        requested=requested,
        rel=rel,
        featured_tags=featured_tags_of(web.rt, account.id),
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


def _bell(on: bool) -> Any:
    """The bell: "tell me when they post" (the follow's notify switch, which the
    notifications, the API's ``notify`` and the phone's ON/OFF share)."""
    return lambda rt, me, target: do_follow(rt, me, target, notify=on)


VERBS: dict[str, Any] = {
    "follow": do_follow,
    "notify": _bell(True),
    "unnotify": _bell(False),
    "unfollow": do_unfollow,
    "mute": do_mute,
    "unmute": do_unmute,
    "block": do_block,
    "unblock": do_unblock,
}


@page(login=True)
def follow(web: Web) -> Response:
    """Follow, mute or block (and undo each): one form per verb, each the same action
    the API calls."""
    action = VERBS.get(web.request.path_params["verb"])
    if action is None:
        raise NotFound("No such action")
    account = _account(web)
    action(web.rt, web.me, account.id)
    return web.redirect(web.next_url(f"/@{account.username}"))


routes = [
    Route("/@{username}", profile, methods=["GET"]),
    Route("/@{username}/{tab}", profile, methods=["GET"]),
    Route("/@{username}/{verb}", follow, methods=["POST"]),
]
