"""Blocks and mutes: what each hides, from whom, and what it refuses. The leak tests
read every way a post can reach a person after the block."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update

from roost.accounts.actions import do_update_profile
from roost.accounts.queries import get_account
from roost.conversations.queries import list_conversations
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block, do_mute, do_unblock, do_unmute
from roost.graph.models import mutes
from roost.graph.queries import blocked_accounts, muted_accounts, relationships
from roost.notifications.queries import list_notifications
from roost.paging import Page
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_favourite, do_mute_conversation
from roost.posts.queries import (
    account_statuses,
    favourited_by,
    get_context,
    get_status,
    public_statuses,
    tag_statuses,
)
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.timelines.feeds import home_timeline
from tests.conftest import People

Settle = Callable[[], int]


def home_ids(rt: Runtime, account_id: int) -> list[int]:
    return [v.post.id for v in home_timeline(rt, account_id, Page(limit=40))]


def notified(rt: Runtime, account_id: int) -> list[tuple[str, int]]:
    views, _ = list_notifications(rt, account_id, Page(limit=80))
    return [(v.type, v.account.id) for v in views]


def test_block_ends_follows_both_ways_with_counters(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.bob, people.alice)
    settle()
    assert do_block(rt, people.alice, people.bob) is True
    assert do_block(rt, people.alice, people.bob) is False  # idempotent
    settle()
    for who in (people.alice, people.bob):
        account = get_account(rt, who)
        assert (account.following_count, account.followers_count) == (0, 0)
    (rel,) = relationships(rt, people.alice, [people.bob])
    assert (rel.following, rel.followed_by, rel.blocking, rel.blocked_by) == (
        False,
        False,
        True,
        False,
    )
    (back,) = relationships(rt, people.bob, [people.alice])
    assert (back.blocking, back.blocked_by) == (False, True)
    # The follow notifications are withdrawn with the follows.
    assert notified(rt, people.alice) == []
    assert notified(rt, people.bob) == []


def test_block_refuses_follows_both_ways(rt: Runtime, people: People) -> None:
    do_block(rt, people.alice, people.bob)
    with pytest.raises(Forbidden):
        do_follow(rt, people.bob, people.alice)
    with pytest.raises(Forbidden):
        do_follow(rt, people.alice, people.bob)
    do_unblock(rt, people.alice, people.bob)
    assert do_follow(rt, people.bob, people.alice) is True


def test_cannot_block_or_mute_yourself_or_nobody(rt: Runtime, people: People) -> None:
    with pytest.raises(ValidationFailed):
        do_block(rt, people.alice, people.alice)
    with pytest.raises(ValidationFailed):
        do_mute(rt, people.alice, people.alice)
    with pytest.raises(NotFound):
        do_block(rt, people.alice, 12345)
    with pytest.raises(NotFound):
        do_mute(rt, people.alice, 12345)


def test_blocked_posts_leak_nowhere_either_way(rt: Runtime, people: People, settle: Settle) -> None:
    # given: bob follows alice and has her posts in his home already (fanned out)
    do_follow(rt, people.bob, people.alice)
    do_follow(rt, people.alice, people.bob)
    settle()
    root = do_create_post(rt, people.alice, "hello #news")
    bobs = do_create_post(rt, people.bob, "mine #news")
    reply = do_create_post(rt, people.bob, "a reply", in_reply_to_id=root)
    carols = do_reblog(rt, people.carol, root)
    settle()
    assert root in home_ids(rt, people.bob)
    # when
    do_block(rt, people.alice, people.bob)
    # then: read before the purge job runs, then after: filtered at read time either way
    for _ in range(2):
        assert root not in home_ids(rt, people.bob)
        assert bobs not in home_ids(rt, people.alice)
        for viewer, other_post in ((people.bob, root), (people.alice, bobs)):
            with pytest.raises(NotFound):
                get_status(rt, viewer, other_post)
            public = [v.post.id for v in public_statuses(rt, viewer, Page())]
            assert other_post not in public
            tagged = [v.post.id for v in tag_statuses(rt, viewer, "news", Page())]
            assert other_post not in tagged
        assert account_statuses(rt, people.bob, people.alice, Page()) == []
        # threads: his reply stays his, but the post it answers is gone from it; her
        # thread no longer shows his reply
        assert get_context(rt, people.bob, reply).ancestors == []
        assert get_context(rt, people.alice, root).descendants == []
        settle()
    # carol's repost of alice's post is hidden from bob too
    assert carols not in [v.post.id for v in account_statuses(rt, people.bob, people.carol, Page())]
    # the blocked person still sees the blocker's profile (silent block)
    assert get_account(rt, people.alice).id == people.alice


def test_blocked_person_cannot_interact(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "hello")
    do_block(rt, people.alice, people.bob)
    with pytest.raises(NotFound):
        do_favourite(rt, people.bob, post)
    with pytest.raises(NotFound):
        do_reblog(rt, people.bob, post)
    with pytest.raises(NotFound):
        do_create_post(rt, people.bob, "hey", in_reply_to_id=post)
    with pytest.raises(NotFound):
        do_create_post(rt, people.bob, "look", quote_id=post)


def test_mentions_across_a_block_notify_no_one(rt: Runtime, people: People, settle: Settle) -> None:
    do_block(rt, people.alice, people.bob)
    do_create_post(rt, people.bob, "hey @alice")
    do_create_post(rt, people.alice, "hey @bob")
    do_create_post(rt, people.bob, "psst @alice", visibility="direct")
    settle()
    assert notified(rt, people.alice) == []
    assert notified(rt, people.bob) == []
    assert list_conversations(rt, people.alice, Page()) == []


def test_notifications_from_before_a_block_are_hidden(
    rt: Runtime, people: People, settle: Settle
) -> None:
    post = do_create_post(rt, people.alice, "hello")
    do_create_post(rt, people.bob, "hey @alice")
    do_favourite(rt, people.bob, post)
    settle()
    assert len(notified(rt, people.alice)) == 2
    do_block(rt, people.alice, people.bob)
    assert notified(rt, people.alice) == []


def test_favourited_by_hides_blocked_accounts(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "hello")
    do_favourite(rt, people.bob, post)
    do_favourite(rt, people.carol, post)
    do_block(rt, people.alice, people.bob)
    assert [a.id for _, a in favourited_by(rt, people.alice, post, Page())] == [people.carol]


def test_mute_filters_timelines_at_read_time_not_links(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.alice, people.carol)
    settle()
    post = do_create_post(rt, people.bob, "hello #news")
    repost = do_reblog(rt, people.carol, post)
    settle()
    assert {post, repost} <= set(home_ids(rt, people.alice))
    do_mute(rt, people.alice, people.bob)
    assert post not in home_ids(rt, people.alice)
    assert repost not in home_ids(rt, people.alice)  # a repost OF a muted post
    assert post not in [v.post.id for v in public_statuses(rt, people.alice, Page())]
    assert post not in [v.post.id for v in tag_statuses(rt, people.alice, "news", Page())]
    # still readable by link and on the profile, and by everyone else
    assert get_status(rt, people.alice, post).post.id == post
    assert [v.post.id for v in account_statuses(rt, people.alice, people.bob, Page())] == [post]
    assert post in [v.post.id for v in public_statuses(rt, people.carol, Page())]
    # unmuting brings them back: nothing was removed from the stored timeline
    assert do_unmute(rt, people.alice, people.bob) is True
    assert {post, repost} <= set(home_ids(rt, people.alice))


def test_muted_persons_reposts_leave_timelines(rt: Runtime, people: People, settle: Settle) -> None:
    do_follow(rt, people.alice, people.bob)
    settle()
    original = do_create_post(rt, people.carol, "hello")
    repost = do_reblog(rt, people.bob, original)
    settle()
    assert repost in home_ids(rt, people.alice)
    do_mute(rt, people.alice, people.bob)
    assert repost not in home_ids(rt, people.alice)


def test_expired_mute_stops_applying(rt: Runtime, people: People, settle: Settle) -> None:
    do_follow(rt, people.alice, people.bob)
    settle()
    post = do_create_post(rt, people.bob, "hello")
    settle()
    do_mute(rt, people.alice, people.bob, duration=3600)
    assert post not in home_ids(rt, people.alice)
    (rel,) = relationships(rt, people.alice, [people.bob])
    assert (rel.muting, rel.muting_notifications) == (True, True)
    with rt.db.write() as tx:
        tx.conn.execute(update(mutes).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert post in home_ids(rt, people.alice)
    assert muted_accounts(rt, people.alice, Page()) == []
    (rel,) = relationships(rt, people.alice, [people.bob])
    assert not rel.muting


def test_mute_with_notifications_drops_them_without_it_keeps_them(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_mute(rt, people.alice, people.bob)
    do_mute(rt, people.alice, people.carol, notifications=False)
    do_create_post(rt, people.bob, "hey @alice")
    do_create_post(rt, people.carol, "hi @alice")
    settle()
    assert notified(rt, people.alice) == [("mention", people.carol)]
    rels = relationships(rt, people.alice, [people.bob, people.carol])
    assert [(r.muting, r.muting_notifications) for r in rels] == [(True, True), (True, False)]


def test_muted_thread_tells_nothing(rt: Runtime, people: People, settle: Settle) -> None:
    root = do_create_post(rt, people.alice, "a thread")
    do_mute_conversation(rt, people.alice, root)
    assert get_status(rt, people.alice, root).muted is True
    assert get_status(rt, people.bob, root).muted is False
    do_create_post(rt, people.bob, "an answer", in_reply_to_id=root)
    do_create_post(rt, people.bob, "elsewhere @alice")
    settle()
    assert notified(rt, people.alice) == [("mention", people.bob)]  # only the other post
    do_mute_conversation(rt, people.alice, root, on=False)
    assert get_status(rt, people.alice, root).muted is False


def test_block_and_mute_lists_page_by_edge(rt: Runtime, people: People) -> None:
    for who in (people.bob, people.carol, people.dave):
        do_block(rt, people.alice, who)
        do_mute(rt, people.erin, who)
    first = blocked_accounts(rt, people.alice, Page(limit=2))
    assert [a.id for _, a in first] == [people.dave, people.carol]
    rest = blocked_accounts(rt, people.alice, Page(limit=2, max_id=first[-1][0]))
    assert [a.id for _, a in rest] == [people.bob]
    assert [a.id for _, a in muted_accounts(rt, people.erin, Page())] == [
        people.dave,
        people.carol,
        people.bob,
    ]


def test_a_block_cancels_pending_follow_requests_both_ways(rt: Runtime, people: People) -> None:
    for name in ("alice", "bob"):
        do_update_profile(rt, getattr(people, name), locked=True)
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.bob, people.alice)
    assert relationships(rt, people.alice, [people.bob])[0].requested
    do_block(rt, people.alice, people.bob)
    (rel,) = relationships(rt, people.alice, [people.bob])
    assert not rel.requested
    assert not rel.requested_by
