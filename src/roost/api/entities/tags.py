"""Tag (with its daily history and whether the viewer follows it), FeaturedTag and the
v2 Search result."""

from __future__ import annotations

import calendar
from datetime import datetime

import msgspec

from roost.api.entities.accounts import Account
from roost.api.entities.statuses import Status, Tag
from roost.runtime import Runtime
from roost.tags.queries import FeaturedTag as FeaturedTagInfo
from roost.tags.queries import TagInfo


class TagHistory(msgspec.Struct):
    """One day: ``day`` is the UNIX time of its midnight (UTC); all three are strings,
    as Mastodon sends them."""

    day: str
    uses: str
    accounts: str


class FeaturedTag(msgspec.Struct, kw_only=True):
    id: str
    name: str
    url: str
    statuses_count: str
    last_status_at: str | None


class Search(msgspec.Struct, kw_only=True):
    accounts: list[Account]
    statuses: list[Status]
    hashtags: list[Tag]


def tag_info_entity(rt: Runtime, info: TagInfo) -> Tag:
    base = rt.settings.effective_base_url
    tag = Tag(
        name=info.name,
        url=f"{base}/tags/{info.name.lower()}",
        history=[
            TagHistory(
                day=str(calendar.timegm(d.day.timetuple())),
                uses=str(d.uses),
                accounts=str(d.accounts),
            )
            for d in info.history
        ],
    )
    if info.following is not None:
        tag.following = info.following
    return tag


def featured_tag_entity(rt: Runtime, info: FeaturedTagInfo) -> FeaturedTag:
    """``url``: the tag's page (Mastodon links the account's posts with the tag, a
    page Roost's web app does not have)."""
    last: datetime | None = info.last_status_at
    return FeaturedTag(
        id=str(info.id),
        name=info.name,
        url=f"{rt.settings.effective_base_url}/tags/{info.name.lower()}",
        statuses_count=str(info.statuses_count),
        last_status_at=None if last is None else last.date().isoformat(),
    )
