"""Favourites, reblogs, bookmarks, pins and quotes through ``/api/v1/statuses/:id/...``."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.posts.marks import do_favourite
from roost.runtime import Runtime
from tests.api.conftest import Tokens
from tests.api.test_statuses import count_statuses, home_ids, post
from tests.conftest import People

# -- favourites, reblogs, bookmarks, pins ---------------------------------------------


def test_favourite_and_unfavourite_keep_the_count(client: TestClient, tokens: Tokens) -> None:
    status = post(client, tokens, "alice", "like me")
    url = f"/api/v1/statuses/{status['id']}"
    for who in ("bob", "carol", "bob"):  # the second favourite by bob changes nothing
        response = client.post(f"{url}/favourite", headers=tokens.auth(who))
        assert response.status_code == 200
        assert response.json()["favourited"] is True
    assert client.get(url).json()["favourites_count"] == 2
    response = client.post(f"{url}/unfavourite", headers=tokens.auth("bob"))
    assert response.json()["favourited"] is False
    assert response.json()["favourites_count"] == 1
    liked_by = client.get(f"{url}/favourited_by").json()
    assert [a["username"] for a in liked_by] == ["carol"]


def test_reblog_wraps_the_original_and_unreblog_undoes_it(
    client: TestClient, tokens: Tokens, settle: Callable[[], int]
) -> None:
    status = post(client, tokens, "alice", "share me")
    url = f"/api/v1/statuses/{status['id']}"
    response = client.post(f"{url}/reblog", headers=tokens.auth("bob"))
    assert response.status_code == 200
    reblog = response.json()
    assert reblog["id"] != status["id"]
    assert reblog["account"]["username"] == "bob"
    assert reblog["reblog"]["id"] == status["id"]
    assert reblog["reblog"]["reblogged"] is True
    assert reblog["reblog"]["reblogs_count"] == 1
    assert reblog["content"] == ""
    assert [a["username"] for a in client.get(f"{url}/reblogged_by").json()] == ["bob"]

    # favouriting the repost favourites the original
    client.post(f"/api/v1/statuses/{reblog['id']}/favourite", headers=tokens.auth("carol"))
    assert client.get(url).json()["favourites_count"] == 1

    undone = client.post(f"{url}/unreblog", headers=tokens.auth("bob"))
    assert undone.status_code == 200
    assert undone.json()["id"] == status["id"]
    assert undone.json()["reblogged"] is False
    assert undone.json()["reblogs_count"] == 0
    assert client.get(f"/api/v1/statuses/{reblog['id']}").status_code == 404
    assert client.get(f"{url}/reblogged_by").json() == []


FLAGS = ("favourited", "reblogged", "bookmarked", "muted")


def flags(status: dict[str, object]) -> dict[str, object]:
    return {name: status.get(name) for name in FLAGS}


def test_a_repost_carries_the_viewer_flags_of_the_post_it_wraps(
    client: TestClient, tokens: Tokens, settle: Callable[[], int]
) -> None:
    # given bob's repost of alice's post
    original = post(client, tokens, "alice", "share me")
    bob = tokens.auth("bob")
    repost = client.post(f"/api/v1/statuses/{original['id']}/reblog", headers=bob).json()
    none = {"favourited": False, "reblogged": False, "bookmarked": False, "muted": False}
    # then the repost says so at the top level, as in the status inside it (Mastodon)
    assert flags(repost) == flags(repost["reblog"]) == {**none, "reblogged": True}
    assert "pinned" not in repost  # only one's own posts, never a repost, can be pinned
    again = client.post(f"/api/v1/statuses/{repost['id']}/reblog", headers=bob).json()
    assert again["id"] == repost["id"]
    assert again["reblogged"] is True

    # when bob marks the repost (by its own ID), the answer is the repost, marked
    url = f"/api/v1/statuses/{repost['id']}"
    expected = {**none, "reblogged": True}
    for action, flag, value in (
        ("favourite", "favourited", True),
        ("bookmark", "bookmarked", True),
        ("unfavourite", "favourited", False),
        ("unbookmark", "bookmarked", False),
        ("favourite", "favourited", True),
    ):
        expected[flag] = value
        answer = client.post(f"{url}/{action}", headers=bob).json()
        assert answer["id"] == repost["id"], action
        assert flags(answer) == flags(answer["reblog"]) == expected, action
    # and every read of the repost agrees
    settle()
    shown = client.get(url, headers=bob).json()
    assert flags(shown) == flags(shown["reblog"]) == expected
    for listing in (
        f"/api/v1/accounts/{repost['account']['id']}/statuses",
        "/api/v1/timelines/home",
    ):
        (first, *_) = client.get(listing, headers=bob).json()
        assert first["id"] == repost["id"], listing
        assert flags(first) == expected, listing
    # someone else sees the repost with their own (empty) marks
    assert flags(client.get(url, headers=tokens.auth("carol")).json()) == none

    # unreblog answers with the original, no longer reposted
    undone = client.post(f"{url}/unreblog", headers=bob).json()
    assert undone["id"] == original["id"]
    assert flags(undone) == {**expected, "reblogged": False}


def test_pin_and_unpin_answer_with_the_pinned_flag_and_the_other_flags(
    client: TestClient, tokens: Tokens
) -> None:
    own = post(client, tokens, "alice", "mine")
    url = f"/api/v1/statuses/{own['id']}"
    alice = tokens.auth("alice")
    client.post(f"{url}/favourite", headers=alice)
    pinned = client.post(f"{url}/pin", headers=alice).json()
    assert (pinned["pinned"], pinned["favourited"]) == (True, True)
    unpinned = client.post(f"{url}/unpin", headers=alice).json()
    assert (unpinned["pinned"], unpinned["favourited"]) == (False, True)


def test_deleting_the_original_removes_its_reblogs_and_counts(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.carol, people.bob)
    status = post(client, tokens, "alice", "short-lived")
    reblog = client.post(
        f"/api/v1/statuses/{status['id']}/reblog", headers=tokens.auth("bob")
    ).json()
    settle()
    assert home_ids(client, tokens, "carol") == [reblog["id"]]
    assert count_statuses(client, tokens, "bob") == 1
    client.delete(f"/api/v1/statuses/{status['id']}", headers=tokens.auth("alice"))
    settle()
    assert home_ids(client, tokens, "carol") == []
    assert client.get(f"/api/v1/statuses/{reblog['id']}").status_code == 404
    assert count_statuses(client, tokens, "bob") == 0


def test_bookmark_and_pin(client: TestClient, tokens: Tokens) -> None:
    status = post(client, tokens, "alice", "keep")
    url = f"/api/v1/statuses/{status['id']}"
    assert client.post(f"{url}/bookmark", headers=tokens.auth("bob")).json()["bookmarked"]
    assert client.get(url, headers=tokens.auth("bob")).json()["bookmarked"] is True
    assert client.get(url, headers=tokens.auth("carol")).json()["bookmarked"] is False
    assert not client.post(f"{url}/unbookmark", headers=tokens.auth("bob")).json()["bookmarked"]

    assert client.post(f"{url}/pin", headers=tokens.auth("alice")).json()["pinned"] is True
    assert client.post(f"{url}/pin", headers=tokens.auth("bob")).status_code == 422
    assert "pinned" not in client.get(url, headers=tokens.auth("bob")).json()
    assert client.post(f"{url}/unpin", headers=tokens.auth("alice")).json()["pinned"] is False


def test_pins_are_limited_and_only_for_public_own_posts(client: TestClient, tokens: Tokens) -> None:
    auth = tokens.auth("alice")
    ids = [post(client, tokens, "alice", f"pin {i}")["id"] for i in range(6)]
    for status_id in ids[:5]:
        assert client.post(f"/api/v1/statuses/{status_id}/pin", headers=auth).status_code == 200
    sixth = client.post(f"/api/v1/statuses/{ids[5]}/pin", headers=auth)
    assert sixth.status_code == 422
    assert client.get(f"/api/v1/statuses/{ids[5]}", headers=auth).json()["pinned"] is False
    direct = post(client, tokens, "alice", "secret", visibility="direct")
    client.post(f"/api/v1/statuses/{ids[0]}/unpin", headers=auth)
    assert client.post(f"/api/v1/statuses/{direct['id']}/pin", headers=auth).status_code == 422


def test_marks_on_a_missing_post_are_not_found(client: TestClient, tokens: Tokens) -> None:
    for action in ("favourite", "reblog", "bookmark", "pin", "unfavourite", "unreblog"):
        response = client.post(f"/api/v1/statuses/424242/{action}", headers=tokens.auth("bob"))
        assert response.status_code == 404, action
        assert "error" in response.json()


def test_favourited_by_pages_with_link_headers(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    status = post(client, tokens, "alice", "popular")
    fans = ["bob", "carol", "dave"]
    for name in fans:
        do_favourite(rt, getattr(people, name), int(status["id"]))
    url = f"/api/v1/statuses/{status['id']}/favourited_by"
    first = client.get(url, params={"limit": 2})
    assert [a["username"] for a in first.json()] == ["dave", "carol"]
    next_url = first.links["next"]["url"]
    second = client.get(next_url)
    assert [a["username"] for a in second.json()] == ["bob"]


# -- quotes -------------------------------------------------------------------------


def test_quote_posts_carry_the_quoted_status(client: TestClient, tokens: Tokens) -> None:
    original = post(client, tokens, "alice", "quotable")
    quote = post(client, tokens, "bob", "so true", quoted_status_id=original["id"])
    assert original["quote_approval"] == {
        "automatic": ["public"],
        "manual": [],
        "current_user": "automatic",
    }
    assert quote["quote"]["state"] == "accepted"
    assert quote["quote"]["quoted_status"]["id"] == original["id"]
    legacy = post(client, tokens, "carol", "indeed", quote_id=original["id"])
    assert legacy["quote"]["quoted_status"]["id"] == original["id"]
    # a quote of a quote shows the inner one shallowly
    outer = post(client, tokens, "dave", "meta", quoted_status_id=quote["id"])
    inner = outer["quote"]["quoted_status"]
    assert inner["quote"] == {"state": "accepted", "quoted_status_id": original["id"]}


def test_private_posts_cannot_be_quoted_or_reblogged(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    do_follow(rt, people.bob, people.alice)
    private = post(client, tokens, "alice", "followers only", visibility="private")
    assert private["quote_approval"]["current_user"] == "denied"
    response = client.post(
        "/api/v1/statuses",
        json={"status": "look", "quoted_status_id": private["id"]},
        headers=tokens.auth("bob"),
    )
    assert response.status_code == 422
    response = client.post(f"/api/v1/statuses/{private['id']}/reblog", headers=tokens.auth("bob"))
    assert response.status_code == 403
    assert count_statuses(client, tokens, "bob") == 0
