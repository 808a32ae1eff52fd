"""Texts in: each command run as the phone's owner, through the same actions as the
API; unknown numbers, unknown users, blocks and protected accounts get clear
replies and change nothing; a retried MessageSid acts once."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from roost.accounts.actions import do_update_profile
from roost.conversations.queries import list_conversations
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block
from roost.graph.queries import relationships
from roost.paging import Page
from roost.phones.queries import get_phone
from roost.posts.actions import do_create_post
from roost.posts.queries import account_statuses, get_status
from roost.runtime import Runtime
from roost.sms.commands import HELP
from roost.sms.gateway import receive
from roost.store.ratelimit import RateLimiter
from tests.conftest import People
from tests.phones.conftest import Link, sent_bodies

Settle = Callable[[], int]
BOB = "+14155550001"
_sids = itertools.count(1)


def text(rt: Runtime, body: str, number: str = BOB) -> str | None:
    return receive(rt, number, body, f"SM{next(_sids):032d}")


def newest(rt: Runtime, account_id: int) -> list[str]:
    return [v.post.text for v in account_statuses(rt, account_id, account_id, Page(limit=5))]


def test_a_plain_text_is_posted(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    assert text(rt, "  Running late, start without me ") is None
    assert newest(rt, people.bob) == ["Running late, start without me"]


def test_a_text_too_long_is_not_posted(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    reply = text(rt, "x" * 281)
    assert reply is not None
    assert "too long" in reply
    assert "Nothing was posted" in reply
    assert newest(rt, people.bob) == []


def test_an_unknown_number_is_told_how_to_link(rt: Runtime) -> None:
    reply = text(rt, "hello", "+14155559999")
    assert (
        reply == "This number is not linked to Roost. Link it at http://roost.test/settings/phone"
    )


def test_a_retried_message_sid_acts_once(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    people.alice  # noqa: B018
    first = receive(rt, BOB, "FOLLOW alice", "SMretried")
    again = receive(rt, BOB, "FOLLOW alice", "SMretried")
    assert first == again
    receive(rt, BOB, "hello once", "SMpost")
    receive(rt, BOB, "hello once", "SMpost")
    assert newest(rt, people.bob) == ["hello once"]


def test_reply_answers_the_latest_post(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    do_create_post(rt, people.alice, "older")
    latest = do_create_post(rt, people.alice, "lunch?")
    assert text(rt, "@alice yes please") is None
    [mine] = account_statuses(rt, people.bob, people.bob, Page(limit=1))
    assert mine.post.in_reply_to_id == latest
    assert mine.post.text == "@alice yes please"


def test_a_dm_by_text_reaches_the_recipients_conversations(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, BOB)
    people.alice  # noqa: B018
    assert text(rt, "D alice the door code is 1234") is None
    settle()
    [conversation] = list_conversations(rt, people.alice, Page(limit=5))
    assert conversation.last_status is not None
    assert conversation.last_status.post.text == "@alice the door code is 1234"
    assert conversation.last_status.post.visibility == "direct"
    assert conversation.unread


def test_follow_unfollow_and_the_per_person_switch(
    rt: Runtime, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, BOB)
    people.alice  # noqa: B018
    assert text(rt, "on alice") == "You don't follow @alice. Text FOLLOW alice first."
    assert text(rt, "FOLLOW alice") == (
        "You follow @alice and get their posts by text. OFF alice stops them."
    )
    [rel] = relationships(rt, people.bob, [people.alice])
    assert rel.following
    assert rel.notifying
    do_create_post(rt, people.alice, "first")
    settle()
    assert text(rt, "OFF alice") == "Texts from @alice are off."
    assert not relationships(rt, people.bob, [people.alice])[0].notifying
    do_create_post(rt, people.alice, "second")
    settle()
    assert text(rt, "ON alice") == "Texts from @alice are on."
    do_create_post(rt, people.alice, "third")
    settle()
    assert sent_bodies(rt, people.bob) == ["alice: first", "alice: third"]
    assert text(rt, "leave alice") == "You no longer follow @alice."
    assert not relationships(rt, people.bob, [people.alice])[0].following


def test_on_and_off_for_all_texts(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    assert text(rt, "OFF") == "Texts are off. Text ON to turn them on."
    phone = get_phone(rt, people.bob)
    assert phone is not None
    assert not phone.texts_on
    assert text(rt, "on") == "Texts are on."
    phone = get_phone(rt, people.bob)
    assert phone is not None
    assert phone.texts_on


def test_stop_and_start(rt: Runtime, people: People, link: Link, settle: Settle) -> None:
    link(people.bob, BOB)
    assert (
        text(rt, "STOP") == "You will get no more texts from Roost. Text START to get them again."
    )
    do_create_post(rt, people.alice, "@bob are you there?")
    settle()
    assert sent_bodies(rt, people.bob) == []
    assert text(rt, "GET alice") is None  # a stopped phone gets no text, not even a reply
    assert text(rt, "START") == "Texts from Roost are back on. Text HELP for the commands."
    do_create_post(rt, people.alice, "@bob welcome back")
    settle()
    assert sent_bodies(rt, people.bob) == ["alice: @bob welcome back"]


def test_stop_is_honoured_past_the_inbound_limit(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    rt.limiter = RateLimiter(enabled=True)
    replies = [text(rt, f"post {n}") for n in range(25)]
    assert newest(rt, people.bob)[0] == "post 19"  # 20 a minute, the rest dropped
    assert replies[-1] is None
    assert text(rt, "STOP") is not None
    phone = get_phone(rt, people.bob)
    assert phone is not None
    assert phone.stopped


def test_get_whois_like_and_repost(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    do_update_profile(rt, people.alice, display_name="Alice A.", note="Doctor. Usually late.")
    post = do_create_post(rt, people.alice, "The clinic opens at 9")
    assert text(rt, "GET alice") == "alice: The clinic opens at 9"
    whois = text(rt, "whois alice")
    assert whois is not None
    assert whois.startswith("Alice A. (@alice): Doctor. Usually late. 1 post, 0 followers")
    assert text(rt, "LIKE alice") == "Liked @alice's post."
    assert text(rt, "RT alice") == "Reposted @alice's post."
    view = get_status(rt, people.bob, post)
    assert view.favourited
    assert view.reblogged


def test_unknown_users_get_a_clear_reply(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    for body in ("FOLLOW nobody", "GET nobody", "D nobody hi", "@nobody hi", "LIKE nobody"):
        assert text(rt, body) == "No one is called @nobody."
    assert newest(rt, people.bob) == []


def test_blocked_relationships_change_nothing(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    do_create_post(rt, people.alice, "hello")
    do_block(rt, people.alice, people.bob)
    for body in ("FOLLOW alice", "GET alice", "D alice hi", "@alice hi", "LIKE alice", "RT alice"):
        reply = text(rt, body)
        assert reply == "You and @alice cannot reach each other (blocked). Nothing was changed."
    assert not relationships(rt, people.bob, [people.alice])[0].following
    assert newest(rt, people.bob) == []


def test_protected_accounts_show_nothing_to_strangers(
    rt: Runtime, people: People, link: Link
) -> None:
    link(people.bob, BOB)
    do_update_profile(rt, people.alice, locked=True)
    do_create_post(rt, people.alice, "followers only", visibility="private")
    assert text(rt, "GET alice") == "@alice's posts are protected. Nothing was changed."
    assert text(rt, "LIKE alice") == "@alice's posts are protected. Nothing was changed."
    assert text(rt, "FOLLOW alice") == (
        "Asked @alice to approve you. Their posts will come once they do."
    )
    assert relationships(rt, people.bob, [people.alice])[0].requested


def test_help_and_empty_texts_list_the_commands(rt: Runtime, people: People, link: Link) -> None:
    link(people.bob, BOB)
    assert text(rt, "HELP") == HELP
    assert text(rt, "  ") == HELP


def test_a_follow_by_text_sets_the_same_switch_as_the_api(
    rt: Runtime, people: People, link: Link
) -> None:
    link(people.bob, BOB)
    do_follow(rt, people.bob, people.alice, notify=True)  # as the API's follow with notify
    assert text(rt, "off alice") == "Texts from @alice are off."
    assert not relationships(rt, people.bob, [people.alice])[0].notifying
