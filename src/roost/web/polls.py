"""Polls in the web app: the composer's poll fields, and the vote form under a post
(radio buttons, or checkboxes for a multiple-choice poll), through the API's actions."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.errors import ValidationFailed
from roost.posts.polls import MAX_OPTIONS, PollSpec, do_vote
from roost.posts.queries import hydrate
from roost.web.page import Web, page

# What the composer offers for a poll's length (seconds), Mastodon's web app's choices.
DURATIONS = (
    (300, "5 minutes"),
    (1800, "30 minutes"),
    (3600, "1 hour"),
    (21600, "6 hours"),
    (86400, "1 day"),
    (259200, "3 days"),
    (604800, "7 days"),
)


def poll_from_form(form: dict[str, str]) -> PollSpec | None:
    """The composer's poll, if any option was filled in (``poll_option_0`` ... ``_3``)."""
    options = [form.get(f"poll_option_{i}", "").strip() for i in range(MAX_OPTIONS)]
    options = [o for o in options if o]
    if not options:
        return None
    try:
        expires_in = int(form.get("poll_expires_in", "86400"))
    except ValueError:
        raise ValidationFailed("Choose how long the poll lasts", field="poll") from None
    return PollSpec(
        options=options,
        expires_in=expires_in,
        multiple=form.get("poll_multiple") == "on",
        hide_totals=form.get("poll_hide_totals") == "on",
    )


@page(login=True)
def vote(web: Web) -> Response:
    """``choice`` (one) or ``choice_<n>`` (several)."""
    poll_id = web.path_id()
    picked = [web.form["choice"]] if web.form.get("choice") else []
    picked += [k.removeprefix("choice_") for k in web.form if k.startswith("choice_")]
    try:
        choices = [int(c) for c in picked]
    except ValueError:
        raise ValidationFailed("That option is not in the poll", field="choices") from None
    do_vote(web.rt, web.me, poll_id, choices)
    if web.wants_fragment:
        shown = web.form.get("shown", "")
        views = hydrate(web.rt, web.me, [int(shown)] if shown.isdigit() else [])
        return web.render("_posts.html", posts=views)
    return web.redirect(web.next_url("/"))


routes = [Route("/polls/{id:int}/vote", vote, methods=["POST"])]
