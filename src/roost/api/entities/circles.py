"""Roost's Circle entity (Roost's own API: Mastodon has no circles)."""

from __future__ import annotations

import msgspec

from roost.circles.queries import CircleInfo


class Circle(msgspec.Struct, kw_only=True):
    id: str
    name: str
    members_count: int


def circle_entity(info: CircleInfo) -> Circle:
    return Circle(id=str(info.id), name=info.name, members_count=info.members_count)
