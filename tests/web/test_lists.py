"""The Lists pages work without JavaScript: make, fill, read, rename, empty, delete."""

from __future__ import annotations

from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.lists.actions import do_create_list
from roost.lists.queries import get_lists, list_member_ids
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient


def test_a_list_is_made_filled_read_and_deleted_by_forms(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    alice = web.log_in("alice")
    do_follow(rt, alice, people.bob)
    post = do_create_post(rt, people.bob, "Bob writes for his friends")
    settle()
    # when: a list is made
    refused = web.submit("/lists", {"title": " "}, page="/lists")
    assert refused.status_code == 422
    assert 'id="title-error"' in refused.text
    made = web.submit("/lists", {"title": "Friends"}, page="/lists")
    assert made.status_code == 303
    page = made.headers["location"]
    (info,) = get_lists(rt, alice)
    assert page == f"/lists/{info.id}"
    # and bob added, whom alice follows
    added = web.submit(f"{page}/members/add", {"account_id": str(people.bob)}, page=page)
    assert added.status_code == 303
    settle()
    assert list_member_ids(rt, info.id) == [people.bob]
    shown = web.get(page).text
    assert "Bob writes for his friends" in shown
    assert str(post) in shown
    # someone not followed cannot be added
    stranger = web.submit(f"{page}/members/add", {"account_id": str(people.carol)}, page=page)
    assert stranger.status_code == 422
    assert "You must follow this account" in stranger.text
    # then renamed, emptied and deleted
    web.submit(f"{page}/rename", {"title": "Pals"}, page=page)
    assert get_lists(rt, alice)[0].title == "Pals"
    web.submit(f"{page}/members/remove", {"account_id": str(people.bob)}, page=page)
    assert list_member_ids(rt, info.id) == []
    assert web.submit(f"{page}/delete", page=page).status_code == 303
    assert get_lists(rt, alice) == []
    assert web.get(page).status_code == 404


def test_someone_elses_list_page_is_not_found(web: WebClient, rt: Runtime, people: People) -> None:
    list_id = do_create_list(rt, people.alice, "Secret")
    web.log_in("bob")
    assert web.get(f"/lists/{list_id}").status_code == 404
    assert web.submit(f"/lists/{list_id}/delete", page="/lists").status_code == 404
    assert get_lists(rt, people.alice) != []
