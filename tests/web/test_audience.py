"""Mute and block from a profile, and undo them from the settings page, without
JavaScript."""

from __future__ import annotations

from roost.graph.queries import relationships
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
