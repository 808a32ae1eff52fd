"""``/api/roost/v1/chats``: list hashtag chats, announce one, read it, read its transcript.

A chat is public (its questions are public posts); the transcript holds only the
posts the reader may see. Announcing needs ``write:statuses``: the questions are
posted from the announcer's account."""

from __future__ import annotations

from datetime import datetime

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.chats import Chat, ChatTranscript, chat_entity, transcript_entity
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.chats.actions import ANNOUNCE_RULE, QuestionInput, do_announce_chat
from roost.chats.queries import get_chat, get_transcript, recent_chats, upcoming_chats
from roost.store.schema import utcnow


class NewQuestion(msgspec.Struct, kw_only=True):
    text: str
    at: datetime | None = None  # ISO 8601 with a zone; omitted: spread through the chat


class NewChat(msgspec.Struct, kw_only=True):
    """``starts_at``/``ends_at`` are ISO 8601 times with a zone; ``ends_at`` defaults
    to an hour after the start. ``questions`` are posted as ``Q1 … #tag``."""

    tag: str
    starts_at: datetime
    ends_at: datetime | None = None
    title: str = ""
    questions: list[NewQuestion] = []


class ChatsPage(msgspec.Struct, kw_only=True):
    """``past=true``: chats that are over (newest first), for their transcripts;
    otherwise the chats not over yet, soonest first."""

    past: bool = False
    limit: int = 20


class NoInput(msgspec.Struct, kw_only=True):
    """Nothing beyond the chat in the path."""


@endpoint(scope="write:statuses", user=True, response=Chat, request=NewChat, limit=ANNOUNCE_RULE)
def announce(ctx: Ctx) -> Response:
    given: NewChat = ctx.input
    chat_id = do_announce_chat(
        ctx.rt,
        ctx.account_id,
        given.tag,
        given.starts_at,
        ends_at=given.ends_at,
        title=given.title,
        questions=[QuestionInput(q.text, q.at) for q in given.questions],
    )
    return json_response(chat_entity(ctx.rt, get_chat(ctx.rt, chat_id)))


@endpoint(scope="read:statuses", response=list[Chat], request=ChatsPage)
def index(ctx: Ctx) -> Response:
    page: ChatsPage = ctx.input
    limit = min(max(page.limit, 1), 40)
    listed = recent_chats if page.past else upcoming_chats
    return json_response([chat_entity(ctx.rt, c) for c in listed(ctx.rt, utcnow(), limit=limit)])


@endpoint(scope="read:statuses", response=Chat, request=NoInput)
def show(ctx: Ctx) -> Response:
    return json_response(chat_entity(ctx.rt, get_chat(ctx.rt, ctx.path_id())))


@endpoint(scope="read:statuses", response=ChatTranscript, request=NoInput)
def transcript(ctx: Ctx) -> Response:
    found = get_transcript(ctx.rt, ctx.viewer_id, ctx.path_id())
    return json_response(transcript_entity(ctx.rt, found))


routes = [
    Route("/api/roost/v1/chats", index, methods=["GET"]),
    Route("/api/roost/v1/chats", announce, methods=["POST"]),
    Route("/api/roost/v1/chats/{id}", show, methods=["GET"]),
    Route("/api/roost/v1/chats/{id}/transcript", transcript, methods=["GET"]),
]
