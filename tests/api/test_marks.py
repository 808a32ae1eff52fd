"""``/api/v1/bookmarks`` and ``/api/v1/favourites``: paged by the mark, private to the viewer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from roost.graph.actions import do_follow, do_unfollow
from roost.posts.actions import do_create_post, do_delete_post
from roost.posts.marks import do_bookmark, do_favourite
from roost.runtime import Runtime
from tests.api.conftest import Tokens, bearer
from tests.conftest import People

MARK = {"bookmarks": do_bookmark, "favourites": do_favourite}


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [int(s["id"]) for s in response.json()]


@pytest.mark.parametrize("kind", ["bookmarks", "favourites"])
def test_marked_posts_come_newest_mark_first_and_page_by_mark(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, kind: str
) -> None:
    # given: three posts, marked in an order unlike their age
    posts = [do_create_post(rt, people.bob, f"post {i}") for i in range(3)]
    for post_id in (posts[1], posts[0], posts[2]):
        MARK[kind](rt, people.alice, post_id)
    url = f"/api/v1/{kind}"
    auth = tokens.auth("alice")
    # when
    first = client.get(url, params={"limit": 2}, headers=auth)
    # then
    assert ids(first) == [posts[2], posts[0]]
    flag = "bookmarked" if kind == "bookmarks" else "favourited"
    assert all(s[flag] for s in first.json())
    next_url = first.links["next"]["url"]
    assert str(posts[0]) not in next_url  # the cursor is the mark, not the post
    assert ids(client.get(next_url, headers=auth)) == [posts[1]]
    assert ids(client.get(first.links["prev"]["url"], headers=auth)) == []
    # others see only their own marks
    assert ids(client.get(url, headers=tokens.auth("carol"))) == []


@pytest.mark.parametrize("kind", ["bookmarks", "favourites"])
def test_marked_lists_need_a_user_token_and_scope(
    client: TestClient, tokens: Tokens, kind: str
) -> None:
    url = f"/api/v1/{kind}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(tokens.app_token("read"))).status_code == 422
    assert (
        client.get(url, headers=bearer(tokens.issue("alice", "read:statuses"))).status_code == 403
    )
    assert client.get(url, headers=bearer(tokens.issue("alice", f"read:{kind}"))).status_code == 200


def test_unmarking_and_deleting_take_posts_off_the_lists(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    kept = do_create_post(rt, people.bob, "kept")
    gone = do_create_post(rt, people.bob, "gone")
    unmarked = do_create_post(rt, people.bob, "unmarked")
    for post_id in (kept, gone, unmarked):
        do_bookmark(rt, people.alice, post_id)
    client.post(f"/api/v1/statuses/{unmarked}/unbookmark", headers=tokens.auth("alice"))
    do_delete_post(rt, people.bob, gone)
    assert ids(client.get("/api/v1/bookmarks", headers=tokens.auth("alice"))) == [kept]


def test_a_marked_post_that_is_no_longer_visible_is_not_listed(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # alice bookmarks and favourites bob's followers-only post, then stops following him
    do_follow(rt, people.alice, people.bob)
    private = do_create_post(rt, people.bob, "for followers", visibility="private")
    auth = tokens.auth("alice")
    client.post(f"/api/v1/statuses/{private}/bookmark", headers=auth)
    client.post(f"/api/v1/statuses/{private}/favourite", headers=auth)
    assert ids(client.get("/api/v1/bookmarks", headers=auth)) == [private]
    do_unfollow(rt, people.alice, people.bob)
    settle()
    assert ids(client.get("/api/v1/bookmarks", headers=auth)) == []
    assert ids(client.get("/api/v1/favourites", headers=auth)) == []
