"""A circle post is streamed live to its members, and never to a follower outside it."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from roost.circles.actions import do_add_circle_members, do_create_circle
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People


def test_user_streams_carry_a_circle_post_to_members_only(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime, settle: Callable[[], int]
) -> None:
    # given: carol follows alice but is outside the circle; bob is in it, following no one
    do_follow(rt, people.carol, people.alice)
    circle_id = do_create_circle(rt, people.alice, "Friends")
    do_add_circle_members(rt, people.alice, circle_id, [people.bob])
    settle()
    carol_url = f"/api/v1/streaming?stream=user&access_token={tokens.carol}"
    bob_url = f"/api/v1/streaming?stream=user&access_token={tokens.bob}"
    with client.websocket_connect(carol_url) as carol, client.websocket_connect(bob_url) as bob:
        # when: a circle post, then a public one
        inside = do_create_post(rt, people.alice, "inside", circle_id=circle_id)
        public = do_create_post(rt, people.alice, "for everyone")
        settle()
        # then: carol's first update is the public post; bob's is the circle post
        assert json.loads(carol.receive_json()["payload"])["id"] == str(public)
        assert json.loads(bob.receive_json()["payload"])["id"] == str(inside)
