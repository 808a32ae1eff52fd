"""The Trends, Who-to-follow and hashtag chat pages work without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from roost.chats.actions import QuestionInput, do_announce_chat
from roost.chats.queries import upcoming_chats
from roost.graph.actions import do_follow
from roost.graph.queries import is_following
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.suggestions.queries import get_suggestions
from tests.conftest import People
from tests.web.conftest import WebClient

Settle = Callable[[], int]


def test_trends_page_and_home_side_column_show_a_burst(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    for name in ("bob", "carol", "dave", "erin", "grace"):
        do_create_post(rt, getattr(people, name), "The #Eclipse tonight https://sky.example/now")
    do_create_post(rt, people.frank, "for my followers #hidden", visibility="private")
    settle()
    page = web.get("/trends")
    assert page.status_code == 200
    assert "#Eclipse" in page.text
    assert "https://sky.example/now" in page.text
    assert "#hidden" not in page.text
    web.log_in("alice")
    home = web.get("/").text
    assert 'href="/tags/eclipse"' in home
    assert 'href="/trends"' in home


def test_who_to_follow_follows_and_dismisses_by_forms(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = web.log_in("alice")
    do_follow(rt, alice, people.bob)
    do_follow(rt, people.bob, people.carol)
    do_follow(rt, people.bob, people.dave)
    page = web.get("/suggestions").text
    assert "Followed by bob" in page
    assert "@carol" in page
    assert "@dave" in page
    followed = web.submit("/@carol/follow", {"next": "/suggestions"}, page="/suggestions")
    assert followed.headers["location"] == "/suggestions"
    assert is_following(rt, alice, people.carol)
    dismissed = web.submit(
        f"/suggestions/{people.dave}/dismiss", {"next": "/suggestions"}, page="/suggestions"
    )
    assert dismissed.status_code == 303
    assert [s.account.username for s in get_suggestions(rt, alice, utcnow())] == []
    assert "@dave" not in web.get("/suggestions").text
    assert web.get("/suggestions/1/dismiss").status_code == 405


def test_a_chat_is_announced_followed_live_and_read_as_a_transcript(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    web.log_in("alice")
    start = (utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    refused = web.submit("/chats", {"tag": "not a tag", "starts_at": start}, page="/chats")
    assert refused.status_code == 422
    made = web.submit(
        "/chats",
        {"tag": "#HITsm", "starts_at": start, "minutes": "60", "questions": "One?\nTwo?"},
        page="/chats",
    )
    assert made.headers["location"] == "/chats/hitsm"
    (chat,) = upcoming_chats(rt, utcnow())
    assert [q.text for q in chat.questions] == ["One?", "Two?"]
    page = web.get("/chats/hitsm?answer=1").text
    assert 'data-order="chronological"' in page
    assert 'data-live="/live/tags/hitsm' in page
    assert "A1 #HITsm" in page  # the composer answers question 1
    # a chat under way: its transcript groups the answers
    running = do_announce_chat(
        rt,
        people.bob,
        "hcsm",
        utcnow() - timedelta(minutes=1),
        questions=[QuestionInput("Why?")],
    )
    settle()
    do_create_post(rt, people.carol, "A1 because #hcsm")
    do_create_post(rt, people.dave, "first! #hcsm")
    transcript = web.get(f"/chats/transcripts/{running}").text
    assert "Q1 Why?" in transcript
    assert transcript.index("A1 because") < transcript.index("first!")
    chat_page = web.get("/chats/hcsm").text
    assert chat_page.index("Q1 Why?") < chat_page.index("A1 because") < chat_page.index("first!")
    assert web.get("/chats/transcripts/12345").status_code == 404
    assert web.get("/chats").status_code == 200
