"""``/api/v1/statuses``: posting, reading, deleting, threads, and what people do to a post
(favourite, reblog, bookmark, pin) and who did it."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.accounts import Account, account_entity
from roost.api.entities.scheduled import ScheduledStatus
from roost.api.entities.statuses import (
    Context,
    Status,
    context_entity,
    deleted_status_entity,
    status_entities,
    status_entity,
)
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.polls import NewPoll, poll_spec
from roost.api.responses import json_response
from roost.api.scheduled_statuses import schedule_status
from roost.filters.queries import get_matcher
from roost.ids import parse_id
from roost.posts.actions import (
    POSTING_RULE,
    do_create_post,
    do_delete_post,
    do_reblog,
    do_unreblog,
    posting_defaults,
)
from roost.posts.marks import (
    do_bookmark,
    do_favourite,
    do_mute_conversation,
    do_pin,
    do_unbookmark,
    do_unfavourite,
    do_unpin,
)
from roost.posts.queries import (
    StatusView,
    favourited_by,
    get_context,
    get_status,
    hydrate,
    reblogged_by,
)
from roost.runtime import Runtime

READ = "read:statuses"
WRITE = "write:statuses"


def _optional_id(*raws: str | int | None) -> int | None:
    """An ID parameter that names a post; one that cannot exist is simply not found."""
    for raw in raws:
        if raw is not None and raw != "":
            value = parse_id(str(raw))
            if value is None:
                raise ApiError(404, "Record not found")
            return value
    return None


def parse_media_ids(ctx: Ctx) -> list[int]:
    """``media_ids[]``: an ID that cannot exist is "not found", like one of someone else's."""
    raw = [str(m) for m in ctx.input.media_ids if m != ""]
    found = [parse_id(m) for m in raw]
    missing = [m for m, i in zip(raw, found, strict=True) if i is None]
    if missing:
        message = f"Media not found: {', '.join(missing[:4])}"
        raise ApiError(
            422,
            f"Validation failed: {message}",
            {"media_ids": [{"error": "ERR_INVALID", "description": message}]},
        )
    return [i for i in found if i is not None]


def _status(ctx: Ctx, post_id: int) -> Response:
    """A status asked for by ID is never hidden; ``filtered`` lists every filter it
    trips, whatever the context, as Mastodon's does (the app decides)."""
    view = get_status(ctx.rt, ctx.viewer_id, post_id)
    return json_response(status_entity(ctx.rt, view, get_matcher(ctx.rt, ctx.viewer_id, None)))


class NewStatus(msgspec.Struct, kw_only=True):
    """The parameters of ``POST /api/v1/statuses`` (IDs may come as strings or
    numbers; ``quote_id`` is the older name of ``quoted_status_id``; ``poll`` and
    ``scheduled_at`` as Mastodon). ``circle_id`` is Roost's: the post is seen
    by the circle's members and its author only, and Mastodon clients see it as
    ``private``; a reply to a circle post stays in that circle whatever is asked."""

    status: str | None = None
    visibility: str | None = None
    in_reply_to_id: str | int | None = None
    quoted_status_id: str | int | None = None
    quote_id: str | int | None = None
    spoiler_text: str | None = None
    sensitive: bool = False
    language: str | None = None
    media_ids: list[str | int] = []
    scheduled_at: str | None = None
    circle_id: str | int | None = None
    poll: NewPoll | None = None


