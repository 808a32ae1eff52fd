"""The piece cache (``roost.store.pieces``) never shows stale state or a post someone may
not see: each test reads a page (so the cache holds it), changes the data, and reads
again — on SQLite and PostgreSQL, and in scale mode under ``ROOST_TEST_SCALE=1``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy import select, update
from starlette.testclient import TestClient

from roost.accounts.models import accounts
from roost.api.entities.pieces import status_page
from roost.graph.actions import do_follow
from roost.media.actions import do_upload_media
from roost.posts.actions import do_create_post
from roost.posts.edits import Edit, do_edit_post
from roost.posts.pieces import forget_post, post_stamp
from roost.posts.polls import PollSpec
from roost.posts.queries import hydrate
from roost.runtime import Runtime, build_runtime
from roost.store.pieces import STATUS
from tests.api.conftest import Tokens
from tests.conftest import SCALE, People
from tests.media.pictures import picture

HOME = "/api/v1/timelines/home"


def page(client: TestClient, tokens: Tokens, who: str, url: str = HOME) -> dict[str, Any]:
    response = client.get(url, headers=tokens.auth(who))
    assert response.status_code == 200, response.text
    return {s["id"]: s for s in response.json()}


def statuses_of(client: TestClient, tokens: Tokens, who: str, author: int) -> dict[str, Any]:
    return page(client, tokens, who, f"/api/v1/accounts/{author}/statuses")


def act(client: TestClient, tokens: Tokens, who: str, method: str, url: str, **kw: Any) -> Any:
    response = client.request(method, url, headers=tokens.auth(who), **kw)
    assert response.status_code == 200, response.text
    return response.json()


def _followed_post(rt: Runtime, people: People, settle: Callable[[], None], **kw: Any) -> str:
    """alice posts; bob and carol follow her; the post is in their homes."""
    do_follow(rt, people.bob, people.alice)
    do_follow(rt, people.carol, people.alice)
    post_id = do_create_post(rt, people.alice, kw.pop("text", "first words"), **kw)
    settle()
    return str(post_id)


def test_an_edit_is_read_at_once(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    assert "first words" in page(client, tokens, "bob")[post]["content"]
    assert len(rt.pieces) > 0  # the page was cached
    act(client, tokens, "alice", "PUT", f"/api/v1/statuses/{post}", json={"status": "new words"})
    seen = page(client, tokens, "bob")[post]
    assert "new words" in seen["content"]
    assert seen["edited_at"] is not None


def test_a_deleted_post_and_its_reposts_are_gone(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    do_follow(rt, people.bob, people.carol)
    wrapper = act(client, tokens, "carol", "POST", f"/api/v1/statuses/{post}/reblog")["id"]
    settle()
    assert {post, wrapper} <= page(client, tokens, "bob").keys()
    act(client, tokens, "alice", "DELETE", f"/api/v1/statuses/{post}")
    settle()
    assert not {post, wrapper} & page(client, tokens, "bob").keys()
    assert post not in statuses_of(client, tokens, "bob", people.alice)


def test_likes_change_the_count_for_all_and_the_flag_for_the_liker(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    assert page(client, tokens, "bob")[post]["favourites_count"] == 0
    page(client, tokens, "carol")
    act(client, tokens, "bob", "POST", f"/api/v1/statuses/{post}/favourite")
    mine, theirs = page(client, tokens, "bob")[post], page(client, tokens, "carol")[post]
    assert (mine["favourited"], mine["favourites_count"]) == (True, 1)
    assert (theirs["favourited"], theirs["favourites_count"]) == (False, 1)
    act(client, tokens, "bob", "POST", f"/api/v1/statuses/{post}/unfavourite")
    mine = page(client, tokens, "bob")[post]
    assert (mine["favourited"], mine["favourites_count"]) == (False, 0)


def test_a_reblog_shows_in_the_flag_the_count_and_the_wrapper(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    do_follow(rt, people.dave, people.bob)
    page(client, tokens, "bob")
    wrapper = act(client, tokens, "bob", "POST", f"/api/v1/statuses/{post}/reblog")["id"]
    settle()
    mine = page(client, tokens, "bob")[post]
    assert (mine["reblogged"], mine["reblogs_count"]) == (True, 1)
    shown = page(client, tokens, "dave")[wrapper]
    assert shown["reblog"]["id"] == post
    assert shown["reblog"]["reblogged"] is False
    assert shown["account"]["id"] == str(people.bob)
    act(client, tokens, "bob", "POST", f"/api/v1/statuses/{post}/unreblog")
    settle()
    mine = page(client, tokens, "bob")[post]
    assert (mine["reblogged"], mine["reblogs_count"]) == (False, 0)
    assert wrapper not in page(client, tokens, "dave")


def test_bookmarks_and_thread_mutes_are_the_viewers_own(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    page(client, tokens, "bob")
    act(client, tokens, "bob", "POST", f"/api/v1/statuses/{post}/bookmark")
    act(client, tokens, "bob", "POST", f"/api/v1/statuses/{post}/mute")
    mine, theirs = page(client, tokens, "bob")[post], page(client, tokens, "carol")[post]
    assert (mine["bookmarked"], mine["muted"]) == (True, True)
    assert (theirs["bookmarked"], theirs["muted"]) == (False, False)
    act(client, tokens, "bob", "POST", f"/api/v1/statuses/{post}/unbookmark")
    assert page(client, tokens, "bob")[post]["bookmarked"] is False


def test_a_pin_shows_to_its_author_only(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    assert statuses_of(client, tokens, "alice", people.alice)[post]["pinned"] is False
    act(client, tokens, "alice", "POST", f"/api/v1/statuses/{post}/pin")
    assert statuses_of(client, tokens, "alice", people.alice)[post]["pinned"] is True
    assert "pinned" not in statuses_of(client, tokens, "bob", people.alice)[post]
    act(client, tokens, "alice", "POST", f"/api/v1/statuses/{post}/unpin")
    assert statuses_of(client, tokens, "alice", people.alice)[post]["pinned"] is False


def test_a_vote_counts_for_all_and_is_the_voters_own(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle, poll=PollSpec(["yes", "no"], 3600))
    poll = page(client, tokens, "bob")[post]["poll"]
    page(client, tokens, "carol")
    act(client, tokens, "bob", "POST", f"/api/v1/polls/{poll['id']}/votes", json={"choices": [1]})
    mine, theirs = (
        page(client, tokens, "bob")[post]["poll"],
        page(client, tokens, "carol")[post]["poll"],
    )
    assert (mine["voted"], mine["own_votes"], mine["votes_count"]) == (True, [1], 1)
    assert (theirs["voted"], theirs["own_votes"], theirs["votes_count"]) == (False, [], 1)
    assert [o["votes_count"] for o in theirs["options"]] == [0, 1]


def test_a_block_or_a_mute_hides_what_was_cached(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    assert post in page(client, tokens, "bob")
    assert post in page(client, tokens, "carol")
    act(client, tokens, "alice", "POST", f"/api/v1/accounts/{people.bob}/block")
    act(client, tokens, "carol", "POST", f"/api/v1/accounts/{people.alice}/mute")
    settle()
    assert post not in page(client, tokens, "bob")
    assert post not in statuses_of(client, tokens, "bob", people.alice)
    assert post not in page(client, tokens, "bob", "/api/v1/timelines/public")
    assert post not in page(client, tokens, "carol")


def test_a_profile_change_is_read_at_once_in_every_post(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    before = page(client, tokens, "bob")[post]["account"]
    act(
        client,
        tokens,
        "alice",
        "PATCH",
        "/api/v1/accounts/update_credentials",
        data={
            "display_name": "Alice Liddell",
            "note": "Down the #rabbit hole",
            "locked": "true",
            "bot": "true",
            "fields_attributes[0][name]": "home",
            "fields_attributes[0][value]": "wonderland",
        },
        files={"avatar": ("a.png", picture("PNG"), "image/png")},
    )
    after = page(client, tokens, "bob")[post]["account"]
    assert after["display_name"] == "Alice Liddell"
    assert "rabbit" in after["note"]
    assert (after["locked"], after["bot"]) == (True, True)
    assert [f["name"] for f in after["fields"]] == ["home"]
    assert after["avatar"] != before["avatar"]
    assert statuses_of(client, tokens, "carol", people.alice)[post]["account"] == after


def test_follower_counts_are_current(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    post = _followed_post(rt, people, settle)
    assert page(client, tokens, "bob")[post]["account"]["followers_count"] == 2
    act(client, tokens, "dave", "POST", f"/api/v1/accounts/{people.alice}/follow")
    assert page(client, tokens, "bob")[post]["account"]["followers_count"] == 3


def test_new_pictures_and_their_descriptions_are_read_at_once(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    red = do_upload_media(
        rt,
        people.alice,
        picture("PNG"),
        content_type="image/png",
        filename="r.png",
        description="red",
    )
    post = _followed_post(rt, people, settle, media_ids=[red])
    shown = page(client, tokens, "bob")[post]["media_attachments"]
    assert [m["description"] for m in shown] == ["red"]
    blue = do_upload_media(
        rt,
        people.alice,
        picture("PNG"),
        content_type="image/png",
        filename="b.png",
        description="blue",
    )
    act(
        client,
        tokens,
        "alice",
        "PUT",
        f"/api/v1/statuses/{post}",
        json={"status": "first words", "media_ids": [str(blue)]},
    )
    shown = page(client, tokens, "bob")[post]["media_attachments"]
    assert [(m["id"], m["description"]) for m in shown] == [(str(blue), "blue")]


def test_a_followers_only_post_read_by_a_follower_is_not_served_to_others(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    # given: bob, a follower, has read alice's followers-only post (it is cached)
    post = _followed_post(rt, people, settle, text="for followers", visibility="private")
    assert post in page(client, tokens, "bob")
    assert post in statuses_of(client, tokens, "bob", people.alice)
    assert len(rt.pieces) > 0
    # when / then: dave, who does not follow her, and nobody at all, never get it
    assert post not in statuses_of(client, tokens, "dave", people.alice)
    assert post not in page(client, tokens, "dave")
    assert post not in page(client, tokens, "dave", "/api/v1/timelines/public")
    anonymous = client.get(f"/api/v1/accounts/{people.alice}/statuses")
    assert post not in {s["id"] for s in anonymous.json()}
    assert client.get(f"/api/v1/statuses/{post}", headers=tokens.auth("dave")).status_code == 404
    # and when bob stops following, neither does he
    act(client, tokens, "bob", "POST", f"/api/v1/accounts/{people.alice}/unfollow")
    settle()
    assert post not in statuses_of(client, tokens, "bob", people.alice)


def _render(rt: Runtime, viewer: int, post_id: int) -> dict[str, Any]:
    views = hydrate(rt, viewer, [post_id])
    found: list[dict[str, Any]] = msgspec.json.decode(msgspec.json.encode(status_page(rt, views)))
    return found[0]


def test_forget_post_drops_what_its_stamp_cannot_see(rt: Runtime, people: People) -> None:
    # given: a cached post mentioning bob
    assert people.bob
    post = do_create_post(rt, people.alice, "hello @bob")
    assert _render(rt, people.carol, post)["mentions"][0]["username"] == "bob"
    # when: something the stamp does not cover changes (here, behind Roost's back)
    with rt.db.write() as tx:
        tx.conn.execute(
            update(accounts).where(accounts.c.id == people.bob).values(username="robert")
        )
    assert _render(rt, people.carol, post)["mentions"][0]["username"] == "bob"  # still cached
    forget_post(rt, post)
    # then
    assert _render(rt, people.carol, post)["mentions"][0]["username"] == "robert"


def _eventually(check: Callable[[], bool]) -> bool:
    """Waits for another process's message (not a timing assertion: only a bound)."""
    for _ in range(200):
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_other_processes_see_changes_and_forgets(rt: Runtime, people: People) -> None:
    # given: a second web process on the same database (and Redis, in scale mode)
    other = build_runtime(rt.settings, pool_size=2)
    try:
        assert people.bob
        post = do_create_post(rt, people.alice, "hello @bob")
        assert "hello" in _render(other, people.carol, post)["content"]
        if SCALE:  # the first process finds the second's rendering in Redis
            view = hydrate(rt, people.carol, [post])[0]
            rt.pieces.clear()
            assert post in rt.pieces.get_many(STATUS, [(post, post_stamp(view.post, view.account))])
        # when: an edit in the first process
        do_edit_post(rt, people.alice, post, Edit(text="changed @bob"))
        # then: the second reads it at once (the stamp changed)
        assert "changed" in _render(other, people.carol, post)["content"]
        # and a forget in the first reaches the second (through Redis in scale mode)
        with rt.db.write() as tx:
            tx.conn.execute(
                update(accounts).where(accounts.c.id == people.bob).values(username="robert")
            )
        forget_post(rt, post)
        if SCALE:
            assert _eventually(
                lambda: _render(other, people.carol, post)["mentions"][0]["username"] == "robert"
            )
        else:  # one process per instance without Redis: the forget is local
            assert _render(rt, people.carol, post)["mentions"][0]["username"] == "robert"
    finally:
        other.close()


def test_a_bio_never_rendered_is_rendered_on_first_read_and_saved(
    client: TestClient, rt: Runtime, tokens: Tokens, people: People, settle: Callable[[], None]
) -> None:
    # given: a bio saved before rendered bios were stored (note_html NULL)
    post = _followed_post(rt, people, settle)
    with rt.db.write() as tx:
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == people.alice)
            .values(note="Hi @bob", note_html=None)
        )
    # when
    note = page(client, tokens, "bob")[post]["account"]["note"]
    # then: rendered for this read, and stored for the next ones
    assert note.startswith("<p>Hi ")
    assert "bob" in note
    with rt.db.read() as conn:
        stored = conn.scalar(select(accounts.c.note_html).where(accounts.c.id == people.alice))
    assert stored == note
