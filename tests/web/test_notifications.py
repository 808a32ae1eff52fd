"""The notifications page and the unread badge: grouped as the apps group them,
read when opened (the marker moves and the badge clears), cleared only by a
real form, and the live stream behind the badge."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable

from roost.conversations.queries import list_conversations
from roost.graph.actions import do_follow
from roost.notifications.queries import get_marker_id, list_notifications
from roost.paging import Page
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_favourite
from roost.runtime import Runtime
from roost.web.unread import events, shown
from tests.conftest import People
from tests.web.conftest import WebClient

Settle = Callable[[], int]
BADGE_RE = re.compile(
    r'data-unread="(?P<kind>\w+)"(?P<hidden> hidden)?><span class="n">(?P<n>[^<]*)</span>'
)


def text_of(html: str) -> str:
    """The page as a reader hears it: tags out, whitespace folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def badges(html: str) -> dict[str, str]:
    """The navigation's badges as shown: a hidden badge says nothing."""
    return {m["kind"]: "" if m["hidden"] else m["n"] for m in BADGE_RE.finditer(html)}


def test_notifications_are_grouped_as_the_apps_group_them(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    # given: alice's post is liked by four people, reposted, quoted, and she is
    # followed and mentioned, and told when someone she follows posts
    alice = web.log_in("alice")
    post = do_create_post(rt, alice, "My first post on Roost")
    for name in ("bob", "carol", "dave", "erin"):
        do_favourite(rt, getattr(people, name), post)
    do_reblog(rt, people.dave, post)
    do_create_post(rt, people.erin, "Look at this", quote_id=post)
    do_follow(rt, people.bob, alice)
    do_create_post(rt, people.carol, "@alice are you coming tonight?")
    do_follow(rt, alice, people.frank, notify=True)
    settle()
    do_create_post(rt, people.frank, "Frank's news")
    settle()
    # when
    page = text_of(web.get("/notifications").text)
    # then: newest first, one line per group
    expected = [
        "frank posted",
        "Frank's news",
        "carol mentioned you",
        "are you coming tonight?",
        "bob followed you",
        "erin quoted your post",
        "Look at this",
        "dave reposted your post",
        "erin and 3 others liked your post",
        "My first post on Roost",
    ]
    assert in_order(page, expected), page


def in_order(text: str, parts: list[str]) -> bool:
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def test_two_likes_name_both_people(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    post = do_create_post(rt, alice, "Two fans")
    do_favourite(rt, people.bob, post)
    do_favourite(rt, people.carol, post)
    settle()
    assert "carol and bob liked your post" in text_of(web.get("/notifications").text)


def test_opening_the_page_moves_the_marker_and_clears_the_badge(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    # given: two unread notifications
    alice = web.log_in("alice")
    do_create_post(rt, people.bob, "@alice hello")
    do_follow(rt, people.carol, alice)
    settle()
    assert badges(web.get("/").text)["notifications"] == "2"
    # when: alice opens her notifications
    page = web.get("/notifications").text
    # then: both are marked new on this visit, the marker is at the newest, and the
    # badge is gone on this page and the next
    assert page.count("New: ") == 2
    _views, ids = list_notifications(rt, alice, Page(limit=1))
    assert get_marker_id(rt, alice, "notifications") == ids[0]
    assert badges(page)["notifications"] == ""
    assert badges(web.get("/").text)["notifications"] == ""
    assert "New: " not in web.get("/notifications").text
    # and a new notification brings the badge back
    do_create_post(rt, people.dave, "@alice again")
    settle()
    assert badges(web.get("/").text)["notifications"] == "1"


def test_an_older_page_does_not_move_the_marker(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    do_create_post(rt, people.bob, "@alice hello")
    settle()
    newest = list_notifications(rt, alice, Page(limit=1))[1][0]
    web.get(f"/notifications?max_id={newest}")
    assert get_marker_id(rt, alice, "notifications") == 0


def test_the_page_pages_with_an_older_link(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    for i in range(21):
        do_create_post(rt, people.bob, f"@alice message number {i:02}")
    settle()
    first = web.get("/notifications").text
    assert "message number 20" in first
    assert "message number 00" not in first
    older = re.search(r'href="(/notifications\?max_id=\d+)">Older', first)
    assert older, "no Older link"
    second = web.get(older.group(1)).text
    assert "message number 00" in second
    assert "message number 20" not in second
    assert get_marker_id(rt, alice, "notifications") > 0


def test_clear_all_needs_the_forms_token(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    alice = web.log_in("alice")
    do_create_post(rt, people.bob, "@alice hello")
    settle()
    forged = web.client.post("/notifications/clear", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert list_notifications(rt, alice, Page())[0]
    response = web.submit("/notifications/clear", page="/notifications")
    assert response.status_code == 303
    assert list_notifications(rt, alice, Page())[0] == []
    assert "No notifications yet" in web.get("/notifications").text


def test_notifications_and_the_badge_are_for_signed_in_people(web: WebClient) -> None:
    response = web.get("/notifications", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/notifications"
    assert badges(web.get("/explore").text) == {}
    assert web.get("/live/unread").status_code == 403
    assert web.get("/live/unread/counts").status_code == 403


def test_the_badge_caps_at_99() -> None:
    assert [shown(n) for n in (0, 1, 99, 100, 5000)] == ["", "1", "99", "99+", "99+"]


def test_counts_answer_once_for_the_script(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    web.log_in("alice")
    do_create_post(rt, people.bob, "@alice hi")
    do_create_post(rt, people.bob, "@alice a secret", visibility="direct")
    settle()
    counts = web.get("/live/unread/counts").json()
    # The stranger's direct mention waits in requests (Mastodon's default policy);
    # the conversation is in the inbox all the same.
    assert counts == {"notifications": "1", "messages": "1"}


def test_the_stream_sends_counts_on_connect_and_after_each_notification(
    rt: Runtime, people: People, settle: Settle
) -> None:
    people.alice  # noqa: B018 -- registered before anyone mentions her
    do_create_post(rt, people.bob, "@alice before the page")
    settle()

    async def scenario() -> None:
        stream = events(rt, people.alice)
        assert (await anext(stream)).startswith("retry: 3000")
        assert await anext(stream) == unread_event(notifications="1", messages="")
        do_follow(rt, people.carol, people.alice)
        settle()
        assert await asyncio.wait_for(anext(stream), 5) == unread_event("2", "")
        do_follow(rt, people.alice, people.bob)
        settle()
        do_create_post(rt, people.bob, "@alice psst", visibility="direct")
        settle()  # the mention and the conversation, in either order
        got = [await asyncio.wait_for(anext(stream), 5) for _ in range(3)]
        inbox = list_conversations(rt, people.alice, Page())
        conversation = f"event: conversation\ndata: {inbox[0].id}\n\n"
        assert sorted(got) == sorted([unread_event("3", "1"), unread_event("3", "1"), conversation])
        await stream.aclose()

    asyncio.run(scenario())


def unread_event(notifications: str, messages: str) -> str:
    data = json.dumps({"notifications": notifications, "messages": messages}, separators=(",", ":"))
    return f"event: unread\ndata: {data}\n\n"
