"""``get_context`` walks a bounded part of a thread (Mastodon's limits): a huge or
deep thread must not cost an anonymous request an unbounded walk."""

from __future__ import annotations

from roost.posts.actions import do_create_post
from roost.posts.queries import ANONYMOUS_CONTEXT, SIGNED_IN_CONTEXT, get_context
from roost.runtime import Runtime
from tests.conftest import People


def test_anonymous_context_is_bounded_in_depth_and_ancestors(rt: Runtime, people: People) -> None:
    chain = [do_create_post(rt, people.alice, "root")]
    for i in range(ANONYMOUS_CONTEXT.ancestors + 5):
        chain.append(do_create_post(rt, people.bob, f"reply {i}", in_reply_to_id=chain[-1]))
    below = get_context(rt, None, chain[0]).descendants
    assert [v.post.id for v in below] == chain[1 : 1 + ANONYMOUS_CONTEXT.depth]
    above = get_context(rt, None, chain[-1]).ancestors
    assert [v.post.id for v in above] == chain[-1 - ANONYMOUS_CONTEXT.ancestors : -1]
    # Signed in, the same thread is whole.
    assert len(get_context(rt, people.carol, chain[0]).descendants) == len(chain) - 1
    assert SIGNED_IN_CONTEXT.depth > len(chain)


def test_anonymous_context_is_bounded_in_count_keeping_the_nearest_replies(
    rt: Runtime, people: People
) -> None:
    root = do_create_post(rt, people.alice, "root")
    direct = [
        do_create_post(rt, people.bob, f"reply {i}", in_reply_to_id=root)
        for i in range(ANONYMOUS_CONTEXT.descendants - 2)
    ]
    # Deeper replies, below the first direct reply: only some fit.
    deep = [
        do_create_post(rt, people.carol, f"deeper {i}", in_reply_to_id=direct[0]) for i in range(10)
    ]
    below = [v.post.id for v in get_context(rt, None, root).descendants]
    assert len(below) == ANONYMOUS_CONTEXT.descendants
    assert set(direct) <= set(below)  # breadth first: every direct reply is kept
    extra = set(below) - set(direct)
    assert len(extra) == 2
    assert extra <= set(deep)
    assert len(get_context(rt, people.dave, root).descendants) == len(direct) + len(deep)
