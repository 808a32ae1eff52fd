"""The "Muted words" page: muting a word hides or folds posts on the web pages, and
unmuting shows them again."""

from __future__ import annotations

from collections.abc import Callable

from roost.filters.queries import get_filters
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient

PAGE = "/settings/filters"


def test_muted_word_is_hidden_from_home_and_unmuted_again(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    alice = web.log_in("alice")
    do_follow(rt, alice, people.bob)
    settle()
    do_create_post(rt, people.bob, "Election results are in")
    do_create_post(rt, people.bob, "lovely weather")
    settle()
    assert "Election results" in web.get("/").text
    # when
    added = web.submit(
        PAGE,
        {"phrase": "election", "whole_word": "1", "context_home": "1", "action": "hide"},
        page=PAGE,
    )
    # then
    assert added.status_code == 303
    (muted,) = get_filters(rt, alice)
    assert (muted.filter_action, muted.context, muted.expires_at) == ("hide", ["home"], None)
    listed = web.get(PAGE).text
    assert "election" in listed
    assert "Unmute" in listed
    home = web.get("/").text
    assert "Election results" not in home
    assert "lovely weather" in home
    # and unmuting brings it back
    web.submit(f"{PAGE}/{muted.id}/delete", page=PAGE)
    assert get_filters(rt, alice) == []
    assert "Election results" in web.get("/").text


def test_warned_post_is_folded_with_show_anyway(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = web.log_in("alice")
    post = do_create_post(rt, people.bob, "football scores tonight")
    web.submit(
        PAGE,
        {"phrase": "football", "context_public": "1", "action": "warn", "expires_in": "3600"},
        page=PAGE,
    )
    assert get_filters(rt, alice)[0].expires_at is not None
    explore = web.get("/explore").text
    assert (
        '<details class="filtered"><summary>Filtered: football — Show anyway</summary>' in explore
    )
    assert "football scores tonight" in explore  # still there, folded
    # the post's own page is another context: shown unfolded
    assert "Filtered:" not in web.get(f"/@bob/{post}").text


def test_form_errors_are_shown_next_to_the_field(web: WebClient, rt: Runtime) -> None:
    alice = web.log_in("alice")
    blank = web.submit(PAGE, {"phrase": " ", "context_home": "1"}, page=PAGE)
    assert blank.status_code == 422
    assert 'id="phrase-error"' in blank.text
    nowhere = web.submit(PAGE, {"phrase": "cat"}, page=PAGE)
    assert nowhere.status_code == 422
    assert 'id="context-error"' in nowhere.text
    assert get_filters(rt, alice) == []


def test_live_posts_for_home_leave_out_hidden_ones(
    web: WebClient, rt: Runtime, people: People
) -> None:
    web.log_in("alice")
    hidden = do_create_post(rt, people.bob, "election results")
    shown = do_create_post(rt, people.bob, "weather")
    web.submit(PAGE, {"phrase": "election", "context_home": "1", "action": "hide"}, page=PAGE)
    live = web.get(f"/live/posts?id={hidden}&id={shown}&context=home").text
    assert f'id="post-{shown}"' in live
    assert f'id="post-{hidden}"' not in live
    # a public page is another context
    assert f'id="post-{hidden}"' in web.get(f"/live/posts?id={hidden}&context=public").text


def test_notification_about_a_hidden_post_is_left_out(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    alice = web.log_in("alice")
    do_follow(rt, alice, people.bob)
    do_create_post(rt, people.bob, "@alice election gossip")
    do_create_post(rt, people.bob, "@alice lunch tomorrow?")
    settle()
    assert "election gossip" in web.get("/notifications").text
    web.submit(
        PAGE, {"phrase": "election", "context_notifications": "1", "action": "hide"}, page=PAGE
    )
    page = web.get("/notifications").text
    assert "election gossip" not in page
    assert "lunch tomorrow" in page
