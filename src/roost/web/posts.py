"""Writing posts and acting on them (like, repost, bookmark, delete), and the post
page with its whole thread. With JavaScript on, the small script sends the same
forms with a header and swaps the HTML fragment it gets back into the page."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from roost.errors import NotFound, ValidationFailed
from roost.filters.queries import get_matcher
from roost.ids import parse_id
from roost.media.actions import MAX_ATTACHMENTS, do_upload_media
from roost.posts.actions import do_create_post, do_delete_post, do_reblog, do_unreblog
from roost.posts.marks import do_bookmark, do_favourite, do_unbookmark, do_unfavourite
from roost.posts.queries import StatusView, get_context, get_status, hydrate
from roost.runtime import Runtime
from roost.web.page import Web, page
from roost.web.polls import poll_from_form
from roost.web.scheduled import schedule_from_form
from roost.web.timelines import render_home

ACTIONS: dict[str, Callable[[Runtime, int, int], object]] = {
    "like": do_favourite,
    "unlike": do_unfavourite,
    "repost": do_reblog,
    "unrepost": do_unreblog,
    "bookmark": do_bookmark,
    "unbookmark": do_unbookmark,
    "delete": do_delete_post,
}

FORM_VISIBILITIES = ("public", "unlisted", "private", "direct")


def post_url(view: StatusView) -> str:
    return f"/@{view.account.username}/{view.post.id}"


@page(login=True, files=MAX_ATTACHMENTS)
def create_post(web: Web) -> Response:
    text = web.form.get("status", "")
    reply_to = web.form.get("in_reply_to_id", "")
    in_reply_to_id = parse_id(reply_to)
    visibility = web.form.get("visibility", "public")
    # The composer offers each circle as "circle:<id>" (stored as followers-only); a
    # malformed one is refused (circle 0 does not exist), never posted publicly.
    circle_id = None
    if visibility.startswith("circle:"):
        circle_id = parse_id(visibility.removeprefix("circle:")) or 0
    try:
        media_ids, undescribed = _upload_pictures(web)
        poll = poll_from_form(web.form)
        if web.form.get("scheduled_at"):  # issue 12: the post waits for its time
            return schedule_from_form(
                web,
                {
                    "text": text,
                    "visibility": visibility if visibility in FORM_VISIBILITIES else "public",
                    "in_reply_to_id": in_reply_to_id,
                    "circle_id": circle_id,
                    "poll": poll.as_params() if poll else None,
                    "media_ids": media_ids,
                },
            )
        post_id = do_create_post(
            web.rt,
            web.me,
            text,
            visibility=visibility if visibility in FORM_VISIBILITIES else "public",
            in_reply_to_id=in_reply_to_id,
            circle_id=circle_id,
            media_ids=media_ids,
            poll=poll,
        )
    except ValidationFailed as exc:
        errors = {"status": exc.message}
        values = {**web.form, "status": text, "visibility": visibility}  # poll, time kept
        if web.wants_fragment:
            return HTMLResponse(
                web.render_text("_error.html", message=exc.message), status_code=422
            )
        if in_reply_to_id is not None:
            return _thread(web, in_reply_to_id, 422, errors=errors, values=values)
        return render_home(web, 422, errors=errors, values=values)
    if web.wants_fragment:
        return web.render("_posts.html", posts=hydrate(web.rt, web.me, [post_id]))
    if in_reply_to_id is not None:
        parent = get_status(web.rt, web.me, in_reply_to_id)
        return web.redirect(f"{post_url(parent)}#post-{post_id}")
    if undescribed:  # the gentle notice (with JavaScript, a confirm came first)
        return web.redirect(web.next_url(f"/?posted={post_id}&undescribed={undescribed}"))
    return web.redirect(web.next_url(f"/?posted={post_id}"))


def _upload_pictures(web: Web) -> tuple[list[int], int]:
    """The composer's pictures (``media_1``..``media_4``, each with its ``alt_N``),
    processed at once; returns their IDs and how many have no description."""
    media_ids: list[int] = []
    undescribed = 0
    for n in range(1, MAX_ATTACHMENTS + 1):
        data = web.files.get(f"media_{n}")
        if not data:
            continue
        alt = web.form.get(f"alt_{n}", "").strip()
        undescribed += not alt
        media_ids.append(
            do_upload_media(
                web.rt, web.me, data, content_type=None, filename=None, description=alt or None
            )
        )
    return media_ids, undescribed


@page(login=True)
def act(web: Web) -> Response:
    action = web.request.path_params["action"]
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound("No such action")
    post_id = web.path_id()
    handler(web.rt, web.me, post_id)
    if web.wants_fragment:
        shown = web.form.get("shown", "")
        shown_id = parse_id(shown) or post_id
        views = hydrate(web.rt, web.me, [shown_id]) if action != "delete" else []
        return web.render("_posts.html", posts=views)
    return web.redirect(web.next_url("/"))


def _reply_prefill(web: Web, focus: StatusView) -> str:
    """The author, and for a direct message everyone in it: a reply that dropped
    them would leave them out of the conversation."""
    people = [focus.account] + (focus.mentions if focus.post.visibility == "direct" else [])
    names = dict.fromkeys(a.username for a in people if a.id != web.viewer_id)
    return "".join(f"@{name} " for name in names)


def _thread(web: Web, post_id: int, status: int = 200, **context: object) -> Response:
    focus = get_status(web.rt, web.viewer_id, post_id)
    thread = get_context(web.rt, web.viewer_id, post_id)
    values = context.pop("values", None) or {"status": _reply_prefill(web, focus)}
    matcher = get_matcher(web.rt, web.viewer_id, "thread")
    return web.render(
        "thread.html",
        status,
        focus=focus,
        ancestors=matcher.shown(thread.ancestors),
        descendants=matcher.shown(thread.descendants),
        matcher=matcher,
        values=values,
        **context,
    )


@page()
def thread_page(web: Web) -> Response:
    post_id = web.path_id()
    focus = get_status(web.rt, web.viewer_id, post_id)
    if focus.account.username.lower() != web.request.path_params["username"].lower():
        return web.redirect(post_url(focus))
    if focus.reblog is not None:  # a repost's page is the original's
        return web.redirect(post_url(focus.reblog))
    return _thread(web, post_id)


routes = [
    Route("/posts", create_post, methods=["POST"]),
    Route("/posts/{id:int}/{action}", act, methods=["POST"]),
    Route("/@{username}/{id:int}", thread_page, methods=["GET"]),
]
