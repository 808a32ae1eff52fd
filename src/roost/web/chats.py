"""Hashtag chats in the web app: the list of chats with the form to announce one,
a live page per hashtag (its posts oldest first, new ones added at the bottom as
they are written, through the hashtag stream of ``web.live``), and transcripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.chats.actions import DEFAULT_MINUTES, QuestionInput, do_announce_chat
from roost.chats.queries import chats_for_tag, get_transcript, recent_chats, upcoming_chats
from roost.errors import ValidationFailed
from roost.paging import Page
from roost.posts.queries import get_tag_name, tag_statuses
from roost.store.schema import utcnow
from roost.text import HASHTAG_RE
from roost.web.filters import filtered
from roost.web.page import Web, page

SHOWN = 40


def _index(web: Web, status: int = 200, **context: Any) -> Response:
    now = utcnow()
    return web.render(
        "chats.html",
        status,
        upcoming=upcoming_chats(web.rt, now),
        recent=recent_chats(web.rt, now),
        now=now,
        **context,
    )


@page()
def index(web: Web) -> Response:
    return _index(web)


def _form_time(value: str) -> datetime:
    """A ``datetime-local`` field, read as UTC (the form says so)."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise ValidationFailed("Give the start as a date and time", field="starts_at") from None


@page(login=True)
def announce(web: Web) -> Response:
    form = web.form
    try:
        starts_at = _form_time(form.get("starts_at", ""))
        minutes = int(form.get("minutes") or DEFAULT_MINUTES)
        questions = [
            QuestionInput(line.strip())
            for line in form.get("questions", "").splitlines()
            if line.strip()
        ]
        do_announce_chat(
            web.rt,
            web.me,
            form.get("tag", ""),
            starts_at,
            ends_at=starts_at + timedelta(minutes=max(minutes, 1)),
            title=form.get("title", ""),
            questions=questions,
        )
    except (ValidationFailed, ValueError) as exc:
        message = exc.message if isinstance(exc, ValidationFailed) else "Minutes must be a number"
        return _index(web, 422, errors={"chat": message}, values=form)
    return web.redirect(f"/chats/{form.get('tag', '').strip().lstrip('#').lower()}")


@page()
def chat_page(web: Web) -> Response:
    raw = web.request.path_params["tag"]
    if not HASHTAG_RE.fullmatch(f"#{raw}"):
        return web.render("problem.html", 404, message="That is not a hashtag.", status_code=404)
    announced = chats_for_tag(web.rt, raw)
    # As people spell it: from its posts, else from its announcement.
    name = get_tag_name(web.rt, raw) or (announced[0].tag if announced else raw)
    views = list(reversed(tag_statuses(web.rt, web.viewer_id, name, Page(limit=SHOWN))))
    now = utcnow()
    current = next((c for c in announced if c.ends_at >= now), None)
    past = [c for c in announced if c.ends_at < now]
    answer = web.query_int("answer")
    prefill = f"A{answer} #{name} " if answer else f"#{name} "
    return web.render(
        "chat.html",
        tag=name,
        **filtered(web, views, "public"),
        newest=views[-1].post.id if views else 0,
        chat=current,
        past=past,
        now=now,
        prefill=prefill,
        values={"status": prefill},
    )


@page()
def transcript(web: Web) -> Response:
    found = get_transcript(web.rt, web.viewer_id, web.path_id())
    return web.render("chat_transcript.html", transcript=found, chat=found.chat)


routes = [
    Route("/chats", index, methods=["GET"]),
    Route("/chats", announce, methods=["POST"]),
    Route("/chats/transcripts/{id}", transcript, methods=["GET"]),
    Route("/chats/{tag}", chat_page, methods=["GET"]),
]
