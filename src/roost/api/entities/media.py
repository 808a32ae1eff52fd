"""Mastodon's MediaAttachment entity, from a ``media_attachments`` row.

``type`` is always ``image``: Roost accepts pictures only, and keeps an animated
GIF a GIF (Mastodon would make it a ``gifv`` video), which every client shows as an
image. ``remote_url`` is null (no federation); ``url`` and ``preview_url`` are null
while the upload is still being processed."""

from __future__ import annotations

from typing import Any

import msgspec

from roost.media.models import READY
from roost.runtime import Runtime


class MediaSize(msgspec.Struct):
    width: int
    height: int
    size: str
    aspect: float


class MediaFocus(msgspec.Struct):
    x: float
    y: float


class MediaMeta(msgspec.Struct, kw_only=True):
    original: MediaSize | msgspec.UnsetType = msgspec.UNSET
    small: MediaSize | msgspec.UnsetType = msgspec.UNSET
    focus: MediaFocus


class MediaAttachment(msgspec.Struct, kw_only=True):
    id: str
    type: str
    url: str | None
    preview_url: str | None
    remote_url: None
    meta: MediaMeta
    description: str | None
    blurhash: str | None


def _size(width: int | None, height: int | None) -> MediaSize | msgspec.UnsetType:
    if not width or not height:
        return msgspec.UNSET
    return MediaSize(
        width=width, height=height, size=f"{width}x{height}", aspect=round(width / height, 4)
    )


def media_entity(rt: Runtime, row: Any) -> MediaAttachment:
    ready = row.state == READY
    return MediaAttachment(
        id=str(row.id),
        type="image",
        url=rt.media.url(row.file_name) if ready and row.file_name else None,
        preview_url=rt.media.url(row.preview_name) if ready and row.preview_name else None,
        remote_url=None,
        meta=MediaMeta(
            original=_size(row.width, row.height),
            small=_size(row.small_width, row.small_height),
            focus=MediaFocus(x=row.focus_x, y=row.focus_y),
        ),
        description=row.description,
        blurhash=row.blurhash,
    )
