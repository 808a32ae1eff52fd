"""Mastodon's ScheduledStatus entity: the stored parameters, as they will be posted."""

from __future__ import annotations

from typing import Any

import msgspec

from roost.api.entities.accounts import iso


class ScheduledPoll(msgspec.Struct, kw_only=True):
    options: list[str]
    expires_in: str
    multiple: bool
    hide_totals: bool


class ScheduledParams(msgspec.Struct, kw_only=True):
    text: str
    poll: ScheduledPoll | None
    media_ids: list[str] | None
    sensitive: bool | None
    spoiler_text: str | None
    visibility: str | None
    in_reply_to_id: str | None
    language: str | None
    application_id: str | None
    scheduled_at: None = None
    idempotency: str | None = None
    with_rate_limit: bool = False


class ScheduledStatus(msgspec.Struct, kw_only=True):
    id: str
    scheduled_at: str
    params: ScheduledParams
    media_attachments: list[Any]


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def scheduled_status_entity(row: Any, media: list[Any] | None = None) -> ScheduledStatus:
    """``media``: the MediaAttachment entities of the pictures it holds."""
    params = dict(row.params)
    poll = params.get("poll")
    media = params.get("media_ids")
    return ScheduledStatus(
        id=str(row.id),
        scheduled_at=iso(row.scheduled_at),
        params=ScheduledParams(
            text=params.get("text") or "",
            poll=ScheduledPoll(
                options=[str(o) for o in poll["options"]],
                expires_in=str(poll["expires_in"]),
                multiple=bool(poll.get("multiple")),
                hide_totals=bool(poll.get("hide_totals")),
            )
            if poll
            else None,
            media_ids=[str(m) for m in media] if media else None,
            sensitive=params.get("sensitive"),
            spoiler_text=params.get("spoiler_text") or None,
            visibility=params.get("visibility"),
            in_reply_to_id=_str_or_none(params.get("in_reply_to_id")),
            language=params.get("language"),
            application_id=_str_or_none(params.get("application_id")),
        ),
        media_attachments=list(media or []),
    )
