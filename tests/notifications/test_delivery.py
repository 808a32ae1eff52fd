"""Which causes notify whom: created by jobs after commit, one per cause, withdrawn
when the cause is undone, never for an unfollow."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from roost.graph.actions import do_follow, do_unfollow
from roost.notifications.actions import do_accept_requests, do_update_policy
from roost.notifications.models import notifications
from roost.notifications.queries import Filter, get_policy, list_notifications, list_requests
from roost.paging import Page
from roost.posts.actions import do_create_post, do_delete_post, do_reblog, do_unreblog
from roost.posts.marks import do_favourite, do_unfavourite
from roost.runtime import Runtime
from tests.conftest import People

Settle = Callable[[], int]


def kinds(rt: Runtime, account_id: int) -> list[tuple[str, int, int | None]]:
    """(type, actor, post) of the account's notifications, newest first."""
    views, _ = list_notifications(rt, account_id, Page(limit=80))
    return [(v.type, v.account.id, v.status.post.id if v.status else None) for v in views]


def all_rows(rt: Runtime) -> int:
    with rt.db.read() as conn:
        return len(conn.execute(select(notifications.c.id)).all())


def test_notifications_are_created_by_jobs_not_in_the_request(
    rt: Runtime, people: People, settle: Settle
) -> None:
    post = do_create_post(rt, people.alice, "hello")
    do_favourite(rt, people.bob, post)
    assert kinds(rt, people.alice) == []  # nothing until the job runs
    settle()
    assert kinds(rt, people.alice) == [("favourite", people.bob, post)]


def test_like_unlike_like_notifies_once_and_unlike_withdraws(
    rt: Runtime, people: People, settle: Settle
) -> None:
    post = do_create_post(rt, people.alice, "hello")
    do_favourite(rt, people.bob, post)
    do_unfavourite(rt, people.bob, post)
    do_favourite(rt, people.bob, post)
    settle()
    assert kinds(rt, people.alice) == [("favourite", people.bob, post)]
    do_unfavourite(rt, people.bob, post)
    settle()
    assert kinds(rt, people.alice) == []


def test_follow_notifies_and_unfollow_withdraws_and_tells_no_one(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.bob, people.alice)
    settle()
    assert kinds(rt, people.alice) == [("follow", people.bob, None)]
    do_unfollow(rt, people.bob, people.alice)
    settle()
    assert kinds(rt, people.alice) == []
    assert all_rows(rt) == 0  # nobody at all was told of the unfollow


def test_follow_withdrawal_leaves_other_peoples_follow_notifications(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.bob, people.alice)
    do_follow(rt, people.bob, people.carol)
    settle()
    do_unfollow(rt, people.bob, people.alice)
    settle()
    assert kinds(rt, people.carol) == [("follow", people.bob, None)]


def test_reblog_notifies_and_unreblog_withdraws(
    rt: Runtime, people: People, settle: Settle
) -> None:
    post = do_create_post(rt, people.alice, "worth sharing")
    do_reblog(rt, people.bob, post)
    settle()
    assert kinds(rt, people.alice) == [("reblog", people.bob, post)]
    do_unreblog(rt, people.bob, post)
    settle()
    assert kinds(rt, people.alice) == []


def test_mention_reply_and_quote_notify_and_deleting_the_post_withdraws(
    rt: Runtime, people: People, settle: Settle
) -> None:
    people.carol  # noqa: B018 -- registered before anyone mentions her
    original = do_create_post(rt, people.alice, "a question")
    mention = do_create_post(rt, people.bob, "hey @carol")
    reply = do_create_post(rt, people.bob, "an answer", in_reply_to_id=original)
    quote = do_create_post(rt, people.dave, "look at this", quote_id=original)
    settle()
    assert kinds(rt, people.carol) == [("mention", people.bob, mention)]
    assert kinds(rt, people.alice) == [
        ("quote", people.dave, quote),
        ("mention", people.bob, reply),
    ]
    do_delete_post(rt, people.bob, reply)
    do_delete_post(rt, people.bob, mention)
    settle()
    assert kinds(rt, people.carol) == []
    assert kinds(rt, people.alice) == [("quote", people.dave, quote)]


def test_status_notification_for_followers_who_asked(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_follow(rt, people.bob, people.alice, notify=True)
    do_follow(rt, people.carol, people.alice)
    settle()
    post = do_create_post(rt, people.alice, "news")
    people.dave  # noqa: B018
    do_create_post(rt, people.alice, "only for @dave", visibility="direct")
    settle()
    assert ("status", people.alice, post) in kinds(rt, people.bob)
    assert [k for k in kinds(rt, people.bob) if k[0] == "status"] == [
        ("status", people.alice, post)
    ]
    assert kinds(rt, people.carol) == []


def test_a_followers_only_reply_tells_a_stranger_nothing(
    rt: Runtime, people: People, settle: Settle
) -> None:
    original = do_create_post(rt, people.alice, "public question")
    do_create_post(
        rt, people.bob, "followers-only answer", in_reply_to_id=original, visibility="private"
    )
    settle()
    assert kinds(rt, people.alice) == []


def test_policy_files_a_strangers_mention_as_a_request_until_accepted(
    rt: Runtime, people: People, settle: Settle
) -> None:
    do_update_policy(rt, people.alice, {"for_not_following": "filter"})
    do_follow(rt, people.alice, people.carol)
    settle()
    stranger = do_create_post(rt, people.bob, "hi @alice")
    friend = do_create_post(rt, people.carol, "hi @alice")
    settle()
    assert kinds(rt, people.alice) == [("mention", people.carol, friend)]
    requests = list_requests(rt, people.alice, Page())
    assert [(r.account.id, r.notifications_count) for r in requests] == [(people.bob, 1)]
    assert get_policy(rt, people.alice).pending_requests_count == 1
    do_accept_requests(rt, people.alice, [requests[0].id])
    assert kinds(rt, people.alice) == [
        ("mention", people.carol, friend),
        ("mention", people.bob, stranger),
    ]
    later = do_create_post(rt, people.bob, "again @alice")
    settle()
    assert kinds(rt, people.alice)[0] == ("mention", people.bob, later)


def test_types_filter(rt: Runtime, people: People, settle: Settle) -> None:
    post = do_create_post(rt, people.alice, "hello")
    do_favourite(rt, people.bob, post)
    do_follow(rt, people.bob, people.alice)
    settle()
    views, _ = list_notifications(rt, people.alice, Page(), Filter(types=["follow"]))
    assert [v.type for v in views] == ["follow"]
    views, _ = list_notifications(rt, people.alice, Page(), Filter(exclude_types=["follow"]))
    assert [v.type for v in views] == ["favourite"]
