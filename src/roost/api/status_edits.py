"""``PUT /api/v1/statuses/:id`` (editing), its ``history`` and its ``source``.

As Mastodon's: a PUT replaces the text, content warning, sensitivity and
language, and the poll (a PUT without ``poll`` removes it; changed options start
again from no votes). Visibility stays. Another's post is not found, as for DELETE.
"""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.queries import get_account
from roost.api.entities.accounts import account_entity
from roost.api.entities.edits import (
    StatusEdit,
    StatusSource,
    status_edit_entities,
    status_source_entity,
)
from roost.api.entities.statuses import Status, status_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.polls import NewPoll, poll_spec
from roost.api.responses import json_response
from roost.api.statuses import parse_media_ids
from roost.errors import Forbidden
from roost.filters.queries import get_matcher
from roost.posts.edits import Edit, do_edit_post, get_history, get_source
from roost.posts.queries import get_status


class EditedStatus(msgspec.Struct, kw_only=True):
    """The parameters of ``PUT /api/v1/statuses/:id``. As Mastodon's, the post's
    pictures become exactly ``media_ids`` (a PUT without them removes them)."""

    status: str | None = None
    spoiler_text: str | None = None
    sensitive: bool | str | None = None
    language: str | None = None
    media_ids: list[str | int] = []
    poll: NewPoll | None = None


@endpoint(scope="write:statuses", user=True, response=Status, request=EditedStatus)
def edit_status(ctx: Ctx) -> Response:
    p = ctx.params
    post_id = ctx.path_id()
    edit = Edit(
        text=p.get_str("status") or "",
        spoiler_text=p.get_str("spoiler_text") or "",
        sensitive=bool(p.get_bool("sensitive", False)),
        language=p.get_str("language") or None,
        poll=poll_spec(p),
        media_ids=parse_media_ids(ctx),
    )
    try:
        do_edit_post(ctx.rt, ctx.account_id, post_id, edit)
    except Forbidden:
        raise ApiError(404, "Record not found") from None
    view = get_status(ctx.rt, ctx.account_id, post_id)
    return json_response(status_entity(ctx.rt, view, get_matcher(ctx.rt, ctx.account_id, None)))


@endpoint(scope="read:statuses", response=list[StatusEdit])
def show_history(ctx: Ctx) -> Response:
    post, versions = get_history(ctx.rt, ctx.viewer_id, ctx.path_id())
    author = account_entity(ctx.rt, get_account(ctx.rt, post.account_id))
    return json_response(status_edit_entities(author, versions))


@endpoint(scope="read:statuses", auth=True, response=StatusSource)
def show_source(ctx: Ctx) -> Response:
    """A token is needed, as Mastodon's (the post must still be visible to it)."""
    return json_response(status_source_entity(get_source(ctx.rt, ctx.viewer_id, ctx.path_id())))


routes = [
    Route("/api/v1/statuses/{id}", edit_status, methods=["PUT"]),
    Route("/api/v1/statuses/{id}/history", show_history, methods=["GET"]),
    Route("/api/v1/statuses/{id}/source", show_source, methods=["GET"]),
]
