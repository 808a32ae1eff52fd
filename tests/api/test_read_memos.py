"""The per-viewer memos a home read uses (``timelines.feeds.merged_accounts``,
``filters.queries.get_matcher``): each change to what they remember shows at the
viewer's next read, in the process that made it and (through the pub/sub) in others."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from roost.filters import queries as filter_queries
from roost.filters.actions import (
    KeywordChange,
    do_add_keyword,
    do_create_filter,
    do_delete_filter,
    do_update_filter,
)
from roost.graph.actions import do_follow, do_unfollow
from roost.lists.actions import (
    do_add_list_accounts,
    do_create_list,
    do_remove_list_accounts,
    do_update_list,
)
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.memo import Memo
from roost.store.schema import utcnow
from tests.api.conftest import Tokens
from tests.conftest import People

Settle = Callable[[], int]
HOME = "/api/v1/timelines/home"


def _home(client: TestClient, tokens: Tokens) -> list[dict[str, Any]]:
    response = client.get(HOME, headers=tokens.auth("alice"))
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


def _ids(client: TestClient, tokens: Tokens) -> list[str]:
    return [s["id"] for s in _home(client, tokens)]


def _star(rt: Runtime, people: People, settle: Settle) -> int:
    """An account over the fan-out threshold (two followers, above a threshold of two
    less its margin): its posts reach homes only by the merge at read time."""
    rt.settings = rt.settings.model_copy(update={"fanout_max_followers": 2})
    for fan in (people.fan1, people.fan2):
        do_follow(rt, fan, people.star)
    settle()
    return people.star


def test_following_and_unfollowing_a_large_account_shows_at_the_next_read(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    # given a large account's post, and alice's home read (and remembered) before she follows it
    star = _star(rt, people, settle)
    post = str(do_create_post(rt, star, "famous words"))
    assert _ids(client, tokens) == []
    # when she follows it (its jobs not run: only the merge can bring the post)
    do_follow(rt, people.alice, star)
    # then her next read has the post
    assert _ids(client, tokens) == [post]
    # and once she unfollows, it is gone at the next read
    do_unfollow(rt, people.alice, star)
    assert _ids(client, tokens) == []


def test_an_exclusive_list_change_shows_at_the_next_home_read(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    star = _star(rt, people, settle)
    do_follow(rt, people.alice, star)
    post = str(do_create_post(rt, star, "famous words"))
    assert _ids(client, tokens) == [post]
    # an exclusive list keeps its members out of home
    listed = do_create_list(rt, people.alice, "stars", exclusive=True)
    do_add_list_accounts(rt, people.alice, listed, [star])
    assert _ids(client, tokens) == []
    do_remove_list_accounts(rt, people.alice, listed, [star])
    assert _ids(client, tokens) == [post]
    do_add_list_accounts(rt, people.alice, listed, [star])
    assert _ids(client, tokens) == []
    do_update_list(rt, people.alice, listed, exclusive=False)
    assert _ids(client, tokens) == [post]


def test_an_account_crossing_the_threshold_is_merged_at_the_next_read(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    # given alice follows a not-yet-large account, and her home is read (and remembered)
    _star(rt, people, settle)
    do_follow(rt, people.alice, people.rising)
    settle()
    assert _ids(client, tokens) == []
    post = str(do_create_post(rt, people.rising, "going viral"))  # its fan-out not run
    assert _ids(client, tokens) == []
    # when it gains a follower and crosses the threshold
    do_follow(rt, people.fan1, people.rising)
    rt.memo = Memo()  # the few seconds the set of large accounts is remembered, passed
    # then alice's next read merges its posts in
    assert _ids(client, tokens) == [post]


def test_filter_changes_show_at_the_next_home_read(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.alice, people.bob)
    settle()
    post = str(do_create_post(rt, people.bob, "the finale was great"))
    settle()
    home = _home(client, tokens)
    assert [s["id"] for s in home] == [post]
    assert home[0]["filtered"] == []
    # a new filter hides it at once
    made = do_create_filter(
        rt, people.alice, title="spoilers", context=["home"], filter_action="hide"
    )
    assert _ids(client, tokens) == [post]  # no keyword yet
    do_add_keyword(rt, people.alice, made, "finale", whole_word=True)
    assert _ids(client, tokens) == []
    # turned into a warning, it shows with the filter that matched
    do_update_filter(rt, people.alice, made, filter_action="warn")
    home = _home(client, tokens)
    assert [s["id"] for s in home] == [post]
    assert [r["filter"]["title"] for r in home[0]["filtered"]] == ["spoilers"]
    # another keyword, then the filter deleted
    do_update_filter(rt, people.alice, made, keywords=[KeywordChange("great", True)])
    assert [r["keyword_matches"] for r in _home(client, tokens)[0]["filtered"]] == [
        ["finale", "great"]
    ]
    do_delete_filter(rt, people.alice, made)
    assert _home(client, tokens)[0]["filtered"] == []


def test_an_expired_filter_stops_applying_without_a_change(
    client: TestClient,
    tokens: Tokens,
    rt: Runtime,
    people: People,
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    do_follow(rt, people.alice, people.bob)
    settle()
    post = str(do_create_post(rt, people.bob, "the finale was great"))
    settle()
    do_create_filter(
        rt,
        people.alice,
        title="for an hour",
        context=["home"],
        filter_action="hide",
        expires_in=3600,
        keywords=[KeywordChange("finale", True)],
    )
    assert _ids(client, tokens) == []
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(filter_queries, "utcnow", lambda: later)
    assert _ids(client, tokens) == [post]
