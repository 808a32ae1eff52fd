"""Trend entities: a tag's history, a trending link (Mastodon's ``Trends::Link``, a
PreviewCard with history), and a follow suggestion."""

from __future__ import annotations

from urllib.parse import urlsplit

import msgspec

from roost.api.entities.accounts import Account
from roost.trends.queries import DayUse, Trend


class TagHistory(msgspec.Struct):
    """One day of use; Mastodon sends the three numbers as strings."""

    day: str
    uses: str
    accounts: str


class TrendsLink(msgspec.Struct, kw_only=True):
    """Roost fetches no link previews: the card is built from the URL alone, its
    title the URL, the provider its host."""

    url: str
    title: str
    description: str = ""
    type: str = "link"
    author_name: str = ""
    author_url: str = ""
    provider_name: str = ""
    provider_url: str = ""
    html: str = ""
    width: int = 0
    height: int = 0
    image: str | None = None
    image_description: str = ""
    embed_url: str = ""
    blurhash: str | None = None
    history: list[TagHistory]


class SuggestionReason(msgspec.Struct):
    """Roost's extension: why this person is suggested, in words and by whom."""

    text: str
    followed_by: list[str]


class Suggestion(msgspec.Struct, kw_only=True):
    source: str
    sources: list[str]
    account: Account
    roost: SuggestionReason | None = None


def history_entities(days: list[DayUse]) -> list[TagHistory]:
    return [TagHistory(str(d.day), str(d.uses), str(d.accounts)) for d in days]


def link_entity(trend: Trend) -> TrendsLink:
    host = urlsplit(trend.key).netloc
    return TrendsLink(
        url=trend.key,
        title=trend.key,
        provider_name=host,
        provider_url=f"{urlsplit(trend.key).scheme}://{host}",
        history=history_entities(trend.history),
    )
