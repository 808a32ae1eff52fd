"""``hydrate``: a page costs a fixed number of queries, and drops what the viewer may not see."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_bookmark, do_favourite
from roost.posts.queries import hydrate
from roost.runtime import Runtime
from tests.conftest import People


@contextmanager
def counting(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(rt.db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", record)


def rich_posts(rt: Runtime, people: People, n: int) -> list[int]:
    """Posts by many authors, with mentions, tags, quotes, reposts and the viewer's marks."""
    authors = [getattr(people, f"author{i}") for i in range(n)]
    ids = []
    for i, author in enumerate(authors):
        post = do_create_post(rt, author, f"#t{i} @author{(i + 1) % n} number {i}")
        quote = do_create_post(rt, author, "quoting", quote_id=post)
        ids += [post, quote, do_reblog(rt, authors[(i + 2) % n], quote)]
        do_favourite(rt, people.viewer, post)
        do_bookmark(rt, people.viewer, quote)
    return ids


def test_query_count_does_not_grow_with_the_page(rt: Runtime, people: People) -> None:
    small = rich_posts(rt, people, 2)
    large = rich_posts(rt, people, 8)
    with counting(rt) as few:
        assert len(hydrate(rt, people.viewer, small)) == len(small)
    with counting(rt) as many:
        assert len(hydrate(rt, people.viewer, large)) == len(large)
    queries = [s for s in many if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(many) == len(few)
    assert len(queries) <= 7  # posts, two rounds of nested posts, satellites, authors, apps, media


def test_marks_and_nested_posts_are_the_viewers(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "original #tag")
    quote = do_create_post(rt, people.bob, "quote", quote_id=post)
    repost = do_reblog(rt, people.carol, quote)
    do_favourite(rt, people.viewer, quote)
    do_bookmark(rt, people.viewer, post)
    [view] = hydrate(rt, people.viewer, [repost])
    assert view.reblog is not None
    assert view.reblog.favourited is True
    assert view.reblog.quote is not None
    assert view.reblog.quote.bookmarked is True
    assert view.reblog.quote.tags == ["tag"]
    [anonymous] = hydrate(rt, None, [repost])
    assert anonymous.reblog is not None
    assert anonymous.reblog.favourited is False


def test_hidden_posts_and_reposts_of_them_are_dropped(rt: Runtime, people: People) -> None:
    do_follow(rt, people.bob, people.alice)
    private = do_create_post(rt, people.alice, "followers only", visibility="private")
    public = do_create_post(rt, people.alice, "public")
    assert [v.post.id for v in hydrate(rt, people.bob, [private, public])] == [private, public]
    assert [v.post.id for v in hydrate(rt, people.carol, [private, public])] == [public]
    assert [v.post.id for v in hydrate(rt, None, [private, public, 424242])] == [public]
