"""``/api/v2/suggestions`` (who to follow, with where each came from), its v1 form
(accounts only) and ``DELETE /api/v1/suggestions/:account_id`` (not again).

Mastodon's ``source`` (deprecated) and ``sources`` name where a suggestion came
from; Roost adds ``roost: {text, followed_by}``, the reason in words ("Followed
by alice and 3 others") and some of the people behind it."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.accounts import Account, account_entity
from roost.api.entities.trends import Suggestion, SuggestionReason
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.store.schema import utcnow
from roost.suggestions.actions import do_dismiss_suggestion
from roost.suggestions.queries import FRIENDS_OF_FRIENDS, SuggestionView, get_suggestions

READ = "read:accounts"
WRITE = "write:accounts"
# Mastodon's deprecated ``source`` for each of its ``sources``.
_LEGACY_SOURCE = {FRIENDS_OF_FRIENDS: "past_interactions"}


class SuggestionsPage(msgspec.Struct, kw_only=True):
    limit: int = 40


class Dismissal(msgspec.Struct, kw_only=True):
    """Nothing beyond the account in the path."""


def _suggestions(ctx: Ctx) -> list[SuggestionView]:
    page: SuggestionsPage = ctx.input
    return get_suggestions(ctx.rt, ctx.account_id, utcnow(), limit=min(max(page.limit, 1), 80))


def suggestion_entity(ctx: Ctx, view: SuggestionView) -> Suggestion:
    return Suggestion(
        source=_LEGACY_SOURCE.get(view.source, "global"),
        sources=[view.source],
        account=account_entity(ctx.rt, view.account),
        roost=SuggestionReason(view.reason, view.followed_by),
    )


@endpoint(scope=READ, user=True, response=list[Suggestion], request=SuggestionsPage)
def suggestions_v2(ctx: Ctx) -> Response:
    return json_response([suggestion_entity(ctx, v) for v in _suggestions(ctx)])


@endpoint(scope=READ, user=True, response=list[Account], request=SuggestionsPage)
def suggestions_v1(ctx: Ctx) -> Response:
    return json_response([account_entity(ctx.rt, v.account) for v in _suggestions(ctx)])


@endpoint(scope=WRITE, user=True, response=dict[str, str], request=Dismissal)
def dismiss(ctx: Ctx) -> Response:
    do_dismiss_suggestion(ctx.rt, ctx.account_id, ctx.path_id("account_id"))
    return json_response({})


routes = [
    Route("/api/v2/suggestions", suggestions_v2, methods=["GET"]),
    Route("/api/v1/suggestions", suggestions_v1, methods=["GET"]),
    Route("/api/v1/suggestions/{account_id}", dismiss, methods=["DELETE"]),
]
