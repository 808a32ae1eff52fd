"""Statuses assembled from cached pieces (``roost.api.entities.pieces``) say exactly what
the plain renderer says, for every kind of post and every kind of viewer, cold and warm."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from roost.accounts.actions import do_update_profile
from roost.accounts.settings import ProfileSettings
from roost.api.entities.pieces import status_page
from roost.api.entities.statuses import status_entities
from roost.circles.actions import do_add_circle_members, do_create_circle
from roost.filters.actions import KeywordChange, do_create_filter
from roost.filters.queries import get_matcher
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block
from roost.media.actions import do_upload_media
from roost.oauth.actions import do_create_application
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_bookmark, do_favourite, do_mute_conversation, do_pin
from roost.posts.polls import PollSpec, do_vote
from roost.posts.queries import hydrate
from roost.runtime import Runtime
from tests.conftest import People
from tests.media.pictures import picture


def _poll_id(rt: Runtime, post_id: int) -> int:
    view = hydrate(rt, None, [post_id])[0]
    assert view.poll is not None
    return int(view.poll.row.id)


def build_rich_world(rt: Runtime, people: People) -> list[int]:
    """Posts of every shape Roost renders, marked and voted on by ``bob``."""
    alice, bob, carol = people.alice, people.bob, people.carol
    do_update_profile(
        rt,
        alice,
        display_name="Alice <b>A</b> 🐦",
        note="Hello @bob, see https://example.com #birds",
        settings=ProfileSettings(fields=[("site", "https://alice.example")]),
    )
    do_follow(rt, bob, alice)
    do_follow(rt, carol, alice)
    app = do_create_application(
        rt, "Birdsite", ["urn:ietf:wg:oauth:2.0:oob"], website="https://b.example"
    )
    picture_id = do_upload_media(
        rt, alice, picture("PNG"), content_type="image/png", filename="a.png", description="red"
    )
    circle = do_create_circle(rt, alice, "close")
    do_add_circle_members(rt, alice, circle, [bob])
    made = [
        do_create_post(rt, alice, 'Plain & <simple> "quoted" ünïcode 🐦'),
        do_create_post(
            rt,
            alice,
            "Hi @bob and @nobody #Birds #tea https://example.com/x?y=1",
            application_id=int(app.row.id),
            language="en",
        ),
        do_create_post(rt, alice, "cw body", spoiler_text="careful", sensitive=True),
        do_create_post(rt, alice, "with a picture", media_ids=[picture_id]),
        do_create_post(rt, alice, "followers only", visibility="private"),
        do_create_post(rt, alice, "unlisted", visibility="unlisted"),
        do_create_post(rt, alice, "to @bob only", visibility="direct"),
        do_create_post(rt, alice, "in my circle", circle_id=circle),
        do_create_post(rt, alice, "a poll", poll=PollSpec(["yes", "no"], 3600)),
        do_create_post(rt, alice, "hidden totals", poll=PollSpec(["a", "b"], 3600, True, True)),
    ]
    made.append(do_create_post(rt, carol, "a reply", in_reply_to_id=made[0]))
    made.append(do_create_post(rt, carol, "quoting", quote_id=made[1]))
    made.append(do_create_post(rt, bob, "quoting a quote", quote_id=made[-1]))
    made.append(do_reblog(rt, carol, made[0]))
    made.append(do_reblog(rt, bob, made[11]))  # a repost of a quote
    do_favourite(rt, bob, made[0])
    do_favourite(rt, carol, made[0])
    do_bookmark(rt, bob, made[1])
    do_reblog(rt, bob, made[2])
    do_pin(rt, alice, made[1])
    do_mute_conversation(rt, bob, made[3])
    do_vote(rt, bob, _poll_id(rt, made[8]), [1])
    do_block(rt, alice, people.dave)  # dave sees carol's quote of alice as unauthorized
    do_create_filter(
        rt, bob, title="tea", context=["home"], keywords=[KeywordChange(keyword="tea")]
    )
    return made


def _plain(rt: Runtime, viewer: int | None, ids: list[int]) -> list[Any]:
    views = hydrate(rt, viewer, ids)
    matcher = get_matcher(rt, viewer, "home")
    found: list[Any] = json.loads(
        msgspec.json.encode(status_entities(rt, matcher.shown(views), matcher))
    )
    return found


def _assembled(rt: Runtime, viewer: int | None, ids: list[int], *, lean: bool = False) -> list[Any]:
    views = hydrate(rt, viewer, ids, lean=lean)
    matcher = get_matcher(rt, viewer, "home")
    found: list[Any] = json.loads(
        msgspec.json.encode(status_page(rt, matcher.shown(views), matcher))
    )
    return found


@pytest.mark.parametrize("who", ["anonymous", "alice", "bob", "carol", "dave"])
def test_assembled_statuses_equal_the_plain_rendering(
    rt: Runtime, people: People, who: str
) -> None:
    # given: every shape of post, and each kind of viewer (author, follower and
    # circle member with marks, votes and a filter, follower, blocked stranger, nobody)
    made = build_rich_world(rt, people)
    viewer = None if who == "anonymous" else getattr(people, who)
    ids = list(reversed(made))
    expected = _plain(rt, viewer, ids)
    assert expected  # something is visible to everyone
    # when / then: cold (rendered now), then warm (from the cache), then warm and
    # loaded lean (without what the pieces hold), as the home timeline reads
    assert _assembled(rt, viewer, ids, lean=True) == expected
    assert len(rt.pieces) > 0
    assert _assembled(rt, viewer, ids) == expected
    assert _assembled(rt, viewer, ids, lean=True) == expected
    assert all(v.piece for v in hydrate(rt, viewer, ids, lean=True))


def test_pieces_rendered_for_one_viewer_serve_another_their_own_view(
    rt: Runtime, people: People
) -> None:
    # given: bob (marks, votes, circle) warmed the cache
    made = build_rich_world(rt, people)
    ids = list(reversed(made))
    _assembled(rt, people.bob, ids)
    # when / then: others' pages, from bob's pieces, carry nothing of bob's
    for viewer in (None, people.alice, people.carol, people.dave):
        assert _assembled(rt, viewer, ids, lean=True) == _plain(rt, viewer, ids)
