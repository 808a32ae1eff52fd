"""Direct messages: the inbox of conversations, one conversation as a whole
exchange with a reply box, and writing a new message.

A message is a post with visibility ``direct``; the people it mentions are the
conversation. A reply goes to the newest message of the exchange and its box is
prefilled with the other participants' ``@names``, as Mastodon's apps do, so it
reaches the same people unless the writer removes someone on purpose. The inbox
rows are written by a job after the post commits; the page's live stream tells an
open inbox or conversation when to refresh.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from roost.conversations.actions import do_mark_read, do_remove_conversation
from roost.conversations.queries import (
    ConversationView,
    get_conversation,
    list_conversations,
    thread_post_ids,
)
from roost.errors import NotFound, ValidationFailed
from roost.posts.actions import do_create_post
from roost.posts.queries import hydrate
from roost.text import MENTION_RE
from roost.web.page import PAGE_SIZE, Web, page


def _mentions(conversation: ConversationView, me: int) -> str:
    """The reply box's prefill: everyone else in the conversation, the writer of the
    newest message first (as an app's reply to that message would have it)."""
    last = conversation.last_status
    writer = last.account.id if last is not None else None
    others = sorted(conversation.accounts, key=lambda a: a.id != writer)
    return "".join(f"@{a.username} " for a in others if a.id != me)


@page(login=True)
def inbox(web: Web) -> Response:
    conversations = list_conversations(web.rt, web.me, web.page())
    sent = web.query_int("sent")
    # The inbox row of a message just sent is written by a job: it may not be here yet.
    pending = sent is not None and all(c.last_post_id != sent for c in conversations)
    context: dict[str, Any] = {
        "conversations": conversations,
        "older": conversations[-1].last_post_id if len(conversations) >= PAGE_SIZE else None,
    }
    if web.wants_fragment:
        return web.render("_conversations.html", **context)
    live = web.page().max_id is None  # only the newest page refreshes as messages come
    return web.render("messages.html", sent=sent, pending=pending, live=live, **context)


def _compose(web: Web, status: int = 200, **context: Any) -> Response:
    return web.render("message_new.html", status, **context)


@page(login=True)
def new_message(web: Web) -> Response:
    to = web.request.query_params.get("to", "")
    prefill = f"@{to} " if MENTION_RE.fullmatch(f"@{to}") else ""
    return _compose(web, values={"status": prefill})


@page(login=True)
def send_message(web: Web) -> Response:
    text = web.form.get("status", "")
    try:
        post_id = do_create_post(web.rt, web.me, text, visibility="direct")
    except ValidationFailed as exc:
        return _compose(web, 422, errors={"status": exc.message}, values={"status": text})
    return web.redirect(f"/messages?sent={post_id}")


def _conversation(
    web: Web, conversation: ConversationView, status: int = 200, **context: Any
) -> Response:
    posts = hydrate(web.rt, web.me, thread_post_ids(web.rt, web.me, conversation.id))
    if web.wants_fragment:
        return web.render("_posts.html", posts=posts)
    values = context.pop("values", None) or {"status": _mentions(conversation, web.me)}
    return web.render(
        "conversation.html",
        status,
        conversation=conversation,
        posts=posts,
        values=values,
        **context,
    )


@page(login=True)
def conversation_page(web: Web) -> Response:
    conversation = get_conversation(web.rt, web.me, web.path_id())
    if conversation.unread:
        do_mark_read(web.rt, web.me, conversation.id)
    return _conversation(web, conversation)


@page(login=True)
def reply(web: Web) -> Response:
    conversation = get_conversation(web.rt, web.me, web.path_id())
    text = web.form.get("status", "")
    ids = thread_post_ids(web.rt, web.me, conversation.id)
    if not ids:
        raise NotFound("Record not found")
    try:
        post_id = do_create_post(web.rt, web.me, text, visibility="direct", in_reply_to_id=ids[-1])
    except ValidationFailed as exc:
        return _conversation(
            web, conversation, 422, errors={"status": exc.message}, values={"status": text}
        )
    return web.redirect(f"/messages/{conversation.id}#post-{post_id}")


@page(login=True)
def remove(web: Web) -> Response:
    do_remove_conversation(web.rt, web.me, web.path_id())
    return web.redirect("/messages")


routes = [
    Route("/messages", inbox, methods=["GET"]),
    Route("/messages", send_message, methods=["POST"]),
    Route("/messages/new", new_message, methods=["GET"]),
    Route("/messages/{id:int}", conversation_page, methods=["GET"]),
    Route("/messages/{id:int}/reply", reply, methods=["POST"]),
    Route("/messages/{id:int}/remove", remove, methods=["POST"]),
]
