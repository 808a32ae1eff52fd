"""Posting, replying, following, liking and reposting through plain forms, as with
JavaScript off, and the fragments the script asks for when it is on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from roost.graph.queries import is_following
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.posts.queries import account_statuses, get_status
from roost.runtime import Runtime
from roost.web.templating import ago
from tests.conftest import People
from tests.web.conftest import WebClient

FRAGMENT = {"X-Roost-Fragment": "1"}


def test_a_post_written_without_javascript_is_on_the_home_page_at_once(
    web: WebClient, rt: Runtime
) -> None:
    web.log_in("alice")
    response = web.submit("/posts", {"status": "Hello @bob and #Roost"})
    assert response.status_code == 303
    # no settle(): the fan-out has not run, yet the author sees the post
    home = web.get(response.headers["location"]).text
    assert "Hello" in home
    assert 'href="http://roost.test/tags/roost"' in home


def test_a_post_over_the_limit_is_refused_next_to_the_composer(web: WebClient, rt: Runtime) -> None:
    alice = web.log_in("alice")
    response = web.submit("/posts", {"status": "a" * 281})
    assert response.status_code == 422
    assert 'id="status-error"' in response.text
    assert "Text is too long (281 characters; the limit is 280)" in response.text
    assert "a" * 281 in response.text  # the text is kept for editing
    fragment = web.submit("/posts", {"status": " "}, follow=False)
    assert fragment.status_code == 422
    assert account_statuses(rt, alice, alice, Page()) == []
    # A long link counts as 23, so this fits.
    fits = web.submit("/posts", {"status": "a" * 250 + " https://example.com/" + "x" * 100})
    assert fits.status_code == 303


def test_follow_like_repost_and_reply_work_without_javascript(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    post = do_create_post(rt, people.bob, "a thought")
    settle()
    alice = web.log_in("alice")
    assert web.submit("/@bob/follow", {"next": "/@bob"}, page="/@bob").status_code == 303
    assert is_following(rt, alice, people.bob)
    assert 'aria-pressed="true">Unfollow' in web.get("/@bob").text
    for action in ("like", "repost", "bookmark"):
        response = web.submit(f"/posts/{post}/{action}", {"next": "/@bob"}, page="/@bob")
        assert response.status_code == 303
        assert response.headers["location"] == "/@bob"
    view = get_status(rt, alice, post)
    assert (view.favourited, view.reblogged, view.bookmarked) == (True, True, True)
    reply = web.submit(
        "/posts", {"status": "@bob I agree", "in_reply_to_id": str(post)}, page=f"/@bob/{post}"
    )
    assert reply.status_code == 303
    assert reply.headers["location"].startswith(f"/@bob/{post}#post-")
    thread = web.get(f"/@bob/{post}").text
    assert "a thought" in thread
    assert "I agree" in thread
    assert web.submit(f"/posts/{post}/unlike", page="/@bob").status_code == 303
    assert not get_status(rt, alice, post).favourited
    web.submit("/@bob/unfollow", page="/@bob")
    assert not is_following(rt, alice, people.bob)


def test_the_script_gets_the_updated_post_as_a_fragment(
    web: WebClient, rt: Runtime, people: People
) -> None:
    post = do_create_post(rt, people.bob, "like me")
    web.log_in("alice")
    token = web.csrf("/")
    response = web.client.post(
        f"/posts/{post}/like", data={"csrf_token": token, "shown": str(post)}, headers=FRAGMENT
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<article class="post" id="post-{post}"')
    assert 'aria-label="Like (1)"' in response.text
    composed = web.client.post(
        "/posts", data={"csrf_token": token, "status": "fresh"}, headers=FRAGMENT
    )
    assert composed.status_code == 200
    assert "fresh" in composed.text
    refused = web.client.post(
        "/posts", data={"csrf_token": token, "status": "x" * 300}, headers=FRAGMENT
    )
    assert refused.status_code == 422
    assert "Text is too long" in refused.text


def test_live_fragments_show_only_what_the_viewer_may_see(
    web: WebClient, rt: Runtime, people: People
) -> None:
    public = do_create_post(rt, people.bob, "for everyone")
    private = do_create_post(rt, people.bob, "for followers", visibility="private")
    web.log_in("alice")
    page = web.get(f"/live/posts?id={public}&id={private}&id=oops").text
    assert "for everyone" in page
    assert "for followers" not in page


def test_the_thread_page_shows_ancestors_and_replies(
    web: WebClient, rt: Runtime, people: People
) -> None:
    root = do_create_post(rt, people.bob, "root post")
    middle = do_create_post(rt, people.carol, "middle reply", in_reply_to_id=root)
    do_create_post(rt, people.bob, "last reply", in_reply_to_id=middle)
    page = web.get(f"/@carol/{middle}").text.split('id="main"', 1)[1]
    assert page.index("root post") < page.index("middle reply") < page.index("last reply")
    assert "Log in</a> or" in page  # visitors are invited to reply
    wrong_author = web.get(f"/@bob/{middle}", follow_redirects=False)
    assert wrong_author.headers["location"] == f"/@carol/{middle}"
    assert web.get("/@carol/12345").status_code == 404


def test_times_read_like_5m() -> None:
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=5), now) == "5s"
    assert ago(now - timedelta(minutes=5), now) == "5m"
    assert ago(now - timedelta(hours=3), now) == "3h"
    assert ago(now - timedelta(days=2), now) == "2d"
    assert ago(datetime(2026, 1, 9, tzinfo=UTC), now) == "Jan 9"
    assert ago(datetime(2024, 1, 9, tzinfo=UTC), now) == "Jan 9, 2024"


def test_explore_lists_public_posts_only(web: WebClient, rt: Runtime, people: People) -> None:
    do_create_post(rt, people.bob, "shouting from the rooftops")
    do_create_post(rt, people.bob, "quietly public", visibility="unlisted")
    do_create_post(rt, people.bob, "between us followers", visibility="private")
    page = web.get("/explore").text
    assert "shouting from the rooftops" in page
    assert "quietly public" not in page
    assert "between us followers" not in page
    assert 'data-live="/live/public?since=' in page


def test_ids_too_large_for_the_database_are_not_found(web: WebClient) -> None:
    web.log_in("alice")
    huge = "99999999999999999999"
    assert web.get(f"/@alice/{huge}").status_code == 404
    assert web.submit(f"/posts/{huge}/like").status_code == 404
    assert web.submit("/posts", {"status": "hi", "in_reply_to_id": huge}).status_code == 303
    assert web.get(f"/?max_id={huge}").status_code == 200
    assert web.get(f"/live/posts?id={huge}&id=9223372036854775808").status_code == 200
