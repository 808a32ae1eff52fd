"""Locked accounts on the web: the settings switch, the profile's "Requested" button
and lock label, and the follow requests page with Approve and Reject."""

from __future__ import annotations

from collections.abc import Callable

from roost.accounts.actions import do_update_profile
from roost.accounts.queries import get_account
from roost.graph.actions import do_follow
from roost.graph.queries import follow_requests_count, is_following, relationships
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient

Settle = Callable[[], int]


def test_the_settings_switch_locks_and_unlocks(
    web: WebClient, rt: Runtime, people: People, settle: Settle
) -> None:
    bob = web.log_in("bob")
    assert 'name="locked" id="locked">' in web.get("/settings").text  # unchecked
    response = web.submit("/settings/locked", {"locked": "on"}, page="/settings")
    assert response.status_code == 303
    assert get_account(rt, bob).locked is True
    assert 'id="locked" checked' in web.get("/settings").text
    do_follow(rt, people.alice, bob)
    web.submit("/settings/locked", {}, page="/settings")  # unchecked: unlock
    settle()
    assert get_account(rt, bob).locked is False
    assert is_following(rt, people.alice, bob)


def test_following_a_locked_profile_shows_requested_and_can_cancel(
    web: WebClient, rt: Runtime, people: People
) -> None:
    do_update_profile(rt, people.bob, locked=True)
    alice = web.log_in("alice")
    profile = web.get("/@bob").text
    assert "(approves followers)" in profile
    web.submit("/@bob/follow", {}, page="/@bob")
    profile = web.get("/@bob").text
    assert ">Requested</button>" in profile
    assert 'action="/@bob/unfollow"' in profile
    assert relationships(rt, alice, [people.bob])[0].requested
    web.submit("/@bob/unfollow", {}, page="/@bob")  # cancel
    assert follow_requests_count(rt, people.bob) == 0
    assert ">Follow</button>" in web.get("/@bob").text


def test_an_unlocked_profile_has_no_lock_label(web: WebClient, people: People) -> None:
    web.log_in("alice")
    people.bob  # noqa: B018 (registers bob)
    assert "(approves followers)" not in web.get("/@bob").text


def test_follow_requests_page_approves_and_rejects(
    web: WebClient, rt: Runtime, people: People
) -> None:
    bob = web.log_in("bob")
    do_update_profile(rt, bob, locked=True)
    do_follow(rt, people.alice, bob)
    do_follow(rt, people.carol, bob)
    page = web.get("/follow_requests").text
    assert "@alice" in page
    assert "@carol" in page
    assert 'aria-label="Approve @alice"' in page
    response = web.submit("/follow_requests/alice/authorize", {}, page="/follow_requests")
    assert response.status_code == 303
    web.submit("/follow_requests/carol/reject", {}, page="/follow_requests")
    assert is_following(rt, people.alice, bob)
    assert not is_following(rt, people.carol, bob)
    assert follow_requests_count(rt, bob) == 0
    assert "Nobody is asking to follow you." in web.get("/follow_requests").text


def test_follow_requests_page_needs_an_account_and_a_token(
    web: WebClient, other_web: WebClient, rt: Runtime, people: People
) -> None:
    assert web.get("/follow_requests", follow_redirects=False).status_code == 303
    do_update_profile(rt, people.bob, locked=True)
    do_follow(rt, people.alice, people.bob)
    other_web.log_in("bob")
    forged = other_web.client.post("/follow_requests/alice/authorize", follow_redirects=False)
    assert forged.status_code in (400, 403)
    assert not is_following(rt, people.alice, people.bob)
    # someone else cannot answer bob's requests
    web.log_in("carol")
    response = web.submit("/follow_requests/alice/authorize", {}, page="/follow_requests")
    assert response.status_code == 404
    assert not is_following(rt, people.alice, people.bob)
