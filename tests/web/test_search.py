"""The search page works without JavaScript (and answers the script's fragment
request), the directory lists people, hashtags are followed from their page and
featured on the profile, all through forms."""

from __future__ import annotations

from collections.abc import Callable

from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.tags.queries import featured_tags_of, followed_tags
from tests.conftest import People
from tests.web.conftest import WebClient


def test_search_page_finds_posts_people_and_tags_without_script(
    web: WebClient, rt: Runtime, people: People
) -> None:
    web.log_in("alice")
    do_create_post(rt, people.bob, "Owls at dusk #birding")
    do_create_post(rt, people.bob, "Owls for friends only", visibility="private")
    page = web.get("/search?q=owls")
    assert page.status_code == 200
    assert "Owls at dusk" in page.text
    assert "Owls for friends only" not in page.text
    assert 'href="/search"' in page.text  # in the nav
    tags = web.get("/search?q=%23bird").text
    assert 'href="/tags/birding"' in tags
    found = web.get("/search?q=bo").text
    assert 'href="/@bob"' in found
    fragment = web.get("/search?q=dusk", headers={"X-Roost-Fragment": "1"})
    assert "Owls at dusk" in fragment.text
    assert "<html" not in fragment.text
    bad = web.get("/search?q=since%3Alater")
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in bad.text


def test_anonymous_search_and_directory(web: WebClient, rt: Runtime, people: People) -> None:
    do_create_post(rt, people.bob, "Public words")
    assert "Public words" in web.get("/search?q=words").text
    listed = web.get("/directory").text
    assert 'href="/@bob"' in listed
    assert 'href="/@bob"' in web.get("/directory?order=new").text


def test_tag_is_followed_from_its_page_and_featured_on_the_profile(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    alice = web.log_in("alice")
    page = web.get("/tags/hcsm").text
    assert 'action="/tags/hcsm/follow"' in page
    assert web.submit("/tags/hcsm/follow", page="/tags/hcsm").status_code == 303
    assert [i.name for _, i in followed_tags(rt, alice, Page(limit=5))] == ["hcsm"]
    assert 'action="/tags/hcsm/unfollow"' in web.get("/tags/hcsm").text
    listed = web.get("/followed_tags").text
    assert 'href="/tags/hcsm"' in listed
    web.submit("/tags/hcsm/unfollow", page="/followed_tags")
    assert followed_tags(rt, alice, Page(limit=5)) == []
    refused = web.submit("/featured_tags", {"name": "not a tag"}, page="/followed_tags")
    assert refused.status_code == 422
    web.submit("/featured_tags", {"name": "#meded"}, page="/followed_tags")
    (featured,) = featured_tags_of(rt, alice)
    assert 'href="/tags/meded"' in web.get("/@alice").text
    web.submit("/featured_tags/remove", {"id": str(featured.id)}, page="/followed_tags")
    assert featured_tags_of(rt, alice) == []
