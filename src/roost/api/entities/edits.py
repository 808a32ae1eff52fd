"""Mastodon's StatusEdit (one version of an edited post) and StatusSource entities."""

from __future__ import annotations

from typing import Any

import msgspec

from roost.api.entities.accounts import Account, iso


class StatusEditPollOption(msgspec.Struct):
    title: str


class StatusEditPoll(msgspec.Struct):
    options: list[StatusEditPollOption]


class StatusEdit(msgspec.Struct, kw_only=True):
    content: str
    spoiler_text: str
    sensitive: bool
    created_at: str
    account: Account
    poll: StatusEditPoll | None
    media_attachments: list[Any]
    emojis: list[Any]


class StatusSource(msgspec.Struct):
    id: str
    text: str
    spoiler_text: str


def status_edit_entities(account: Account, versions: list[Any]) -> list[StatusEdit]:
    return [
        StatusEdit(
            content=v.content,
            spoiler_text=v.spoiler_text,
            sensitive=v.sensitive,
            created_at=iso(v.created_at),
            account=account,
            poll=StatusEditPoll([StatusEditPollOption(o) for o in v.poll_options])
            if v.poll_options is not None
            else None,
            media_attachments=[],
            emojis=[],
        )
        for v in versions
    ]


def status_source_entity(post: Any) -> StatusSource:
    return StatusSource(id=str(post.id), text=post.text, spoiler_text=post.spoiler_text)
