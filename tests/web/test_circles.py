"""The Circles pages work without JavaScript, and the home composer posts to a circle."""

from __future__ import annotations

from collections.abc import Callable

from roost.circles.queries import get_circles
from roost.graph.actions import do_follow
from roost.paging import Page
from roost.posts.queries import account_statuses
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient


def test_a_circle_is_made_filled_used_and_deleted_by_forms(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    alice = web.log_in("alice")
    do_follow(rt, people.carol, alice)
    assert 'href="/circles"' in web.get("/settings").text
    # when: a circle is made, and bob (who does not follow alice) added by username
    refused = web.submit("/circles", {"name": " "}, page="/circles")
    assert refused.status_code == 422
    made = web.submit("/circles", {"name": "Friends"}, page="/circles")
    assert made.status_code == 303
    page = made.headers["location"]
    (info,) = get_circles(rt, alice)
    assert page == f"/circles/{info.id}"
    assert people.bob  # registers bob
    unknown = web.submit(f"{page}/members/add", {"username": "nobody"}, page=page)
    assert unknown.status_code == 422
    added = web.submit(f"{page}/members/add", {"username": "@bob"}, page=page)
    assert added.status_code == 303
    assert get_circles(rt, alice)[0].members_count == 1
    # and the home composer offers the circle and posts to it
    home = web.get("/").text
    assert f'value="circle:{info.id}"' in home
    choice = {"status": "just us", "visibility": f"circle:{info.id}"}
    posted = web.submit("/posts", choice, page="/")
    assert posted.status_code == 303
    settle()
    (mine,) = account_statuses(rt, alice, alice, Page())
    assert (mine.post.visibility, mine.post.circle_id) == ("private", info.id)
    assert account_statuses(rt, people.carol, alice, Page()) == []
    assert [v.post.id for v in account_statuses(rt, people.bob, alice, Page())] == [mine.post.id]
    # a malformed circle is refused, never posted publicly
    bad = web.submit("/posts", {"status": "oops", "visibility": "circle:x"}, page="/")
    assert bad.status_code == 422
    # then: renamed, bob removed, and the circle deleted
    assert web.submit(f"{page}/rename", {"name": "Pals"}, page=page).status_code == 303
    assert get_circles(rt, alice)[0].name == "Pals"
    removed = web.submit(f"{page}/members/remove", {"account_id": str(people.bob)}, page=page)
    assert removed.status_code == 303
    assert account_statuses(rt, people.bob, alice, Page()) == []
    assert web.submit(f"{page}/delete", {}, page=page).status_code == 303
    assert get_circles(rt, alice) == []
