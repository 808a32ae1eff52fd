"""``/api/v2/filters`` (filters, their keywords and their posts) and ``/api/v1/filters``
for older apps, where each filter is one keyword of a v2 filter, as Mastodon maps them.

A v1 filter created here is a v2 filter titled by its phrase with that one keyword;
deleting a v1 filter deletes its keyword, and the filter with it when it was the last.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from msgspec import UNSET, UnsetType
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.filters import (
    Filter,
    FilterKeyword,
    FilterStatus,
    V1Filter,
    filter_entity,
    filter_status_entity,
    keyword_entity,
    v1_filter_entity,
)
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.filters.actions import (
    KEEP,
    KeywordChange,
    do_add_filter_status,
    do_add_keyword,
    do_create_filter,
    do_delete_filter,
    do_delete_filter_status,
    do_delete_keyword,
    do_update_filter,
    do_update_keyword,
)
from roost.filters.queries import get_filter, get_filter_status, get_filters, get_keyword
from roost.ids import parse_id

READ = "read:filters"
WRITE = "write:filters"


class KeywordAttributes(msgspec.Struct, kw_only=True):
    keyword: str | None = None
    whole_word: bool | None = None
    id: str | None = None
    destroy: bool = msgspec.field(default=False, name="_destroy")


class FilterInput(msgspec.Struct, kw_only=True):
    """``expires_in``: seconds, or empty for never; absent on PUT keeps the expiry."""

    title: str | None = None
    context: list[str] | None = None
    filter_action: str | None = None
    expires_in: int | str | UnsetType | None = UNSET
    keywords_attributes: list[KeywordAttributes] = []


class KeywordInput(msgspec.Struct, kw_only=True):
    keyword: str | None = None
    whole_word: bool | None = None


class FilterStatusInput(msgspec.Struct, kw_only=True):
    status_id: str


class V1FilterInput(msgspec.Struct, kw_only=True):
    phrase: str | None = None
    context: list[str] | None = None
    irreversible: bool | None = None
    whole_word: bool | None = None
    expires_in: int | str | UnsetType | None = UNSET


def _expires_in(value: int | str | UnsetType | None) -> int | Literal["keep"] | None:
    """Seconds, None for never, or ``KEEP`` when not given."""
    if value is UNSET:
        return KEEP
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if not value.isdigit():
            raise ApiError(422, "Validation failed: expires_in must be a number of seconds")
        return int(value)
    return value


def _changes(given: list[KeywordAttributes]) -> list[KeywordChange]:
    changes = []
    for k in given:
        keyword_id = None
        if k.id is not None:
            keyword_id = parse_id(k.id)
            if keyword_id is None:
                raise ApiError(404, "Record not found")
        changes.append(KeywordChange(k.keyword, k.whole_word, keyword_id, k.destroy))
    return changes


def _filter_response(ctx: Ctx, filter_id: int) -> Response:
    return json_response(filter_entity(get_filter(ctx.rt, ctx.account_id, filter_id)))


# -- v2 ------------------------------------------------------------------------


@endpoint(scope=READ, user=True, response=list[Filter])
def index(ctx: Ctx) -> Response:
    return json_response([filter_entity(f) for f in get_filters(ctx.rt, ctx.account_id)])


@endpoint(scope=WRITE, user=True, response=Filter, request=FilterInput)
def create(ctx: Ctx) -> Response:
    given: FilterInput = ctx.input
    expires_in = _expires_in(given.expires_in)
    filter_id = do_create_filter(
        ctx.rt,
        ctx.account_id,
        title=given.title or "",
        context=given.context or [],
        filter_action=given.filter_action or "warn",
        expires_in=None if isinstance(expires_in, str) else expires_in,
        keywords=[c for c in _changes(given.keywords_attributes) if not c.destroy],
    )
    return _filter_response(ctx, filter_id)


@endpoint(scope=READ, user=True, response=Filter)
def show(ctx: Ctx) -> Response:
    return _filter_response(ctx, ctx.path_id())


@endpoint(scope=WRITE, user=True, response=Filter, request=FilterInput)
def update(ctx: Ctx) -> Response:
    given: FilterInput = ctx.input
    filter_id = ctx.path_id()
    expires_in = _expires_in(given.expires_in)
    do_update_filter(
        ctx.rt,
        ctx.account_id,
        filter_id,
        title=given.title,
        context=given.context,
        filter_action=given.filter_action,
        expires_in=expires_in,
        keywords=_changes(given.keywords_attributes),
    )
    return _filter_response(ctx, filter_id)


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def destroy(ctx: Ctx) -> Response:
    do_delete_filter(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


@endpoint(scope=READ, user=True, response=list[FilterKeyword])
def keywords_index(ctx: Ctx) -> Response:
    found = get_filter(ctx.rt, ctx.account_id, ctx.path_id("filter_id"))
    return json_response([keyword_entity(k) for k in found.keywords])


@endpoint(scope=WRITE, user=True, response=FilterKeyword, request=KeywordInput)
def keywords_create(ctx: Ctx) -> Response:
    given: KeywordInput = ctx.input
    keyword_id = do_add_keyword(
        ctx.rt,
        ctx.account_id,
        ctx.path_id("filter_id"),
        given.keyword or "",
        given.whole_word is not False,
    )
    return json_response(keyword_entity(get_keyword(ctx.rt, ctx.account_id, keyword_id)[0]))


@endpoint(scope=READ, user=True, response=FilterKeyword)
def keyword_show(ctx: Ctx) -> Response:
    return json_response(keyword_entity(get_keyword(ctx.rt, ctx.account_id, ctx.path_id())[0]))


@endpoint(scope=WRITE, user=True, response=FilterKeyword, request=KeywordInput)
def keyword_update(ctx: Ctx) -> Response:
    given: KeywordInput = ctx.input
    keyword_id = ctx.path_id()
    do_update_keyword(ctx.rt, ctx.account_id, keyword_id, given.keyword, given.whole_word)
    return json_response(keyword_entity(get_keyword(ctx.rt, ctx.account_id, keyword_id)[0]))


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def keyword_destroy(ctx: Ctx) -> Response:
    do_delete_keyword(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


@endpoint(scope=READ, user=True, response=list[FilterStatus])
def statuses_index(ctx: Ctx) -> Response:
    found = get_filter(ctx.rt, ctx.account_id, ctx.path_id("filter_id"))
    return json_response([filter_status_entity(s) for s in found.statuses])


@endpoint(scope=WRITE, user=True, response=FilterStatus, request=FilterStatusInput)
def statuses_create(ctx: Ctx) -> Response:
    post_id = parse_id(ctx.input.status_id)
    if post_id is None:
        raise ApiError(404, "Record not found")
    entry_id = do_add_filter_status(ctx.rt, ctx.account_id, ctx.path_id("filter_id"), post_id)
    return json_response(filter_status_entity(get_filter_status(ctx.rt, ctx.account_id, entry_id)))


@endpoint(scope=READ, user=True, response=FilterStatus)
def status_show(ctx: Ctx) -> Response:
    entry = get_filter_status(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response(filter_status_entity(entry))


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def status_destroy(ctx: Ctx) -> Response:
    do_delete_filter_status(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


# -- v1: one keyword each ------------------------------------------------------


def _v1_response(ctx: Ctx, keyword_id: int) -> Response:
    keyword, owner = get_keyword(ctx.rt, ctx.account_id, keyword_id)
    return json_response(v1_filter_entity(keyword, owner))


@endpoint(scope=READ, user=True, response=list[V1Filter])
def v1_index(ctx: Ctx) -> Response:
    return json_response(
        [v1_filter_entity(k, f) for f in get_filters(ctx.rt, ctx.account_id) for k in f.keywords]
    )


@endpoint(scope=WRITE, user=True, response=V1Filter, request=V1FilterInput)
def v1_create(ctx: Ctx) -> Response:
    given: V1FilterInput = ctx.input
    expires_in = _expires_in(given.expires_in)
    phrase = given.phrase or ""
    filter_id = do_create_filter(
        ctx.rt,
        ctx.account_id,
        title=phrase,
        context=given.context or [],
        filter_action="hide" if given.irreversible else "warn",
        expires_in=None if isinstance(expires_in, str) else expires_in,
        keywords=[KeywordChange(phrase, given.whole_word is not False)],
    )
    keyword = get_filter(ctx.rt, ctx.account_id, filter_id).keywords[0]
    return _v1_response(ctx, keyword.id)


@endpoint(scope=READ, user=True, response=V1Filter)
def v1_show(ctx: Ctx) -> Response:
    return _v1_response(ctx, ctx.path_id())


@endpoint(scope=WRITE, user=True, response=V1Filter, request=V1FilterInput)
def v1_update(ctx: Ctx) -> Response:
    given: V1FilterInput = ctx.input
    keyword_id = ctx.path_id()
    _keyword, owner = get_keyword(ctx.rt, ctx.account_id, keyword_id)
    expires_in = _expires_in(given.expires_in)
    action = None if given.irreversible is None else ("hide" if given.irreversible else "warn")
    do_update_filter(
        ctx.rt,
        ctx.account_id,
        owner.id,
        context=given.context,
        filter_action=action,
        expires_in=expires_in,
        keywords=[KeywordChange(given.phrase, given.whole_word, keyword_id)],
    )
    return _v1_response(ctx, keyword_id)


@endpoint(scope=WRITE, user=True, response=dict[str, str])
def v1_destroy(ctx: Ctx) -> Response:
    keyword_id = ctx.path_id()
    _keyword, owner = get_keyword(ctx.rt, ctx.account_id, keyword_id)
    if len(owner.keywords) == 1:
        do_delete_filter(ctx.rt, ctx.account_id, owner.id)
    else:
        do_delete_keyword(ctx.rt, ctx.account_id, keyword_id)
    return json_response({})


routes = [
    Route("/api/v2/filters", index, methods=["GET"]),
    Route("/api/v2/filters", create, methods=["POST"]),
    Route("/api/v2/filters/keywords/{id}", keyword_show, methods=["GET"]),
    Route("/api/v2/filters/keywords/{id}", keyword_update, methods=["PUT"]),
    Route("/api/v2/filters/keywords/{id}", keyword_destroy, methods=["DELETE"]),
    Route("/api/v2/filters/statuses/{id}", status_show, methods=["GET"]),
    Route("/api/v2/filters/statuses/{id}", status_destroy, methods=["DELETE"]),
    Route("/api/v2/filters/{filter_id}/keywords", keywords_index, methods=["GET"]),
    Route("/api/v2/filters/{filter_id}/keywords", keywords_create, methods=["POST"]),
    Route("/api/v2/filters/{filter_id}/statuses", statuses_index, methods=["GET"]),
    Route("/api/v2/filters/{filter_id}/statuses", statuses_create, methods=["POST"]),
    Route("/api/v2/filters/{id}", show, methods=["GET"]),
    Route("/api/v2/filters/{id}", update, methods=["PUT"]),
    Route("/api/v2/filters/{id}", destroy, methods=["DELETE"]),
    Route("/api/v1/filters", v1_index, methods=["GET"]),
    Route("/api/v1/filters", v1_create, methods=["POST"]),
    Route("/api/v1/filters/{id}", v1_show, methods=["GET"]),
    Route("/api/v1/filters/{id}", v1_update, methods=["PUT"]),
    Route("/api/v1/filters/{id}", v1_destroy, methods=["DELETE"]),
]
