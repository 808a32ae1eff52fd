"""Mastodon's List entity."""

from __future__ import annotations

import msgspec

from roost.lists.queries import ListInfo


class List(msgspec.Struct, kw_only=True):
    id: str
    title: str
    replies_policy: str
    exclusive: bool


def list_entity(info: ListInfo) -> List:
    return List(
        id=str(info.id),
        title=info.title,
        replies_policy=info.replies_policy,
        exclusive=info.exclusive,
    )
