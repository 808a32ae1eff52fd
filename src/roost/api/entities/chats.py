"""Roost's own entities for hashtag chats (``/api/roost/v1/chats``)."""

from __future__ import annotations

import msgspec

from roost.api.entities.accounts import Account, account_entity, iso
from roost.api.entities.statuses import Status, status_entities, status_entity
from roost.chats.queries import ChatView, Transcript
from roost.runtime import Runtime


class ChatQuestion(msgspec.Struct):
    number: int
    text: str
    at: str
    status_id: str | None  # the question's post, once asked


class Chat(msgspec.Struct):
    id: str
    tag: str
    title: str
    host: Account
    starts_at: str
    ends_at: str
    url: str  # the live chat page
    transcript_url: str
    questions: list[ChatQuestion]


class TranscriptQuestion(msgspec.Struct):
    number: int
    text: str
    status: Status | None  # None until asked, or when the reader may not see it
    answers: list[Status]


class ChatTranscript(msgspec.Struct):
    chat: Chat
    questions: list[TranscriptQuestion]
    conversation: list[Status]  # the chat's other posts, oldest first


def chat_entity(rt: Runtime, chat: ChatView) -> Chat:
    base = rt.settings.effective_base_url
    return Chat(
        id=str(chat.id),
        tag=chat.tag,
        title=chat.title,
        host=account_entity(rt, chat.host),
        starts_at=iso(chat.starts_at),
        ends_at=iso(chat.ends_at),
        url=f"{base}/chats/{chat.tag.lower()}",
        transcript_url=f"{base}/chats/transcripts/{chat.id}",
        questions=[
            ChatQuestion(q.number, q.text, iso(q.post_at), str(q.post_id) if q.post_id else None)
            for q in chat.questions
        ],
    )


def transcript_entity(rt: Runtime, transcript: Transcript) -> ChatTranscript:
    return ChatTranscript(
        chat=chat_entity(rt, transcript.chat),
        questions=[
            TranscriptQuestion(
                number=q.question.number,
                text=q.question.text,
                status=status_entity(rt, q.post) if q.post else None,
                answers=status_entities(rt, q.answers),
            )
            for q in transcript.questions
        ],
        conversation=status_entities(rt, transcript.conversation),
    )
