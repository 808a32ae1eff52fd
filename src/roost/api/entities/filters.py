"""Mastodon's Filter, FilterKeyword, FilterStatus, FilterResult and (for older
apps) V1Filter, each v1 filter being one keyword of a v2 filter."""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from roost.api.entities.accounts import iso
from roost.filters.matcher import FilterMatch
from roost.filters.models import FilterStatusView, FilterView, KeywordView


class FilterKeyword(msgspec.Struct):
    id: str
    keyword: str
    whole_word: bool


class FilterStatus(msgspec.Struct):
    id: str
    status_id: str


class Filter(msgspec.Struct, kw_only=True):
    """``keywords`` and ``statuses`` are left out inside a FilterResult, as Mastodon does."""

    id: str
    title: str
    context: list[str]
    expires_at: str | None
    filter_action: str
    keywords: list[FilterKeyword] | UnsetType = UNSET
    statuses: list[FilterStatus] | UnsetType = UNSET


class FilterResult(msgspec.Struct):
    filter: Filter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


class V1Filter(msgspec.Struct):
    id: str
    phrase: str
    context: list[str]
    whole_word: bool
    expires_at: str | None
    irreversible: bool


def keyword_entity(keyword: KeywordView) -> FilterKeyword:
    return FilterKeyword(str(keyword.id), keyword.keyword, keyword.whole_word)


def filter_status_entity(entry: FilterStatusView) -> FilterStatus:
    return FilterStatus(str(entry.id), str(entry.post_id))


def filter_entity(view: FilterView, *, rules: bool = True) -> Filter:
    return Filter(
        id=str(view.id),
        title=view.title,
        context=list(view.context),
        expires_at=iso(view.expires_at) if view.expires_at else None,
        filter_action=view.filter_action,
        keywords=[keyword_entity(k) for k in view.keywords] if rules else UNSET,
        statuses=[filter_status_entity(s) for s in view.statuses] if rules else UNSET,
    )


def filter_result_entity(match: FilterMatch) -> FilterResult:
    return FilterResult(
        filter=filter_entity(match.filter, rules=False),
        keyword_matches=match.keyword_matches,
        status_matches=None
        if match.status_matches is None
        else [str(i) for i in match.status_matches],
    )


def v1_filter_entity(keyword: KeywordView, view: FilterView) -> V1Filter:
    return V1Filter(
        id=str(keyword.id),
        phrase=keyword.keyword,
        context=list(view.context),
        whole_word=keyword.whole_word,
        expires_at=iso(view.expires_at) if view.expires_at else None,
        irreversible=view.irreversible,
    )
