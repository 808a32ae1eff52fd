"""The notifications page: grouped as the apps group them ("alice and 3 others liked
your post"), newest first. Opening its first page is reading it: the
``notifications`` marker moves to the newest notification, which clears the badge
in the navigation here and in every app that reads the marker."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.filters.queries import get_matcher
from roost.markers.actions import do_save_markers
from roost.notifications.actions import do_clear_notifications
from roost.notifications.queries import (
    NotificationGroup,
    get_marker_id,
    grouped_notifications,
    list_notifications,
)
from roost.paging import Page
from roost.web.page import PAGE_SIZE, Web, page

# What each kind of notification says after the names of the people behind it.
VERBS = {
    "favourite": "liked your post",
    "reblog": "reposted your post",
    "follow": "followed you",
    "follow_request": "asked to follow you",
    "mention": "mentioned you",
    "status": "posted",
    "quote": "quoted your post",
    "update": "edited a post you interacted with",
    "poll": "ran a poll that has ended",
}
# Shown in full (someone wrote to or about the viewer); the rest quote the post briefly.
FULL_POST = ("mention", "status", "quote", "update", "poll")


def _mark_read(web: Web) -> int:
    """Moves the marker forward to the newest notification (never back: another app
    may have read further) and returns where it was, to mark what is new."""
    before = get_marker_id(web.rt, web.me, "notifications")
    _views, ids = list_notifications(web.rt, web.me, Page(limit=1))
    if ids and ids[0] > before:
        do_save_markers(web.rt, web.me, {"notifications": ids[0]})
    return before


def _older(groups: list[NotificationGroup]) -> int | None:
    """A group can reach past the page's last row: the next page starts below the
    oldest row any group on this page took in."""
    if len(groups) < PAGE_SIZE:
        return None
    return min(g.page_min_id for g in groups)


@page(login=True)
def notifications_page(web: Web) -> Response:
    page_ = web.page()
    groups = grouped_notifications(web.rt, web.me, page_)
    seen = _mark_read(web) if page_.max_id is None else None
    # A notification about a post a hide filter catches is left out; older pages still follow.
    matcher = get_matcher(web.rt, web.me, "notifications")
    return web.render(
        "notifications.html",
        groups=[g for g in groups if g.status is None or not matcher.hides(g.status)],
        matcher=matcher,
        seen=seen,
        verbs=VERBS,
        full_post=FULL_POST,
        older=_older(groups),
    )


@page(login=True)
def clear(web: Web) -> Response:
    do_clear_notifications(web.rt, web.me)
    return web.redirect("/notifications")


routes = [
    Route("/notifications", notifications_page, methods=["GET"]),
    Route("/notifications/clear", clear, methods=["POST"]),
]
