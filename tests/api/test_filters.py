"""Filters applied where statuses are shown: ``hide`` drops a status (and a
notification about it) from the lists and streams of its contexts, ``warn`` keeps
it with ``filtered`` filled; a status asked for by ID is never hidden."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from roost.channels import home_channel
from roost.filters.actions import KeywordChange, do_create_filter
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.conftest import People

Settle = Callable[[], int]


def _mute(rt: Runtime, owner: int, word: str, context: list[str], action: str) -> int:
    return do_create_filter(
        rt,
        owner,
        title=f"no {word}",
        context=context,
        filter_action=action,
        keywords=[KeywordChange(word, True)],
    )


def _get(client: TestClient, tokens: Tokens, path: str, who: str = "alice") -> Any:
    response = client.get(path, headers=tokens.auth(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_home_hides_and_warns(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    # given
    do_follow(rt, people.alice, people.bob)
    settle()
    hidden = do_create_post(rt, people.bob, "election results")
    warned = do_create_post(rt, people.bob, "football scores")
    plain = do_create_post(rt, people.bob, "nice weather")
    settle()
    _mute(rt, people.alice, "election", ["home"], "hide")
    _mute(rt, people.alice, "football", ["home"], "warn")
    # when
    home = _get(client, tokens, "/api/v1/timelines/home")
    # then
    assert [s["id"] for s in home] == [str(plain), str(warned)]
    assert home[0]["filtered"] == []
    assert [r["filter"]["title"] for r in home[1]["filtered"]] == ["no football"]
    # a status asked for by ID is shown, with what it trips
    one = _get(client, tokens, f"/api/v1/statuses/{hidden}")
    assert [r["filter"]["filter_action"] for r in one["filtered"]] == ["hide"]
    # others are not affected
    assert len(_get(client, tokens, "/api/v1/timelines/public", "carol")) == 3


def test_public_tag_and_account_use_their_contexts(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People
) -> None:
    post = do_create_post(rt, people.bob, "election night #news")
    _mute(rt, people.alice, "election", ["public"], "hide")
    assert _get(client, tokens, "/api/v1/timelines/public") == []
    assert _get(client, tokens, "/api/v1/timelines/tag/news") == []
    # the public filter does not reach the account context
    shown = _get(client, tokens, f"/api/v1/accounts/{people.bob}/statuses")
    assert [s["id"] for s in shown] == [str(post)]
    _mute(rt, people.alice, "night", ["account"], "hide")
    assert _get(client, tokens, f"/api/v1/accounts/{people.bob}/statuses") == []


def test_thread_hides_replies_but_not_the_focus(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People
) -> None:
    root = do_create_post(rt, people.bob, "a thread")
    bad = do_create_post(rt, people.carol, "spoilers ahead", in_reply_to_id=root)
    good = do_create_post(rt, people.dave, "fine reply", in_reply_to_id=root)
    _mute(rt, people.alice, "spoilers", ["thread"], "hide")
    context = _get(client, tokens, f"/api/v1/statuses/{root}/context")
    assert [s["id"] for s in context["descendants"]] == [str(good)]
    assert [
        a["id"] for a in _get(client, tokens, f"/api/v1/statuses/{bad}/context")["ancestors"]
    ] == [str(root)]


def test_notification_about_a_hidden_status_is_dropped(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.alice, people.carol)
    do_create_post(rt, people.bob, "@alice election talk")
    kept = do_create_post(rt, people.carol, "@alice lunch?")
    settle()
    _mute(rt, people.alice, "election", ["notifications"], "hide")
    listed = _get(client, tokens, "/api/v1/notifications")
    assert [n["status"]["id"] for n in listed] == [str(kept)]
    grouped = _get(client, tokens, "/api/v2/notifications")
    assert [g["status_id"] for g in grouped["notification_groups"]] == [str(kept)]


def test_warned_notification_keeps_its_status_with_filtered(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.alice, people.bob)
    do_create_post(rt, people.bob, "@alice election talk")
    settle()
    _mute(rt, people.alice, "election", ["notifications"], "warn")
    (only,) = _get(client, tokens, "/api/v1/notifications")
    assert only["status"]["filtered"][0]["keyword_matches"] == ["election"]


def test_hidden_post_does_not_arrive_on_the_user_stream(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    # given
    do_follow(rt, people.alice, people.bob)
    settle()
    _mute(rt, people.alice, "election", ["home"], "hide")
    hidden = do_create_post(rt, people.bob, "election results")
    shown = do_create_post(rt, people.bob, "weather")
    with client.websocket_connect(
        f"/api/v1/streaming?stream=user&access_token={tokens.alice}"
    ) as ws:
        # when both reach Alice's channel, in order
        rt.pubsub.publish(home_channel(people.alice), f"update:{hidden}")
        rt.pubsub.publish(home_channel(people.alice), f"update:{shown}")
        event = ws.receive_json()
    # then the first to arrive is the one not hidden
    assert json.loads(event["payload"])["id"] == str(shown)


def test_warned_post_arrives_on_the_public_stream_with_filtered(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    _mute(rt, people.alice, "election", ["public"], "warn")
    with client.websocket_connect(
        f"/api/v1/streaming?stream=public&access_token={tokens.alice}"
    ) as ws:
        do_create_post(rt, people.bob, "election results")
        settle()
        event = ws.receive_json()
    assert json.loads(event["payload"])["filtered"][0]["filter"]["title"] == "no election"
