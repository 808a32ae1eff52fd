"""Reporting an account, or one of its posts, from the web app (the ⋯ menu on a
post, the profile). The same action as ``POST /api/v1/reports``."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account_by_username
from roost.errors import ValidationFailed
from roost.ids import parse_id
from roost.instance.queries import list_rules
from roost.moderation.actions import CATEGORIES, COMMENT_MAX, do_report
from roost.posts.queries import get_status
from roost.web.page import Web, page

CATEGORY_LABELS = {
    "spam": "Spam: ads, scams, repeated posts",
    "legal": "Illegal content",
    "violation": "It breaks the community's rules",
    "other": "Something else",
}
assert set(CATEGORY_LABELS) == set(CATEGORIES)


def _context(web: Web, post_id: int | None) -> dict[str, Any]:
    """The account, and the post (which must be theirs and one the viewer may see)."""
    account = get_account_by_username(web.rt, web.request.path_params["username"])
    focus = None
    if post_id is not None:
        focus = get_status(web.rt, web.me, post_id)
        if focus.post.account_id != account.id:
            focus = None
    return {
        "account": account,
        "focus": focus,
        "categories": CATEGORY_LABELS,
        "comment_max": COMMENT_MAX,
        "rules": list_rules(web.rt),
    }


@page(login=True)
def report_form(web: Web) -> Response:
    return web.render("report.html", **_context(web, web.query_int("post")))


@page(login=True)
def send_report(web: Web) -> Response:
    context = _context(web, parse_id(web.form.get("post")))
    focus = context["focus"]
    values = {"category": web.form.get("category", ""), "comment": web.form.get("comment", "")}
    # One checkbox per rule (``rule_<id>``), read only for a "breaks the rules" report.
    cited = [
        key.removeprefix("rule_")
        for key, value in web.form.items()
        if key.startswith("rule_") and value == "on"
    ]
    values |= {f"rule_{rule_id}": "on" for rule_id in cited}
    try:
        do_report(
            web.rt,
            web.me,
            context["account"].id,
            status_ids=[focus.post.id] if focus else [],
            comment=values["comment"],
            category=values["category"],
            rule_ids=cited if values["category"] == "violation" else [],
        )
    except ValidationFailed as exc:
        # Shown next to the field it concerns; other problems (reporting oneself)
        # next to the comment, the form's last field.
        shown = exc.field if exc.field in ("category", "comment", "rule_ids") else "comment"
        errors = {shown: exc.message}
        return web.render("report.html", 422, values=values, errors=errors, **context)
    return web.render("report.html", sent=True, **context)


routes = [
    Route("/@{username}/report", report_form, methods=["GET"]),
    Route("/@{username}/report", send_report, methods=["POST"]),
]
