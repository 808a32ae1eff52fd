"""Running a text as its sender: the one place an inbound text becomes actions.

The webhook (and the phone simulator page) call ``receive`` with the sender's
number, the text and the carrier's message ID; it answers with the reply to text
back, or None. Every command calls the same action as the API and the web app
(``do_create_post``, ``do_follow``, ``do_favourite``...), as the sender, so every
rule holds: visibility (GET finds only what the sender may see), blocks and
protected accounts (clear replies, nothing changed), posting limits.

A MessageSid is acted on once: its reply is recorded after the command ran, and a
retry answers the recorded reply. The commands that could act twice if the
process died between the two (a post, a DM, a reply) pass the MessageSid as the
post's idempotency key, and the others are idempotent by nature (following,
liking twice), so a retry that arrives before the record still acts once.
"""

from __future__ import annotations

import logging

import nh3

from roost.accounts.queries import AccountRow, get_account_by_username
from roost.errors import NotFound, RateLimited, RoostError
from roost.graph.actions import do_follow, do_unfollow
from roost.graph.queries import relationships
from roost.paging import Page
from roost.phones.actions import (
    do_record_inbound,
    do_set_stopped,
    do_update_phone_settings,
)
from roost.phones.queries import account_for_number, get_phone, inbound_reply
from roost.phones.segments import fit
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.hydration import StatusView
from roost.posts.marks import do_favourite
from roost.posts.queries import account_statuses
from roost.runtime import Runtime
from roost.sms.commands import HELP, Command, parse
from roost.store.ratelimit import RateRule

log = logging.getLogger("roost.sms")

# Per phone: a runaway script or a stolen phone cannot post hundreds a minute.
INBOUND_RULE = RateRule("sms_inbound", 20, 60, per="account")
# A number that is not linked is told how to link it, a few times an hour at most.
UNKNOWN_RULE = RateRule("sms_unknown", 3, 3600, per="address")


def receive(rt: Runtime, number: str, body: str, message_sid: str) -> str | None:
    seen, reply = inbound_reply(rt, message_sid)
    if seen:
        return reply
    reply = _answer(rt, number, body, message_sid)
    do_record_inbound(rt, message_sid, number, reply)
    return reply


def _answer(rt: Runtime, number: str, body: str, message_sid: str) -> str | None:
    base = rt.settings.effective_base_url
    account_id = account_for_number(rt, number)
    command = parse(body)
    if account_id is None:
        if command.verb in ("stop", "start"):
            return None  # nothing to stop; the carrier keeps its own list
        try:
            rt.limiter.enforce(UNKNOWN_RULE, number)
        except RateLimited:
            return None  # told a few times already: each answer is a text we pay for
        return f"This number is not linked to Roost. Link it at {base}/settings/phone"
    if command.verb == "stop":  # always honoured, whatever the limits
        do_set_stopped(rt, account_id, True)
        return "You will get no more texts from Roost. Text START to get them again."
    try:
        rt.limiter.enforce(INBOUND_RULE, account_id)
    except RateLimited:
        return None  # answering each would cost a text too
    try:
        reply = _run(rt, account_id, command, message_sid)
    except NotFound:
        reply = f"No one is called @{command.user}." if command.user else "Not found."
    except RoostError as exc:
        reply = exc.message.rstrip(".") + ". Nothing was changed."
    phone = get_phone(rt, account_id)
    if command.verb != "start" and phone is not None and phone.stopped:
        return None  # a stopped phone gets no text at all until START, not even a reply
    return reply


def _run(rt: Runtime, me: int, command: Command, message_sid: str) -> str | None:
    verb, key = command.verb, f"sms:{message_sid}"
    if verb in ("empty", "help"):
        return HELP
    if verb == "start":
        do_set_stopped(rt, me, False)
        return "Texts from Roost are back on. Text HELP for the commands."
    if verb == "post":
        return _post(rt, me, command.text, key=key)
    if verb in ("on", "off") and command.user is None:
        do_update_phone_settings(rt, me, texts_on=verb == "on")
        return "Texts are on." if verb == "on" else "Texts are off. Text ON to turn them on."
    assert command.user is not None
    them = get_account_by_username(rt, command.user)
    name = them.username
    rel = relationships(rt, me, [them.id])[0] if them.id != me else None
    if rel is not None and (rel.blocking or rel.blocked_by):
        return f"You and @{name} cannot reach each other (blocked). Nothing was changed."
    if verb == "dm":
        if not command.text:
            return f"Say something after D {name}."
        return _post(rt, me, f"@{name} {command.text}", key=key, visibility="direct")
    if verb == "follow":
        do_follow(rt, me, them.id, notify=True)
        if relationships(rt, me, [them.id])[0].requested:
            return f"Asked @{name} to approve you. Their posts will come once they do."
        return f"You follow @{name} and get their posts by text. OFF {name} stops them."
    if verb == "unfollow":
        do_unfollow(rt, me, them.id)
        return f"You no longer follow @{name}."
    if verb in ("on", "off"):
        if rel is None or not rel.following:
            return f"You don't follow @{name}. Text FOLLOW {name} first."
        do_follow(rt, me, them.id, notify=verb == "on")
        return f"Texts from @{name} are {verb}."
    if verb == "whois":
        return _whois(rt, them)
    latest = _latest(rt, me, them.id)
    if latest is None:
        if them.locked and (rel is None or not rel.following):
            return f"@{name}'s posts are protected. Nothing was changed."
        return f"@{name} has no posts you can see."
    if verb == "get":
        link = f"{rt.settings.effective_base_url}/@{name}/{latest.post.id}"
        return fit(f"{name}: {latest.post.text}", link)
    if verb == "reply":
        return _post(rt, me, f"@{name} {command.text}", key=key, in_reply_to_id=latest.post.id)
    if verb == "like":
        do_favourite(rt, me, latest.post.id)
        return f"Liked @{name}'s post."
    if verb == "repost":
        do_reblog(rt, me, latest.post.id)
        return f"Reposted @{name}'s post."
    return HELP


def _post(
    rt: Runtime,
    me: int,
    text: str,
    *,
    key: str,
    visibility: str = "public",
    in_reply_to_id: int | None = None,
) -> str | None:
    """Posts quietly: a confirmation would be a text to pay for. Too long: says so."""
    try:
        do_create_post(
            rt,
            me,
            text,
            visibility=visibility,
            in_reply_to_id=in_reply_to_id,
            idempotency_key=key,
        )
    except RoostError as exc:
        return exc.message.rstrip(".") + ". Nothing was posted."
    return None


def _latest(rt: Runtime, me: int, account_id: int) -> StatusView | None:
    """Their newest post the sender may see (reposts aside)."""
    views = account_statuses(rt, me, account_id, Page(limit=1), exclude_reblogs=True)
    return views[0] if views else None


def _whois(rt: Runtime, them: AccountRow) -> str:
    bio = nh3.clean(them.note or "", tags=set()).strip()
    name = them.display_name or them.username
    text = (
        f"{name} (@{them.username}){' [protected]' if them.locked else ''}: {bio} "
        f"{_count(them.statuses_count, 'post')}, {_count(them.followers_count, 'follower')}, "
        f"{them.following_count} following."
    )
    link = f"{rt.settings.effective_base_url}/@{them.username}"
    return fit(" ".join(text.split()), link)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