@endpoint(
    scope=WRITE,
    user=True,
    response=(Status, ScheduledStatus),
    request=NewStatus,
    limit=POSTING_RULE,
)
def create_status(ctx: Ctx) -> Response:
    """With ``scheduled_at``, answers with a ScheduledStatus (see ``schedule_status``)."""
    form: NewStatus = ctx.input
    if form.scheduled_at:
        return schedule_status(ctx)
    key = ctx.request.headers.get("idempotency-key")
    visibility, language = posting_defaults(
        ctx.rt, ctx.account_id, form.visibility or None, form.language or None
    )
    post_id = do_create_post(
        ctx.rt,
        ctx.account_id,
        form.status or "",
        visibility=visibility,
        in_reply_to_id=_optional_id(form.in_reply_to_id),
        quote_id=_optional_id(form.quoted_status_id, form.quote_id),
        spoiler_text=form.spoiler_text or "",
        sensitive=form.sensitive,
        language=language,
        idempotency_key=key.strip() if key and key.strip() else None,
        application_id=ctx.token.application_id if ctx.token else None,
        circle_id=_optional_id(form.circle_id),
        media_ids=parse_media_ids(ctx),
        poll=poll_spec(ctx.params),
    )
    return _status(ctx, post_id)


MAX_MANY = 40


class StatusIds(msgspec.Struct, kw_only=True):
    id: list[str] = []


@endpoint(scope=READ, response=list[Status], request=StatusIds)
def show_statuses(ctx: Ctx) -> Response:
    """``GET /api/v1/statuses?id[]=…``: the visible ones among them, in the order asked."""
    raw = list(dict.fromkeys(ctx.input.id))
    if len(raw) > MAX_MANY:
        raise ApiError(422, f"Validation failed: at most {MAX_MANY} IDs")
    wanted = [i for i in map(parse_id, raw) if i is not None]
    return json_response(status_entities(ctx.rt, hydrate(ctx.rt, ctx.viewer_id, wanted)))


@endpoint(scope=READ, response=Status)
def show_status(ctx: Ctx) -> Response:
    return _status(ctx, ctx.path_id())


class DeleteStatus(msgspec.Struct, kw_only=True):
    """``delete_media``: drop the pictures now instead of keeping them a day for a redraft."""

    delete_media: bool = False


@endpoint(scope=WRITE, user=True, response=Status, request=DeleteStatus)
def delete_status(ctx: Ctx) -> Response:
    view = get_status(ctx.rt, ctx.account_id, ctx.path_id())
    if view.post.account_id != ctx.account_id:
        raise ApiError(404, "Record not found")  # as Mastodon: others' posts are not "yours"
    # Mastodon keeps the pictures a day for "delete and redraft" unless ``delete_media``.
    keep_media = not ctx.input.delete_media
    deleted = do_delete_post(ctx.rt, ctx.account_id, view.post.id, keep_media=keep_media)
    return json_response(deleted_status_entity(ctx.rt, view, deleted.text))


@endpoint(scope=READ, response=Context)
def show_context(ctx: Ctx) -> Response:
    context = get_context(ctx.rt, ctx.viewer_id, ctx.path_id())
    matcher = get_matcher(ctx.rt, ctx.viewer_id, "thread")
    context.ancestors = matcher.shown(context.ancestors)
    context.descendants = matcher.shown(context.descendants)
    return json_response(context_entity(ctx.rt, context, matcher))


def _proper(view: StatusView) -> StatusView:
    """Marks land on the reposted post, never on a repost."""
    return view.reblog if view.reblog is not None else view


def _mark(ctx: Ctx, action: Callable[[Runtime, int, int], None]) -> Response:
    """Marks the post (the reposted one, if the ID is a repost's) and answers with
    the status asked about, as Mastodon does: a repost shows its post's marks."""
    asked = get_status(ctx.rt, ctx.account_id, ctx.path_id())
    action(ctx.rt, ctx.account_id, _proper(asked).post.id)
    return _status(ctx, asked.post.id)


@endpoint(scope="write:favourites", user=True, response=Status)
def favourite(ctx: Ctx) -> Response:
    return _mark(ctx, do_favourite)


@endpoint(scope="write:favourites", user=True, response=Status)
def unfavourite(ctx: Ctx) -> Response:
    return _mark(ctx, do_unfavourite)


