"""``/api/v1/conversations``: the inbox of direct conversations, paged by newest message."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.notifications import Conversation, conversation_entity
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.conversations.actions import do_mark_read, do_remove_conversation
from roost.conversations.queries import get_conversation, list_conversations


@endpoint(scope="read:statuses", user=True, response=list[Conversation], request=PageParams)
def index(ctx: Ctx) -> Response:
    page = read_page(ctx.input, default=20, maximum=40)
    views = list_conversations(ctx.rt, ctx.account_id, page)
    return json_response(
        [conversation_entity(ctx.rt, v) for v in views],
        headers=link_header(ctx.request, [v.last_post_id for v in views], page),
    )


@endpoint(scope="write:conversations", user=True, response=Conversation)
def read(ctx: Ctx) -> Response:
    do_mark_read(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response(
        conversation_entity(ctx.rt, get_conversation(ctx.rt, ctx.account_id, ctx.path_id()))
    )


@endpoint(scope="write:conversations", user=True, response=dict[str, str])
def remove(ctx: Ctx) -> Response:
    """Removes it from this person's inbox only; the next message brings it back."""
    do_remove_conversation(ctx.rt, ctx.account_id, ctx.path_id())
    return json_response({})


routes = [
    Route("/api/v1/conversations", index, methods=["GET"]),
    Route("/api/v1/conversations/{id}", remove, methods=["DELETE"]),
    Route("/api/v1/conversations/{id}/read", read, methods=["POST"]),
]
