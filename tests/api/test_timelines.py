"""``/api/v1/timelines``: home, public and hashtag, their pages and what they leave out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from roost.graph.actions import do_follow, do_unfollow
from roost.posts.actions import do_create_post, do_reblog
from roost.runtime import Runtime
from tests.api.conftest import Tokens, bearer
from tests.conftest import People


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [int(s["id"]) for s in response.json()]


def test_home_needs_a_user_token_with_read_scope(client: TestClient, tokens: Tokens) -> None:
    assert client.get("/api/v1/timelines/home").status_code == 401
    assert client.get("/api/v1/timelines/home", headers=bearer("nonsense")).status_code == 401
    write_only = tokens.issue("alice", "write")
    assert client.get("/api/v1/timelines/home", headers=bearer(write_only)).status_code == 403
    app_only = tokens.app_token("read")
    assert client.get("/api/v1/timelines/home", headers=bearer(app_only)).status_code == 422
    narrow = tokens.issue("alice", "read:statuses")
    assert client.get("/api/v1/timelines/home", headers=bearer(narrow)).status_code == 200


def test_home_shows_followed_posts_and_reposts_newest_first(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # given
    do_follow(rt, people.alice, people.bob)
    settle()
    mine = do_create_post(rt, people.alice, "my own")
    theirs = do_create_post(rt, people.bob, "from bob")
    stranger = do_create_post(rt, people.carol, "from a stranger")
    repost = do_reblog(rt, people.bob, stranger)
    settle()
    # when
    response = client.get("/api/v1/timelines/home", headers=tokens.auth("alice"))
    # then
    assert ids(response) == [repost, theirs, mine]
    body = response.json()
    assert int(body[0]["reblog"]["id"]) == stranger
    assert body[0]["reblog"]["account"]["username"] == "carol"
    assert body[1]["favourited"] is False


def test_home_pages_with_max_id_min_id_and_link_headers(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    posted = [do_create_post(rt, people.bob, f"post {i}") for i in range(5)]
    settle()
    newest = posted[::-1]
    auth = tokens.auth("alice")

    first = client.get("/api/v1/timelines/home", params={"limit": 2}, headers=auth)
    assert ids(first) == newest[:2]
    assert f"max_id={newest[1]}" in first.links["next"]["url"]
    assert f"min_id={newest[0]}" in first.links["prev"]["url"]
    assert "limit=2" in first.links["next"]["url"]

    second = client.get(first.links["next"]["url"], headers=auth)
    assert ids(second) == newest[2:4]
    third = client.get(second.links["next"]["url"], headers=auth)
    assert ids(third) == newest[4:]
    last = client.get(third.links["next"]["url"], headers=auth)
    assert ids(last) == []
    assert "link" not in last.headers

    above = client.get(
        "/api/v1/timelines/home", params={"min_id": posted[0], "limit": 2}, headers=auth
    )
    assert ids(above) == [posted[2], posted[1]]
    since = client.get(
        "/api/v1/timelines/home", params={"since_id": posted[2], "limit": 40}, headers=auth
    )
    assert ids(since) == [posted[4], posted[3]]


def test_bad_page_parameters_are_422(client: TestClient, tokens: Tokens) -> None:
    auth = tokens.auth("alice")
    huge = str(2**70)
    bad = (
        {"limit": "lots"},
        {"max_id": "x"},
        {"min_id": "1.5"},
        {"max_id": huge},
        {"since_id": "-1"},
    )
    for params in bad:
        response = client.get("/api/v1/timelines/home", params=params, headers=auth)
        assert response.status_code == 422, params
        assert "error" in response.json()
        response = client.get("/api/v1/timelines/public", params=params)
        assert response.status_code == 422, params


def test_limit_is_capped_at_40(client: TestClient, rt: Runtime, people: People) -> None:
    for i in range(42):
        do_create_post(rt, people.bob, f"post {i}")
    response = client.get("/api/v1/timelines/public", params={"limit": 100})
    assert len(ids(response)) == 40
    assert len(ids(client.get("/api/v1/timelines/public"))) == 20


def test_public_timeline_holds_only_public_originals(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People
) -> None:
    public = do_create_post(rt, people.bob, "for everyone")
    do_create_post(rt, people.bob, "quietly public", visibility="unlisted")
    do_create_post(rt, people.bob, "followers only", visibility="private")
    do_create_post(rt, people.bob, "@alice just us", visibility="direct")
    do_reblog(rt, people.carol, public)
    for headers in ({}, tokens.auth("alice"), tokens.auth("bob")):
        assert ids(client.get("/api/v1/timelines/public", headers=headers)) == [public]
    assert ids(client.get("/api/v1/timelines/public", params={"local": "true"})) == [public]
    assert ids(client.get("/api/v1/timelines/public", params={"remote": "true"})) == []
    assert ids(client.get("/api/v1/timelines/public", params={"only_media": "1"})) == []


def test_public_timeline_pages(client: TestClient, rt: Runtime, people: People) -> None:
    posted = [do_create_post(rt, people.bob, f"post {i}") for i in range(3)]
    first = client.get("/api/v1/timelines/public", params={"limit": 2})
    assert ids(first) == [posted[2], posted[1]]
    assert ids(client.get(first.links["next"]["url"])) == [posted[0]]
    assert ids(client.get(first.links["prev"]["url"])) == []


def test_tag_timeline_is_case_insensitive_and_public_only(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.alice, people.bob)
    first = do_create_post(rt, people.bob, "about #Python")
    second = do_create_post(rt, people.carol, "more #python and #other")
    do_create_post(rt, people.bob, "hidden #python", visibility="private")
    do_create_post(rt, people.bob, "unlisted #python", visibility="unlisted")
    do_create_post(rt, people.bob, "no tag python")
    settle()
    for name in ("python", "PYTHON", "Python"):
        for headers in ({}, tokens.auth("alice")):
            response = client.get(f"/api/v1/timelines/tag/{name}", headers=headers)
            assert ids(response) == [second, first]
    assert ids(client.get("/api/v1/timelines/tag/nothing")) == []
    assert ids(client.get("/api/v1/timelines/tag/python", params={"remote": "true"})) == []
    page = client.get("/api/v1/timelines/tag/python", params={"limit": 1})
    assert ids(page) == [second]
    assert ids(client.get(page.links["next"]["url"])) == [first]


def test_timelines_never_show_another_persons_direct_post(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # carol follows alice; alice writes bob a direct message and her followers a private one
    do_follow(rt, people.carol, people.alice)
    people.bob  # noqa: B018
    direct = do_create_post(rt, people.alice, "@bob #secret plan", visibility="direct")
    private = do_create_post(rt, people.alice, "for followers #secret", visibility="private")
    settle()
    carol = ids(client.get("/api/v1/timelines/home", headers=tokens.auth("carol")))
    assert direct not in carol
    assert private in carol
    bob = ids(client.get("/api/v1/timelines/home", headers=tokens.auth("bob")))
    assert private not in bob
    for who in ("alice", "bob", "carol", "dave"):
        tagged = ids(client.get("/api/v1/timelines/tag/secret", headers=tokens.auth(who)))
        assert tagged == []


def test_tag_timeline_any_all_none(client: TestClient, rt: Runtime, people: People) -> None:
    cats = do_create_post(rt, people.bob, "#cats")
    dogs = do_create_post(rt, people.bob, "#dogs")
    both = do_create_post(rt, people.bob, "#cats #dogs")
    birds = do_create_post(rt, people.bob, "#cats #birds")
    url = "/api/v1/timelines/tag/cats"
    assert ids(client.get(url)) == [birds, both, cats]
    assert ids(client.get(url, params={"any[]": ["dogs", "nothing"]})) == [birds, both, dogs, cats]
    assert ids(client.get(url, params={"all[]": "DOGS"})) == [both]
    assert ids(client.get(url, params={"all[]": ["dogs", "unused"]})) == []
    assert ids(client.get(url, params={"none[]": ["dogs", "birds"]})) == [cats]
    assert ids(client.get(url, params={"any[]": "dogs", "none[]": "cats"})) == [dogs]


def test_tag_entity(client: TestClient, rt: Runtime, tokens: Tokens, people: People) -> None:
    do_create_post(rt, people.bob, "about #Roost")
    tag = client.get("/api/v1/tags/roost").json()
    assert (tag["name"], tag["url"]) == ("Roost", "http://roost.test/tags/roost")
    assert len(tag["history"]) == 7  # a week, today first: one use by one account
    assert (tag["history"][0]["uses"], tag["history"][0]["accounts"]) == ("1", "1")
    mine = client.get("/api/v1/tags/ROOST", headers=tokens.auth("alice")).json()
    assert mine["following"] is False
    unused = client.get("/api/v1/tags/never_used")
    assert unused.status_code == 200
    assert unused.json()["name"] == "never_used"
    for bad in ("123", "no-dashes", "%20"):
        response = client.get(f"/api/v1/tags/{bad}")
        assert response.status_code == 404, bad
        assert "error" in response.json()


def test_odd_hashtags_are_empty_timelines_not_errors(
    client: TestClient, rt: Runtime, people: People
) -> None:
    do_create_post(rt, people.bob, "#fine")
    for name in ("x" * 5000, "%F0%9F%90%A6", "-"):
        assert ids(client.get(f"/api/v1/timelines/tag/{name}")) == []
    odd = {"any[]": ["y" * 5000], "all[]": "z", "none[]": "-"}
    assert ids(client.get("/api/v1/timelines/tag/fine", params={"any[]": "nothing"})) != []
    assert ids(client.get("/api/v1/timelines/tag/fine", params=odd)) == []
    # A NUL character is bad input everywhere (tests/api/test_nul_characters.py).
    for name in ("%00", "a%00b"):
        assert client.get(f"/api/v1/timelines/tag/{name}").status_code == 422
    assert client.get("/api/v1/timelines/tag/fine", params={"any[]": "\x00"}).status_code == 422


def test_replies_to_strangers_stay_out_of_home_as_in_mastodon(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # given: alice follows bob and carol, not dave
    for followed in (people.bob, people.carol):
        do_follow(rt, people.alice, followed)
    dave_post = do_create_post(rt, people.dave, "dave speaks")
    carol_post = do_create_post(rt, people.carol, "carol speaks")
    alice_post = do_create_post(rt, people.alice, "alice speaks")
    # when bob answers each of them, and himself
    to_dave = do_create_post(rt, people.bob, "to dave", in_reply_to_id=dave_post)
    to_carol = do_create_post(rt, people.bob, "to carol", in_reply_to_id=carol_post)
    to_alice = do_create_post(rt, people.bob, "to alice", in_reply_to_id=alice_post)
    bob_post = do_create_post(rt, people.bob, "thread start")
    to_self = do_create_post(rt, people.bob, "thread go on", in_reply_to_id=bob_post)
    mine = do_create_post(rt, people.alice, "alice to dave", in_reply_to_id=dave_post)
    settle()
    expected = [mine, to_self, bob_post, to_alice, to_carol, alice_post, carol_post]
    # then: fan-out and a rebuild agree, and the reply to a stranger is not there
    auth = tokens.auth("alice")
    assert ids(client.get("/api/v1/timelines/home", headers=auth)) == expected
    rt.timelines.drop(f"home:{people.alice}")
    assert ids(client.get("/api/v1/timelines/home", headers=auth)) == expected
    # and it is still bob's post to see on its own
    assert client.get(f"/api/v1/statuses/{to_dave}", headers=auth).status_code == 200


def test_direct_posts_reach_only_mentioned_followers_homes(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # given: bob and carol follow alice; dave is mentioned but does not follow her
    for follower in (people.bob, people.carol):
        do_follow(rt, follower, people.alice)
    people.dave  # noqa: B018
    direct = do_create_post(rt, people.alice, "@bob @dave quietly", visibility="direct")
    settle()
    # then: as in Mastodon, the author and the mentioned follower see it at home
    for who, sees in (("alice", True), ("bob", True), ("carol", False), ("dave", False)):
        auth = tokens.auth(who)
        assert (direct in ids(client.get("/api/v1/timelines/home", headers=auth))) is sees, who
        rt.timelines.drop(f"home:{getattr(people, who)}")  # and a rebuild agrees
        assert (direct in ids(client.get("/api/v1/timelines/home", headers=auth))) is sees, who


def test_a_home_page_of_only_hidden_entries_still_links_onwards(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    # given: alice's timeline holds bob's followers-only posts, and she has just unfollowed
    # him (the purge job has not run yet, so the entries are still there, now hidden)
    do_follow(rt, people.alice, people.bob)
    public = do_create_post(rt, people.bob, "public")
    for i in range(2):
        do_create_post(rt, people.bob, f"followers only {i}", visibility="private")
    settle()
    do_unfollow(rt, people.alice, people.bob)
    auth = tokens.auth("alice")
    # when
    first = client.get("/api/v1/timelines/home", params={"limit": 2}, headers=auth)
    # then: nothing shown, but the next page is linked and holds the public post
    assert ids(first) == []
    assert ids(client.get(first.links["next"]["url"], headers=auth)) == [public]