@endpoint(scope="write:mutes", user=True, response=Status)
def mute_thread(ctx: Ctx) -> Response:
    """No more notifications from the post's thread (Mastodon's conversation mute)."""
    return _mark(ctx, do_mute_conversation)


@endpoint(scope="write:mutes", user=True, response=Status)
def unmute_thread(ctx: Ctx) -> Response:
    return _mark(ctx, lambda rt, me, post_id: do_mute_conversation(rt, me, post_id, on=False))


@endpoint(scope="write:bookmarks", user=True, response=Status)
def bookmark(ctx: Ctx) -> Response:
    return _mark(ctx, do_bookmark)


@endpoint(scope="write:bookmarks", user=True, response=Status)
def unbookmark(ctx: Ctx) -> Response:
    return _mark(ctx, do_unbookmark)


@endpoint(scope="write:accounts", user=True, response=Status)
def pin(ctx: Ctx) -> Response:
    return _mark(ctx, do_pin)


@endpoint(scope="write:accounts", user=True, response=Status)
def unpin(ctx: Ctx) -> Response:
    return _mark(ctx, do_unpin)


@endpoint(scope=WRITE, user=True, response=Status)
def reblog(ctx: Ctx) -> Response:
    """Answers with the repost, which wraps the original, as Mastodon does."""
    reblog_id = do_reblog(ctx.rt, ctx.account_id, ctx.path_id())
    return _status(ctx, reblog_id)


@endpoint(scope=WRITE, user=True, response=Status)
def unreblog(ctx: Ctx) -> Response:
    """Answers with the post that was reposted (the repost is gone)."""
    target = _proper(get_status(ctx.rt, ctx.account_id, ctx.path_id())).post.id
    do_unreblog(ctx.rt, ctx.account_id, target)
    return _status(ctx, target)


@endpoint(scope="read:accounts", response=list[Account], request=PageParams)
def show_favourited_by(ctx: Ctx) -> Response:
    page = read_page(ctx.input, default=40, maximum=80)
    rows = favourited_by(ctx.rt, ctx.viewer_id, ctx.path_id(), page)
    return json_response(
        [account_entity(ctx.rt, row) for _, row in rows],
        headers=link_header(ctx.request, [cursor for cursor, _ in rows], page),
    )


@endpoint(scope="read:accounts", response=list[Account], request=PageParams)
def show_reblogged_by(ctx: Ctx) -> Response:
    page = read_page(ctx.input, default=40, maximum=80)
    rows = reblogged_by(ctx.rt, ctx.viewer_id, ctx.path_id(), page)
    return json_response(
        [account_entity(ctx.rt, row) for _, row in rows],
        headers=link_header(ctx.request, [cursor for cursor, _ in rows], page),
    )


routes = [
    Route("/api/v1/statuses", create_status, methods=["POST"]),
    Route("/api/v1/statuses", show_statuses, methods=["GET"]),
    Route("/api/v1/statuses/{id}", show_status, methods=["GET"]),
    Route("/api/v1/statuses/{id}", delete_status, methods=["DELETE"]),
    Route("/api/v1/statuses/{id}/context", show_context, methods=["GET"]),
    Route("/api/v1/statuses/{id}/favourite", favourite, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unfavourite", unfavourite, methods=["POST"]),
    Route("/api/v1/statuses/{id}/reblog", reblog, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unreblog", unreblog, methods=["POST"]),
    Route("/api/v1/statuses/{id}/bookmark", bookmark, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unbookmark", unbookmark, methods=["POST"]),
    Route("/api/v1/statuses/{id}/pin", pin, methods=["POST"]),
    Route("/api/v1/statuses/{id}/mute", mute_thread, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unmute", unmute_thread, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unpin", unpin, methods=["POST"]),
    Route("/api/v1/statuses/{id}/favourited_by", show_favourited_by, methods=["GET"]),
    Route("/api/v1/statuses/{id}/reblogged_by", show_reblogged_by, methods=["GET"]),
]
