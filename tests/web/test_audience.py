"""Mute and block from a profile, and undo them from the settings page, without
JavaScript."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.graph.queries import relationships
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient


def test_mute_and_block_from_a_profile_and_undo_from_settings(
    web: WebClient, rt: Runtime, people: People
) -> None:
    # given
    assert people.bob
    alice = web.log_in("alice")
    profile = web.get("/@bob").text
    assert 'data-confirm="Mute @bob?' in profile
    assert 'data-confirm="Block @bob?' in profile
    # when
    for verb in ("mute", "block"):
        response = web.submit(f"/@bob/{verb}", {"next": "/@bob"}, page="/@bob")
        assert response.status_code == 303
        assert response.headers["location"] == "/@bob"
    # then
    (rel,) = relationships(rt, alice, [people.bob])
    assert (rel.muting, rel.blocking) == (True, True)
    profile = web.get("/@bob").text
    assert 'aria-pressed="true">Unmute' in profile
    assert 'aria-pressed="true">Unblock' in profile
    listing = web.get("/settings/audience").text
    assert listing.count("@bob</span>") == 2
    assert 'aria-label="Unblock @bob"' in listing
    # undo, from the settings page
    for verb in ("unmute", "unblock"):
        response = web.submit(
            f"/@bob/{verb}", {"next": "/settings/audience"}, page="/settings/audience"
        )
        assert response.headers["location"] == "/settings/audience"
    (rel,) = relationships(rt, alice, [people.bob])
    assert (rel.muting, rel.blocking) == (False, False)
    assert web.get("/settings/audience").text.count("Nobody.") == 2


def test_the_settings_page_needs_a_login(web: WebClient) -> None:
    response = web.get("/settings/audience", follow_redirects=False)
    assert response.status_code in (302, 303)


def test_an_unknown_profile_verb_is_not_found(web: WebClient, people: People) -> None:
    assert people.bob
    web.log_in("alice")
    assert web.submit("/@bob/shun", page="/@bob").status_code == 404


def test_every_post_by_someone_else_offers_mute_and_block(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given: alice follows bob, whose post is on her home page
    alice = web.log_in("alice")
    do_follow(rt, alice, people.bob)
    do_create_post(rt, people.bob, "hello from bob")
    do_create_post(rt, alice, "my own")
    settle()
    home = web.get("/").text
    assert 'aria-label="More for @bob"' in home
    assert 'aria-label="More for @alice"' not in home  # one's own posts offer delete
    # when: she mutes him from the post's menu
    response = web.submit("/@bob/mute", {"next": "/"}, page="/")
    assert response.headers["location"] == "/"
    # then: his post leaves her home at once
    assert "hello from bob" not in web.get("/").text
