"""``/api/v1/media`` and ``/api/v2/media``: uploading pictures, describing them,
deleting them while no post has them.

``POST /api/v2/media`` checks the file while the client waits (a broken file, a
mismatched type or a bomb is a 422 at once), then answers **202** with ``url``
null and processes it in the ``media.process`` job; the client polls
``GET /api/v1/media/:id`` (206 while processing, 200 once done, 422 if it failed),
as Mastodon's own clients do. ``POST /api/v1/media`` (the older call, which some
clients still use) processes at once and answers 200 with the URLs.

Both refuse an oversize upload before it is stored whole: a Content-Length over
the limit is answered without reading the body, and a body without one is
counted as it arrives and cut off at the limit (``_capped``), before the
multipart parser spools it to disk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message

from roost.api.entities.media import MediaAttachment, media_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import error_response, json_response
from roost.errors import ValidationFailed
from roost.media.actions import do_delete_media, do_update_media, do_upload_media
from roost.media.images import MAX_UPLOAD_BYTES
from roost.media.models import FAILED, PROCESSING
from roost.media.queries import get_own_media

WRITE = "write:media"
READ = "read:statuses"
# The file plus the other fields (description, focus) and the multipart framing.
MAX_MEDIA_BODY = MAX_UPLOAD_BYTES + 64 * 1024
TOO_LARGE = f"File is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"


class NewMedia(msgspec.Struct, kw_only=True):
    """``file`` (multipart, required): a JPEG, PNG, GIF or WebP picture;
    ``description``: alt text, up to 1,500 characters; ``focus``: ``"x,y"``,
    each from -1.0 to 1.0. ``thumbnail`` is not accepted (pictures have their own)."""

    description: str | None = None
    focus: str | None = None


class MediaUpdate(msgspec.Struct, kw_only=True):
    description: str | None = None
    focus: str | None = None


def _capped(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Refuses bodies over ``MAX_MEDIA_BODY`` (413) before they are read whole."""

    async def capped(request: Request) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_MEDIA_BODY:
            return error_response(413, TOO_LARGE)
        received = 0
        receive = request.receive

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_MEDIA_BODY:
                    raise HTTPException(413, TOO_LARGE)
            return message

        return await handler(Request(request.scope, counted))

    for name in ("__roost_handler__", "__roost_endpoint__", "__roost_other_statuses__"):
        if hasattr(handler, name):
            setattr(capped, name, getattr(handler, name))
    capped.__doc__ = handler.__doc__
    capped.__name__ = handler.__name__
    return capped


def _upload(ctx: Ctx, *, process_now: bool) -> int:
    upload: UploadFile | None = ctx.params.get_file("file")
    if upload is None:
        raise ValidationFailed("File can't be blank", field="file", code="ERR_BLANK")
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, TOO_LARGE)
    return do_upload_media(
        ctx.rt,
        ctx.account_id,
        data,
        content_type=upload.content_type,
        filename=upload.filename,
        description=ctx.input.description,
        focus=ctx.input.focus,
        process_now=process_now,
    )


def _media(ctx: Ctx, media_id: int, *, status: int | None = None) -> Response:
    row = get_own_media(ctx.rt, ctx.account_id, media_id)
    if status is None:
        if row.state == FAILED:
            raise ApiError(422, "Processing failed: the file is not a valid image")
        status = 206 if row.state == PROCESSING else 200
    return json_response(media_entity(ctx.rt, row), status)


@endpoint(
    scope=WRITE, user=True, response=MediaAttachment, request=NewMedia, files=("file", "thumbnail")
)
def upload_v2(ctx: Ctx) -> Response:
    """Checks at once, processes in a job: 202 with ``url`` null until done."""
    return _media(ctx, _upload(ctx, process_now=False), status=202)


@endpoint(
    scope=WRITE, user=True, response=MediaAttachment, request=NewMedia, files=("file", "thumbnail")
)
def upload_v1(ctx: Ctx) -> Response:
    """Checks and processes at once: 200 with the URLs."""
    return _media(ctx, _upload(ctx, process_now=True))


@endpoint(scope=WRITE, user=True, response=MediaAttachment)
def show_media(ctx: Ctx) -> Response:
    """206 while processing, 200 once done, 422 if processing failed."""
    return _media(ctx, ctx.path_id())


@endpoint(scope=WRITE, user=True, response=MediaAttachment, request=MediaUpdate)
def update_media(ctx: Ctx) -> Response:
    """Alt text and focal point of an attachment no post has yet."""
    do_update_media(
        ctx.rt,
        ctx.account_id,
        ctx.path_id(),
        description=ctx.input.description,
        focus=ctx.input.focus,
    )
    return _media(ctx, ctx.path_id())


@endpoint(scope=WRITE, user=True, response=MediaAttachment)
def delete_media(ctx: Ctx) -> Response:
    """Deletes an attachment no post has; answers with it, as it was."""
    row = get_own_media(ctx.rt, ctx.account_id, ctx.path_id())
    do_delete_media(ctx.rt, ctx.account_id, row.id)
    return json_response(media_entity(ctx.rt, row))


upload_v2.__roost_other_statuses__ = ("202",)  # type: ignore[attr-defined]
show_media.__roost_other_statuses__ = ("206",)  # type: ignore[attr-defined]
update_media.__roost_other_statuses__ = ("206",)  # type: ignore[attr-defined]

routes = [
    Route("/api/v2/media", _capped(upload_v2), methods=["POST"]),
    Route("/api/v1/media", _capped(upload_v1), methods=["POST"]),
    Route("/api/v1/media/{id}", show_media, methods=["GET"]),
    Route("/api/v1/media/{id}", _capped(update_media), methods=["PUT"]),
    Route("/api/v1/media/{id}", delete_media, methods=["DELETE"]),
]
