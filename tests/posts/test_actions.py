"""Post actions: validation, counters, tags, mentions, and what deletion takes with it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Table, func, select

from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.graph.actions import do_follow
from roost.paging import Page
from roost.posts.actions import do_create_post, do_delete_post, do_reblog, do_unreblog
from roost.posts.marks import do_favourite, do_pin, do_unfavourite
from roost.posts.models import posts, tags
from roost.posts.queries import get_context, get_status, hydrate, tag_statuses
from roost.runtime import Runtime
from roost.timelines.feeds import home_key
from tests.conftest import People


def count(rt: Runtime, table: Table) -> int:
    with rt.db.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_a_hashtag_is_one_tag_whatever_its_case(rt: Runtime, people: People) -> None:
    first = do_create_post(rt, people.alice, "#Roost and #roost again")
    second = do_create_post(rt, people.bob, "#ROOST #other")
    assert count(rt, tags) == 2
    found = [v.post.id for v in tag_statuses(rt, None, "rOoSt", Page())]
    assert found == [second, first]
    assert get_status(rt, None, first).tags == ["Roost"]


def test_a_mention_of_someone_elsewhere_does_not_reach_the_local_namesake(
    rt: Runtime, people: People
) -> None:
    people.bob  # noqa: B018 (a local bob exists)
    direct = do_create_post(rt, people.alice, "@bob@elsewhere.example secret", visibility="direct")
    assert hydrate(rt, people.bob, [direct]) == []
    assert get_status(rt, people.alice, direct).mentions == []
    local = do_create_post(rt, people.alice, "@bob@roost.test hello", visibility="direct")
    assert [m.username for m in get_status(rt, people.bob, local).mentions] == ["bob"]


def test_validation_failures_create_nothing(rt: Runtime, people: People) -> None:
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.alice, "x" * 281)
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.alice, "x" * 200, spoiler_text="y" * 81)
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.alice, " \n ")
    with pytest.raises(ValidationFailed):
        do_create_post(rt, people.alice, "hi", visibility="friends")
    with pytest.raises(NotFound):
        do_create_post(rt, people.alice, "hi #newtag", in_reply_to_id=12345)
    private = do_create_post(rt, people.bob, "mine", visibility="private")
    with pytest.raises(NotFound):  # alice cannot see it, so cannot reply to or quote it
        do_create_post(rt, people.alice, "hi", in_reply_to_id=private)
    with pytest.raises(NotFound):
        do_create_post(rt, people.alice, "hi", quote_id=private)
    assert count(rt, posts) == 1
    assert count(rt, tags) == 0


def test_counters_follow_favourites_reblogs_and_replies(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "count me")
    do_favourite(rt, people.bob, post)
    do_favourite(rt, people.bob, post)
    do_favourite(rt, people.carol, post)
    first = do_reblog(rt, people.bob, post)
    assert do_reblog(rt, people.bob, post) == first  # a second repost is the first one
    reply = do_create_post(rt, people.carol, "a reply", in_reply_to_id=post)
    row = get_status(rt, None, post).post
    assert (row.favourites_count, row.reblogs_count, row.replies_count) == (2, 1, 1)

    do_unfavourite(rt, people.bob, post)
    do_unfavourite(rt, people.bob, post)
    do_unreblog(rt, people.bob, post)
    do_delete_post(rt, people.carol, reply)
    row = get_status(rt, None, post).post
    assert (row.favourites_count, row.reblogs_count, row.replies_count) == (1, 0, 0)


def test_only_the_author_deletes_and_deletion_takes_the_reposts(
    rt: Runtime, people: People
) -> None:
    post = do_create_post(rt, people.alice, "original")
    repost = do_reblog(rt, people.bob, post)
    with pytest.raises(Forbidden):
        do_delete_post(rt, people.bob, post)
    do_delete_post(rt, people.alice, post)
    assert hydrate(rt, people.bob, [post, repost]) == []
    assert count(rt, posts) == 0


def test_deleting_a_followers_only_post_leaves_the_mentioned_persons_timeline(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    people.bob  # noqa: B018
    post = do_create_post(rt, people.alice, "@bob a word", visibility="private")
    settle()
    assert rt.timelines.page(home_key(people.bob)) == [post]
    do_delete_post(rt, people.alice, post)
    settle()
    assert rt.timelines.page(home_key(people.bob)) == []


def test_direct_posts_reach_no_followers_timeline(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.carol, people.alice)
    people.bob  # noqa: B018
    do_create_post(rt, people.alice, "@bob between us", visibility="direct")
    settle()
    assert rt.timelines.page(home_key(people.carol)) == []


def test_pin_rules(rt: Runtime, people: People) -> None:
    theirs = do_create_post(rt, people.bob, "bob's")
    with pytest.raises(ValidationFailed):
        do_pin(rt, people.alice, theirs)
    repost = do_reblog(rt, people.alice, theirs)
    with pytest.raises(ValidationFailed):
        do_pin(rt, people.alice, repost)
    direct = do_create_post(rt, people.alice, "@bob hush", visibility="direct")
    with pytest.raises(ValidationFailed):
        do_pin(rt, people.alice, direct)
    hidden = do_create_post(rt, people.bob, "followers only", visibility="private")
    with pytest.raises(NotFound):
        do_pin(rt, people.alice, hidden)
    mine = [do_create_post(rt, people.alice, f"pin {i}") for i in range(6)]
    for post_id in mine[:5]:
        do_pin(rt, people.alice, post_id)
    do_pin(rt, people.alice, mine[0])  # pinning again is no new pin
    with pytest.raises(ValidationFailed):
        do_pin(rt, people.alice, mine[5])


def test_concurrent_retries_with_one_idempotency_key_post_once(rt: Runtime, people: People) -> None:
    author = people.alice
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def retry() -> None:
        start.wait()
        try:
            results.append(do_create_post(rt, author, "only once #once", idempotency_key="k-1"))
        except BaseException as exc:  # collected: the test fails on any
            errors.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert count(rt, posts) == 1
    assert count(rt, tags) == 1


def test_concurrent_posts_introducing_one_new_tag_both_succeed(rt: Runtime, people: People) -> None:
    authors = [people.alice, people.bob, people.carol, people.dave]
    errors: list[BaseException] = []
    start = threading.Barrier(len(authors))

    def write(author: int) -> None:
        start.wait()
        try:
            do_create_post(rt, author, "#Brandnew #Other tag")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(a,)) for a in authors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert count(rt, tags) == 2
    assert len(tag_statuses(rt, None, "brandnew", Page())) == len(authors)


def test_a_very_deep_thread_has_a_full_context(rt: Runtime, people: People) -> None:
    # deeper than Python's recursion limit, so a recursive walk would fail
    chain = [do_create_post(rt, people.alice, "root")]
    for i in range(1050):
        chain.append(do_create_post(rt, people.bob, f"reply {i}", in_reply_to_id=chain[-1]))
    side = do_create_post(rt, people.carol, "side reply", in_reply_to_id=chain[0])
    context = get_context(rt, people.alice, chain[0])  # signed in: the wide bounds
    assert [v.post.id for v in context.descendants] == [*chain[1:], side]
    context = get_context(rt, people.alice, chain[-1])
    assert [v.post.id for v in context.ancestors] == chain[-201:-1]  # the nearest 200
    assert context.descendants == []
