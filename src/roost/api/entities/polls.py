"""Mastodon's Poll entity: per-option counts are null while ``hide_totals`` hides them
(until the poll ends, for everyone, its author too); ``voted`` and ``own_votes`` are
the viewer's, absent for anonymous requests."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from roost.api.entities.accounts import iso
from roost.posts.polls import PollView


class PollOption(msgspec.Struct):
    title: str
    votes_count: int | None


class Poll(msgspec.Struct, kw_only=True):
    id: str
    expires_at: str | None
    expired: bool
    multiple: bool
    votes_count: int
    voters_count: int | None
    options: list[PollOption]
    emojis: list[Any]
    voted: bool | UnsetType = UNSET
    own_votes: list[int] | UnsetType = UNSET


def poll_entity(view: PollView) -> Poll:
    row = view.row
    tallies = view.tallies
    signed_in = view.viewer_id is not None
    return Poll(
        id=str(row.id),
        expires_at=iso(row.expires_at),
        expired=view.expired,
        multiple=row.multiple,
        votes_count=row.votes_count,
        voters_count=row.voters_count,
        options=[
            PollOption(str(title), None if tallies is None else tallies[i])
            for i, title in enumerate(row.options)
        ],
        emojis=[],
        voted=view.voted if signed_in else UNSET,
        own_votes=list(view.own_votes or []) if signed_in else UNSET,
    )
