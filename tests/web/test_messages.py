"""Direct messages on the web: the inbox, one conversation as a whole exchange, a
reply that reaches everyone in it, removing a conversation for oneself, and that
nobody outside a conversation ever sees it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from roost.conversations.queries import list_conversations
from roost.graph.actions import do_follow
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.posts.queries import get_status
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient
from tests.web.test_notifications import badges, in_order, text_of

Settle = Callable[[], int]
TEXTAREA_RE = re.compile(r'<textarea id="status" name="status"[^>]*>([^<]*)</textarea>')


def conversation_id(rt: Runtime, account_id: int) -> int:
    inbox = list_conversations(rt, account_id, Page())
    assert len(inbox) == 1
    return inbox[0].id


def prefill(page: str) -> str:
    match = TEXTAREA_RE.search(page)
    assert match, "no reply box"
    return html.unescape(match.group(1))


def test_the_inbox_shows_who_wrote_what_and_what_is_unread(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    bob, _carol = people.bob, people.carol  # registered in this order, listed in it
    do_create_post(rt, bob, "@alice @carol dinner on Friday?", visibility="direct")
    settle()
    page = web.get("/messages").text
    row = text_of(page.split('id="conversations"')[1])
    assert in_order(row, ["bob, carol", "(unread)", "@alice @carol dinner on Friday?"]), row
    assert 'class="conversation unread"' in page
    assert badges(page)["messages"] == "1"
    # her own answer is "You:" and, once she has read it, nothing is unread
    do_mark = web.get(f"/messages/{conversation_id(rt, alice)}")
    assert do_mark.status_code == 200
    web.submit(f"/messages/{conversation_id(rt, alice)}/reply", {"status": "@bob @carol yes!"})
    settle()
    page = web.get("/messages").text
    assert "You: @bob @carol yes!" in text_of(page)
    assert "(unread)" not in page
    assert badges(page)["messages"] == ""


def test_a_conversation_shows_the_whole_exchange_and_marks_it_read(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    # given: a back-and-forth, one of them public (not part of the exchange)
    alice = web.log_in("alice")
    first = do_create_post(rt, people.bob, "@alice are you there?", visibility="direct")
    answer = do_create_post(rt, alice, "@bob yes, here", visibility="direct", in_reply_to_id=first)
    do_create_post(
        rt, people.bob, "@alice good, listen", visibility="direct", in_reply_to_id=answer
    )
    do_create_post(rt, people.bob, "a public post, elsewhere")
    settle()
    conversation = conversation_id(rt, alice)
    assert list_conversations(rt, alice, Page())[0].unread
    # when
    page = web.get(f"/messages/{conversation}").text
    # then: oldest first, all three, and read
    assert in_order(text_of(page), ["are you there?", "yes, here", "good, listen"])
    assert "a public post" not in page
    assert not list_conversations(rt, alice, Page())[0].unread
    assert prefill(page) == "@bob "


def test_a_reply_stays_in_the_conversation_and_reaches_everyone(
    web: WebClient, other_web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    # given: bob writes to alice and carol
    alice = web.log_in("alice")
    carol = other_web.log_in("carol")
    first = do_create_post(rt, people.bob, "@alice @carol plans?", visibility="direct")
    settle()
    conversation = conversation_id(rt, alice)
    page = web.get(f"/messages/{conversation}").text
    # when: alice answers in the box as it is prefilled
    assert prefill(page) == "@bob @carol "
    response = web.submit(
        f"/messages/{conversation}/reply",
        {"status": prefill(page) + "sounds good"},
        page=f"/messages/{conversation}",
    )
    assert response.status_code == 303
    reply_id = int(response.headers["location"].rsplit("#post-", 1)[1])
    assert response.headers["location"] == f"/messages/{conversation}#post-{reply_id}"
    settle()
    # then: a direct answer to bob's message, in the same conversation for all three
    reply = get_status(rt, alice, reply_id)
    assert reply.post.visibility == "direct"
    assert reply.post.in_reply_to_id == first
    assert {a.id for a in reply.mentions} == {people.bob, carol}
    carol_page = other_web.get(f"/messages/{conversation_id(rt, carol)}").text
    assert in_order(text_of(carol_page), ["plans?", "sounds good"])
    assert "sounds good" in text_of(web.get(f"/messages/{conversation}").text)
    assert list_conversations(rt, people.bob, Page())[0].last_post_id == reply_id


def test_a_blank_reply_is_refused_next_to_the_box(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    web.log_in("alice")
    do_create_post(rt, people.bob, "@alice hi", visibility="direct")
    settle()
    conversation = conversation_id(rt, people.alice)
    response = web.submit(f"/messages/{conversation}/reply", {"status": "  "})
    assert response.status_code == 422
    assert "Text can&#39;t be blank" in response.text
    assert len(list_conversations(rt, people.bob, Page())) == 1


def test_removing_a_conversation_hides_it_until_the_next_message(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    first = do_create_post(rt, people.bob, "@alice one", visibility="direct")
    settle()
    conversation = conversation_id(rt, alice)
    forged = web.client.post(f"/messages/{conversation}/remove", data={"csrf_token": "x"})
    assert forged.status_code == 403
    response = web.submit(f"/messages/{conversation}/remove", page=f"/messages/{conversation}")
    assert response.headers["location"] == "/messages"
    assert "No messages yet" in web.get("/messages").text
    assert web.get(f"/messages/{conversation}").status_code == 404
    assert len(list_conversations(rt, people.bob, Page())) == 1  # bob keeps his
    # when bob writes again, it is back
    do_create_post(rt, people.bob, "@alice two", visibility="direct", in_reply_to_id=first)
    settle()
    page = text_of(web.get("/messages").text)
    assert "@alice two" in page
    assert in_order(
        text_of(web.get(f"/messages/{conversation_id(rt, alice)}").text), ["one", "two"]
    )


def test_nobody_else_can_open_or_change_a_conversation(
    web: WebClient, other_web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    do_create_post(rt, people.bob, "@alice just us", visibility="direct")
    settle()
    conversation = conversation_id(rt, alice)
    other_web.log_in("mallory")
    assert other_web.get(f"/messages/{conversation}").status_code == 404
    assert (
        other_web.get(f"/messages/{conversation}", headers={"X-Roost-Fragment": "1"}).status_code
        == 404
    )
    reply = other_web.submit(f"/messages/{conversation}/reply", {"status": "@bob hi"})
    assert reply.status_code == 404
    assert other_web.submit(f"/messages/{conversation}/remove").status_code == 404
    assert len(list_conversations(rt, alice, Page())) == 1
    assert "just us" not in other_web.get("/messages").text
    web.log_out()
    signed_out = web.get(f"/messages/{conversation}", follow_redirects=False)
    assert signed_out.headers["location"].startswith("/login?next=")


def test_a_follower_not_mentioned_never_sees_a_direct_message(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    # given: dave follows bob, who writes directly to alice (with a hashtag)
    dave = web.log_in("dave")
    do_follow(rt, dave, people.bob, notify=True)
    people.alice  # noqa: B018
    settle()
    secret = do_create_post(rt, people.bob, "@alice the secret #plans", visibility="direct")
    public = do_create_post(rt, people.bob, "something public #plans")
    settle()
    # then: on no page dave can open
    pages = [
        "/",
        "/explore",
        "/notifications",
        "/messages",
        "/tags/plans",
        "/@bob",
        "/@bob/with_replies",
        f"/@bob/{public}",
        f"/live/posts?id={secret}&id={public}",
    ]
    for path in pages:
        response = web.get(path)
        assert response.status_code == 200, path
        assert "the secret" not in response.text, path
    assert "something public" in web.get("/@bob").text
    assert web.get(f"/@bob/{secret}").status_code == 404
    assert list_conversations(rt, dave, Page()) == []


def test_message_button_on_profiles_leads_to_a_direct_message(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    people.bob  # noqa: B018
    assert 'href="/messages/new?to=bob">Message</a>' in web.get("/@bob").text
    assert ">Message</a>" not in web.get("/@alice").text  # not on your own
    compose = web.get("/messages/new?to=bob").text
    assert prefill(compose) == "@bob "
    assert "<select" not in compose  # always direct
    response = web.submit("/messages", {"status": "@bob hello there"}, page="/messages/new")
    assert response.status_code == 303
    sent = int(response.headers["location"].removeprefix("/messages?sent="))
    assert get_status(rt, alice, sent).post.visibility == "direct"
    # before the job: said to be on its way; after: in the inbox, read for the writer
    assert "It will appear here in a moment" in web.get(response.headers["location"]).text
    settle()
    page = web.get(response.headers["location"]).text
    assert "It will appear here" not in page
    assert "You: @bob hello there" in text_of(page)
    assert list_conversations(rt, people.bob, Page())[0].unread


def test_the_composer_offers_only_people_mentioned(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    people.bob  # noqa: B018
    assert '<option value="direct">Only people mentioned</option>' in web.get("/").text
    web.submit("/posts", {"status": "@bob from the home page", "visibility": "direct"})
    settle()
    inbox = list_conversations(rt, people.bob, Page())
    assert len(inbox) == 1
    assert inbox[0].last_status is not None
    assert inbox[0].last_status.post.visibility == "direct"
    assert inbox[0].accounts[0].id == alice


def test_a_reply_on_a_direct_posts_page_stays_direct_and_to_everyone(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    web.log_in("alice")
    people.carol  # noqa: B018
    first = do_create_post(rt, people.bob, "@alice @carol on the post page", visibility="direct")
    settle()
    page = web.get(f"/@bob/{first}").text
    assert '<input type="hidden" name="visibility" value="direct">' in page
    assert prefill(page) == "@bob @carol "


def test_an_open_conversation_fetches_its_messages_as_a_fragment(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    do_create_post(rt, people.bob, "@alice knock knock", visibility="direct")
    settle()
    conversation = conversation_id(rt, alice)
    fragment = web.get(f"/messages/{conversation}", headers={"X-Roost-Fragment": "1"}).text
    assert fragment.lstrip().startswith("<article")
    assert "knock knock" in fragment
    inbox = web.get("/messages", headers={"X-Roost-Fragment": "1"}).text
    assert inbox.lstrip().startswith('<li class="conversation')


def test_message_boxes_send_no_pictures(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    """The message forms post to pages that take no files: a browser sends an empty
    file part for every file input, so the boxes must have none (a regression: the
    shared composer's picture fields made every message a refused upload)."""
    web.log_in("alice")
    do_create_post(rt, people.bob, "@alice hi", visibility="direct")
    settle()
    for path in ("/messages/new", f"/messages/{conversation_id(rt, people.alice)}"):
        page = web.get(path).text
        assert 'type="file"' not in page
        assert "multipart/form-data" not in page
